// SPDX-License-Identifier: MIT
/*
 * run: building, querying and freeing the result model (model/run.h).
 *
 * Every string and array in the model is owned by the struct that holds
 * it, so a run can be freed from its root whatever filled it (an
 * experiment, or a JSON reader that stopped half-way). Adding anything
 * copies it: callers keep ownership of what they pass in, and a metric
 * built on an experiment's stack can be added without a second thought.
 *
 * Arrays grow by doubling (xgrow). A pointer returned by run_add_result()
 * or exp_result_add_metric() stays valid only until the next addition to
 * the same array.
 */
#include "model/run.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xalloc.h"

/* Every outcome: its stable name (JSON), its label and its sentence for people. */
static const struct {
	const char *name, *label, *sentence;
} outcomes[] = {
	[OUTCOME_OK] = { "ok", N_("ok"), N_("the %s experiment ran to its end%.0s") },
	[OUTCOME_SKIPPED] = { "skipped", N_("skipped"), N_("the %s experiment was skipped: %s") },
	[OUTCOME_FAILED] = { "failed", N_("failed"), N_("the %s experiment failed: %s") },
	[OUTCOME_CRASHED] = { "crashed", N_("crashed"), N_("the %s experiment crashed: %s") },
	[OUTCOME_TIMED_OUT] = { "timed_out", N_("timed out"),
				N_("the %s experiment timed out: %s") },
	[OUTCOME_INTERRUPTED] = { "interrupted", N_("interrupted"),
				  N_("the %s experiment was interrupted: %s") },
	[OUTCOME_NOT_RUN] = { "not_run", N_("not run"), N_("the %s experiment did not run: %s") },
};

static const char *const direction_names[] = {
	[DIR_LOWER_IS_BETTER] = "lower_is_better",
	[DIR_HIGHER_IS_BETTER] = "higher_is_better",
	[DIR_NONE] = "none",
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Frees the strings of n parameters and the array itself. */
static void mparams_free(struct mparam *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].key);
		free(p[i].str);
	}
	free(p);
}

/* A deep copy of n parameters; NULL when n is 0. */
static struct mparam *mparams_copy(const struct mparam *p, size_t n)
{
	if (n == 0)
		return NULL;
	struct mparam *c = xcalloc(n, sizeof(*c));
	for (size_t i = 0; i < n; i++) {
		c[i].key = xstrdup(p[i].key);
		c[i].str = xstrdup(p[i].str);
		c[i].num = p[i].num;
		c[i].is_num = p[i].is_num;
	}
	return c;
}

static const struct mparam *mparams_find(const struct mparam *p, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].key, key) == 0)
			return &p[i];
	return NULL;
}

void run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->schema_version = RUN_SCHEMA_VERSION;
}

void run_free(struct run *r)
{
	free(r->ptlab_version);
	free(r->started);
	free(r->preset);
	free(r->cpus);
	for (size_t i = 0; i < r->n_results; i++)
		exp_result_free(&r->results[i]);
	free(r->results);
	memset(r, 0, sizeof(*r));
}

/*
 * Appends an empty result named `name` (copied) and returns it. The
 * pointer is valid until the next run_add_result() on r.
 */
struct exp_result *run_add_result(struct run *r, const char *name)
{
	xgrow((void **)&r->results, &r->cap_results, r->n_results + 1, sizeof(*r->results));
	struct exp_result *e = &r->results[r->n_results++];
	exp_result_init(e, name);
	return e;
}

const struct exp_result *run_find_result(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->n_results; i++)
		if (strcmp(r->results[i].name, name) == 0)
			return &r->results[i];
	return NULL;
}

void exp_result_init(struct exp_result *e, const char *name)
{
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	e->outcome = OUTCOME_OK;
}

void exp_result_free(struct exp_result *e)
{
	free(e->name);
	ev_msg_free(&e->reason);
	mparams_free(e->params, e->n_params);
	for (size_t i = 0; i < e->n_metrics; i++)
		metric_free(&e->metrics[i]);
	free(e->metrics);
	for (size_t i = 0; i < e->n_obs; i++) {
		free(e->obs[i].name);
		ev_msg_free(&e->obs[i].msg);
	}
	free(e->obs);
	for (size_t i = 0; i < e->n_skips; i++) {
		free(e->skips[i].what);
		ev_msg_free(&e->skips[i].reason);
	}
	free(e->skips);
	memset(e, 0, sizeof(*e));
}

/* Replaces the reason with a copy of `reason`; NULL clears it. */
void exp_result_set_reason(struct exp_result *e, const struct ev_msg *reason)
{
	ev_msg_free(&e->reason);
	if (reason)
		ev_msg_dup(&e->reason, reason);
}

/*
 * Appends a deep copy of m (name, unit, params, raw samples) and computes
 * its summary; m->sum is ignored. m->batch must be >= 1 (a programmer
 * error otherwise). A metric without samples is kept, with a zeroed
 * summary: the caller decides whether that is a skip. Returns the copy,
 * valid until the next addition of a metric to e.
 */
struct metric *exp_result_add_metric(struct exp_result *e, const struct metric *m)
{
	assert(m->batch >= 1);
	xgrow((void **)&e->metrics, &e->cap_metrics, e->n_metrics + 1, sizeof(*e->metrics));
	struct metric *c = &e->metrics[e->n_metrics++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(m->name);
	c->unit = xstrdup(m->unit);
	c->dir = m->dir;
	c->params = mparams_copy(m->params, m->n_params);
	c->n_params = m->n_params;
	c->batch = m->batch;
	c->n = m->n;
	c->warmup = m->warmup;
	if (m->n) {
		c->raw = xmalloc(m->n * sizeof(*c->raw));
		memcpy(c->raw, m->raw, m->n * sizeof(*c->raw));
	}
	if (m->n_rounds) {
		c->rounds = xmalloc(m->n_rounds * sizeof(*c->rounds));
		memcpy(c->rounds, m->rounds, m->n_rounds * sizeof(*c->rounds));
		c->n_rounds = m->n_rounds;
	}
	metric_summarize(c);
	return c;
}

/* Whether two metrics are the same figure: name, unit, direction, batch and every condition. */
static bool same_figure(const struct metric *a, const struct metric *b)
{
	if (strcmp(a->name, b->name) != 0 || strcmp(a->unit, b->unit) != 0 || a->dir != b->dir ||
	    a->batch != b->batch || a->n_params != b->n_params)
		return false;
	for (size_t i = 0; i < a->n_params; i++) {
		const struct mparam *p = &a->params[i], *q = &b->params[i];
		if (strcmp(p->key, q->key) != 0 || strcmp(p->str, q->str) != 0 ||
		    p->is_num != q->is_num)
			return false;
	}
	return true;
}

/*
 * Adds m's samples to the metric of e that is the same figure (an earlier
 * round of it), or appends m as a new metric when there is none. Returns
 * the metric that holds the samples now.
 */
struct metric *exp_result_merge_metric(struct exp_result *e, const struct metric *m)
{
	for (size_t i = 0; i < e->n_metrics; i++) {
		struct metric *c = &e->metrics[i];
		if (!same_figure(c, m))
			continue;
		/* A single-round figure gains its round list when the second round comes. */
		size_t had = c->n_rounds ? c->n_rounds : 1;
		size_t add = m->n_rounds ? m->n_rounds : 1;
		size_t *rounds = xmalloc((had + add) * sizeof(*rounds));
		if (c->n_rounds)
			memcpy(rounds, c->rounds, had * sizeof(*rounds));
		else
			rounds[0] = c->n;
		if (m->n_rounds)
			memcpy(rounds + had, m->rounds, add * sizeof(*rounds));
		else
			rounds[had] = m->n;
		free(c->rounds);
		c->rounds = rounds;
		c->n_rounds = had + add;
		c->raw = xrealloc(c->raw, (c->n + m->n) * sizeof(*c->raw));
		memcpy(c->raw + c->n, m->raw, m->n * sizeof(*c->raw));
		c->n += m->n;
		c->warmup += m->warmup;
		metric_summarize(c);
		return c;
	}
	return exp_result_add_metric(e, m);
}

/* Appends an observation (name and message copied). Names are expected to be unique. */
void exp_result_add_obs(struct exp_result *e, const char *name, const struct ev_msg *msg)
{
	xgrow((void **)&e->obs, &e->cap_obs, e->n_obs + 1, sizeof(*e->obs));
	struct observation *o = &e->obs[e->n_obs++];
	o->name = xstrdup(name);
	ev_msg_dup(&o->msg, msg);
}

void exp_result_add_skip(struct exp_result *e, const char *what, const struct ev_msg *reason)
{
	xgrow((void **)&e->skips, &e->cap_skips, e->n_skips + 1, sizeof(*e->skips));
	struct skip *s = &e->skips[e->n_skips++];
	s->what = xstrdup(what);
	ev_msg_dup(&s->reason, reason);
}

/*
 * Appends a resolved parameter. str is the value as text and must be set
 * even for a number (the JSON reader and find-by-text rely on it).
 */
void exp_result_add_param(struct exp_result *e, const char *key, const char *str, bool is_num,
			  int64_t num)
{
	xgrow((void **)&e->params, &e->cap_params, e->n_params + 1, sizeof(*e->params));
	struct mparam *p = &e->params[e->n_params++];
	p->key = xstrdup(key);
	p->str = xstrdup(str);
	p->is_num = is_num;
	p->num = is_num ? num : 0;
}

/* Frees what m owns and zeroes it; m itself is not freed. */
void metric_free(struct metric *m)
{
	free(m->name);
	free(m->unit);
	mparams_free(m->params, m->n_params);
	free(m->raw);
	free(m->rounds);
	memset(m, 0, sizeof(*m));
}

/*
 * The largest median of a round over the smallest; 1 with one round. v
 * (finite values, in the order taken) is left as it is: each round's
 * median is selected in a copy, in linear time, where a whole summary
 * would sort (reading a large run spent an eighth of its time here).
 */
static double round_spread(const struct metric *m, const double *v)
{
	double lo = 0, hi = 0;
	size_t start = 0;
	if (m->n_rounds < 2)
		return 1.0;
	double *scratch = xmalloc(m->n * sizeof(*scratch));
	for (size_t r = 0; r < m->n_rounds; r++) {
		size_t len = m->rounds[r];
		if (len == 0 || len > m->n - start) {
			free(scratch);
			return 1.0;
		}
		memcpy(scratch, v + start, len * sizeof(*scratch));
		double median = stats_median_select(scratch, len);
		if (r == 0 || median < lo)
			lo = median;
		if (r == 0 || median > hi)
			hi = median;
		start += len;
	}
	free(scratch);
	return lo > 0 ? hi / lo : 1.0;
}

/*
 * Recomputes m->sum from raw[i] / batch. With no samples (or a batch of 0,
 * which only a bad document could give) the summary is zeroed and -EINVAL
 * returned.
 */
int metric_summarize(struct metric *m)
{
	memset(&m->sum, 0, sizeof(m->sum));
	memset(&m->modes, 0, sizeof(m->modes));
	m->round_spread = 1.0;
	if (m->n == 0 || m->batch == 0)
		return -EINVAL;
	double *v = metric_values(m);
	int err = stats_summarize(v, m->n, &m->sum);
	if (!err) {
		m->round_spread = round_spread(m, v);
		err = modes_find(v, m->n, &m->modes);
	}
	free(v);
	if (err) {
		memset(&m->sum, 0, sizeof(m->sum));
		memset(&m->modes, 0, sizeof(m->modes));
	}
	return err;
}

/*
 * A figure between two CPUs measures the path between them, and a host
 * that moves the vCPUs mid-run changes that path: the figure then holds
 * two modes, one before the move and one after. Samples that switch mode
 * at random are something else (an SMT sibling's load, interrupts), so
 * only modes in stretches of time count. The limits: a move between two
 * figures, or one to a placement of the same cost, leaves no trace here.
 */
size_t run_placement_moves(const struct run *r, const struct metric **first,
			   const char **experiment)
{
	size_t count = 0;
	for (size_t i = 0; i < r->n_results; i++) {
		const struct exp_result *e = &r->results[i];
		for (size_t k = 0; k < e->n_metrics; k++) {
			const struct metric *m = &e->metrics[k];
			const struct mparam *p = metric_param(m, "placement");
			if (!p || strcmp(p->str, "cross-cpu") != 0 ||
			    !modes_in_stretches(&m->modes))
				continue;
			if (count++ == 0) {
				if (first)
					*first = m;
				if (experiment)
					*experiment = e->name;
			}
		}
	}
	return count;
}

/*
 * The per-operation values raw[i] / batch, as a new array of m->n doubles
 * that the caller frees. A batch of 0 is read as 1. A raw total above 2^53
 * loses its last bits here, as any double would; the raw integers stay
 * exact in the model and in JSON.
 */
double *metric_values(const struct metric *m)
{
	double batch = m->batch ? (double)m->batch : 1.0;
	double *v = xmalloc(m->n * sizeof(*v));
	for (size_t i = 0; i < m->n; i++)
		v[i] = (double)m->raw[i] / batch;
	return v;
}

const struct mparam *metric_param(const struct metric *m, const char *key)
{
	return mparams_find(m->params, m->n_params, key);
}

/*
 * True when the parameters satisfy one "key=value" condition: the key is
 * present and its text equals value. A condition without '=' asks only
 * that the key be present.
 */
static bool mparams_match(const struct mparam *p, size_t n, const char *cond)
{
	const char *eq = strchr(cond, '=');
	size_t klen = eq ? (size_t)(eq - cond) : strlen(cond);
	for (size_t i = 0; i < n; i++) {
		if (strlen(p[i].key) != klen || memcmp(p[i].key, cond, klen) != 0)
			continue;
		return !eq || strcmp(p[i].str, eq + 1) == 0;
	}
	return false;
}

bool metric_matches(const struct metric *m, const char *const *where)
{
	for (size_t k = 0; where && where[k]; k++)
		if (!mparams_match(m->params, m->n_params, where[k]))
			return false;
	return true;
}

const struct metric *exp_result_find_metric(const struct exp_result *e, const char *name,
					    const char *const *where)
{
	for (size_t i = 0; i < e->n_metrics; i++) {
		const struct metric *m = &e->metrics[i];
		if (strcmp(m->name, name) == 0 && metric_matches(m, where))
			return m;
	}
	return NULL;
}

/* The first observation called name, or NULL. */
const struct ev_msg *exp_result_obs(const struct exp_result *e, const char *name)
{
	for (size_t i = 0; i < e->n_obs; i++)
		if (strcmp(e->obs[i].name, name) == 0)
			return &e->obs[i].msg;
	return NULL;
}

const char *exp_result_obs_word(const struct exp_result *e, const char *name)
{
	const struct ev_msg *m = exp_result_obs(e, name);
	if (!m || m->form || m->n_vals != 1)
		return NULL;
	const struct ev_val *v = &m->vals[0];
	return v->type == EV_WORD || v->type == EV_TOKEN ? v->s : NULL;
}

/* The stable name, or "unknown" for a value outside the enum. */
const char *outcome_name(enum outcome o)
{
	if ((size_t)o >= N_ELEMS(outcomes))
		return "unknown";
	return outcomes[o].name;
}

/* Returns 0 with *out set, or -EINVAL for a name not in the table. */
int outcome_from_name(const char *s, enum outcome *out)
{
	for (size_t i = 0; i < N_ELEMS(outcomes); i++) {
		if (strcmp(s, outcomes[i].name) == 0) {
			*out = (enum outcome)i;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *const unit_names[] = {
	[MU_NS] = "ns",
	[MU_BYTES] = "bytes",
	[MU_REQUESTS_PER_S] = "requests/s",
	[MU_REQUESTS] = "requests",
	[MU_TASKS] = "tasks",
	[MU_COUNT] = "count",
};

const char *metric_unit_name(enum metric_unit u)
{
	return (size_t)u < N_ELEMS(unit_names) ? unit_names[u] : "?";
}

const struct figure_decl *figure_declared(const struct figure_decl *decls, const char *name)
{
	for (const struct figure_decl *d = decls; d && d->names; d++)
		for (const char *const *n = d->names; *n; n++)
			if (strcmp(*n, name) == 0)
				return d;
	return NULL;
}

const char *direction_name(enum direction d)
{
	if ((size_t)d >= N_ELEMS(direction_names))
		return "unknown";
	return direction_names[d];
}

int direction_from_name(const char *s, enum direction *out)
{
	for (size_t i = 0; i < N_ELEMS(direction_names); i++) {
		if (strcmp(s, direction_names[i]) == 0) {
			*out = (enum direction)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *outcome_label(enum outcome o)
{
	return (size_t)o < N_ELEMS(outcomes) ? _(outcomes[o].label) : outcome_name(o);
}

/* A format taking the experiment's name and the reason, in that order. */
const char *outcome_sentence(enum outcome o)
{
	return _(outcomes[(size_t)o < N_ELEMS(outcomes) ? o : OUTCOME_FAILED].sentence);
}

char *outcome_describe(const struct exp_result *e, const char *reason, char *buf, size_t size)
{
	/* Every format of the table takes the same two strings. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(buf, size, outcome_sentence(e->outcome), e->name,
		 reason && reason[0] ? reason : "-");
#pragma GCC diagnostic pop
	return buf;
}
