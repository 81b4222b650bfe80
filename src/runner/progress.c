// SPDX-License-Identifier: MIT
/*
 * progress: the line a run shows while it runs, and its estimate of the
 * time left. See progress.h.
 *
 * An estimate before any run on this machine can only come from the
 * parameters: every time budget an experiment is given (a parameter in
 * units of time: a figure's sampling budget, a load's duration) is spent
 * once per figure, and an experiment measures a few tens of figures. So
 * the prior is PRIOR_FIGURES times the sum of its time parameters, at
 * least PRIOR_FLOOR_NS. On a 2-CPU virtual machine the quick suite took
 * 34 to 54 s where this says 43 s; one experiment alone may be off by a
 * factor of 5 either way (ipc measures many more figures than server).
 * The last run's durations, when kept, replace it.
 */
#include "runner/progress.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/io.h"
#include "util/i18n.h"
#include "util/xalloc.h"

#define PRIOR_FIGURES 40
#define PRIOR_FLOOR_NS 500000000ull
/* The live line is drawn again at most this often. */
#define REDRAW_NS 100000000ull

#define CACHE_NAME "ptlab"
#define DURATIONS_NAME "durations"
#define DURATIONS_MAGIC "ptlab durations 1\n"
#define DURATIONS_MAX 64	    /* lines kept: the newest */
#define DURATIONS_BYTES (16 * 1024) /* a larger file is not ours */

/* One line of the durations file: an experiment's duration in a run. */
struct duration {
	char preset[8];
	char name[32];
	unsigned cpus;
	uint64_t ns;
};

/* What is known of one step. */
struct step_state {
	uint64_t estimate_ns;
	bool keyed;  /* ran with the preset's own parameters: its duration may be kept */
	bool ended;  /* ended well: its duration is kept */
	uint64_t ns; /* how long it took */
};

struct progress {
	FILE *out;
	enum progress_style style;
	const struct progress_step *steps;
	struct step_state *state;
	size_t n, next; /* next: how many have started */
	bool running;
	const char *preset;
	size_t n_cpus;
	char *cache_dir;
	uint64_t t0, step_t0, drawn_at;
	bool drawn; /* a live line is on the screen */
	char note[256];
};

/* ---- the durations file ---- */

/*
 * Opens DIR/ptlab, first making DIR and DIR/ptlab (mode 0700) when make
 * is set. Returns its descriptor, or -errno: -EPERM when DIR is not this
 * user's, or DIR/ptlab is not a folder (a link is not followed) of this
 * user's that no one else may write.
 */
static int cache_open(const char *dir, bool make)
{
	struct stat st;
	if (make && mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -errno;
	int base = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (base < 0)
		return -errno;
	int fd = -EPERM;
	if (fstat(base, &st) != 0 || st.st_uid != geteuid())
		goto close_base;
	if (make && mkdirat(base, CACHE_NAME, 0700) != 0 && errno != EEXIST) {
		fd = -errno;
		goto close_base;
	}
	fd = openat(base, CACHE_NAME, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		fd = errno == ELOOP || errno == ENOTDIR ? -EPERM : -errno;
		goto close_base;
	}
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		fd = -EPERM;
	}
close_base:
	close(base);
	return fd;
}

/*
 * Reads the durations file of the cache folder dirfd into d (at most
 * DURATIONS_MAX lines). Returns the count, -ENOENT when there is none, or
 * -EPERM when what is there is not ptlab's: not a regular file of this
 * user's, too large, or without ptlab's first line.
 */
static int durations_read(int dirfd, struct duration *d)
{
	struct stat st;
	char buf[DURATIONS_BYTES + 1];
	int fd = openat(dirfd, DURATIONS_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -EPERM;
	ssize_t len = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    st.st_size <= DURATIONS_BYTES)
		len = io_read_full(fd, buf, DURATIONS_BYTES);
	close(fd);
	size_t magic = strlen(DURATIONS_MAGIC);
	if (len < (ssize_t)magic || memcmp(buf, DURATIONS_MAGIC, magic) != 0)
		return -EPERM;
	buf[len] = '\0';
	int n = 0;
	char *save = NULL;
	for (char *line = strtok_r(buf + magic, "\n", &save); line && n < DURATIONS_MAX;
	     line = strtok_r(NULL, "\n", &save)) {
		struct duration x;
		if (sscanf(line, "%7s %31s %u %" SCNu64, x.preset, x.name, &x.cpus, &x.ns) == 4)
			d[n++] = x;
	}
	return n;
}

/*
 * Writes d[0..n) as the durations file of dirfd: into a new file of a
 * random name, renamed over the old one. Returns 0 or -errno.
 */
static int durations_write(int dirfd, const struct duration *d, int n)
{
	char tmp[sizeof(DURATIONS_NAME) + 16] = DURATIONS_NAME ".", *text = NULL;
	size_t len = 0;
	int err = io_random_hex(tmp + strlen(tmp), 6);
	if (err)
		return err;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return -errno;
	fputs(DURATIONS_MAGIC, m);
	for (int i = 0; i < n; i++)
		fprintf(m, "%s %s %u %" PRIu64 "\n", d[i].preset, d[i].name, d[i].cpus, d[i].ns);
	if (fclose(m) != 0) {
		free(text);
		return -ENOMEM;
	}
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		free(text);
		return -errno;
	}
	err = io_write_all(fd, text, len);
	free(text);
	if (close(fd) != 0 && !err)
		err = -errno;
	if (!err && renameat(dirfd, tmp, dirfd, DURATIONS_NAME) != 0)
		err = -errno;
	if (err)
		unlinkat(dirfd, tmp, 0);
	return err;
}

static bool same_key(const struct duration *d, const char *preset, const char *name, size_t cpus)
{
	return strcmp(d->preset, preset) == 0 && strcmp(d->name, name) == 0 && d->cpus == cpus;
}

/* Keeps the durations of the steps that ended well, newest first; the rest of the file after. */
static void durations_keep(const struct progress *p)
{
	struct duration old[DURATIONS_MAX], all[DURATIONS_MAX];
	int n = 0;
	for (size_t i = 0; i < p->n && n < DURATIONS_MAX; i++) {
		const struct step_state *s = &p->state[i];
		if (!s->keyed || !s->ended)
			continue;
		struct duration *d = &all[n++];
		snprintf(d->preset, sizeof(d->preset), "%s", p->preset);
		snprintf(d->name, sizeof(d->name), "%s", p->steps[i].exp->name);
		d->cpus = (unsigned)p->n_cpus;
		d->ns = s->ns;
	}
	int fd = n ? cache_open(p->cache_dir, true) : -ENOENT;
	if (fd < 0)
		return;
	int n_old = durations_read(fd, old);
	if (n_old == -EPERM)
		goto close_dir; /* not ours: left as it is */
	int fresh = n;
	for (int i = 0; i < n_old && n < DURATIONS_MAX; i++) {
		bool replaced = false;
		for (int k = 0; k < fresh && !replaced; k++)
			replaced = same_key(&old[i], all[k].preset, all[k].name, all[k].cpus);
		if (!replaced)
			all[n++] = old[i];
	}
	durations_write(fd, all, n); /* a cache: a failure changes nothing */
close_dir:
	close(fd);
}

int progress_cache_dir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;
	/*
	 * Root's own cache only, whatever the environment says: under sudo,
	 * HOME and XDG_CACHE_HOME may name another user's folders.
	 */
	if (geteuid() == 0 || !home || *home != '/') {
		struct passwd *pw = getpwuid(geteuid());
		home = pw ? pw->pw_dir : NULL;
		xdg = geteuid() == 0 ? NULL : xdg;
	}
	if (xdg && *xdg == '/')
		n = snprintf(buf, size, "%s", xdg);
	else if (home && *home == '/')
		n = snprintf(buf, size, "%s/.cache", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* ---- estimates ---- */

/* Whether params are exactly what preset gives exp (no --set changed them). */
static bool preset_params(const struct experiment *exp, const void *params,
			  enum param_preset preset)
{
	char err[256], a[512], b[512];
	void *base = xcalloc(1, exp->params_size ? exp->params_size : 1);
	bool same =
		param_apply_preset(exp->params, exp->n_params, base, preset, err, sizeof(err)) == 0;
	for (size_t i = 0; i < exp->n_params && same; i++)
		same = strcmp(param_format(&exp->params[i], params, a, sizeof(a)),
			      param_format(&exp->params[i], base, b, sizeof(b))) == 0;
	free(base);
	return same;
}

/* What exp's parameters say it takes (see the top of this file). */
static uint64_t prior_ns(const struct experiment *exp, const void *params)
{
	double budget = 0;
	for (size_t i = 0; i < exp->n_params; i++) {
		const struct param *q = &exp->params[i];
		const char *field = (const char *)params + q->offset;
		if (q->unit != UNIT_DURATION)
			continue;
		if (q->is_list) {
			const struct param_list *l = (const struct param_list *)field;
			for (size_t k = 0; k < l->n; k++)
				budget += (double)l->v[k];
		} else {
			budget += (double)*(const int64_t *)field;
		}
	}
	double ns = PRIOR_FIGURES * budget;
	return ns > PRIOR_FLOOR_NS ? (uint64_t)ns : PRIOR_FLOOR_NS;
}

struct progress *progress_begin(FILE *out, enum progress_style style,
				const struct progress_step *steps, size_t n,
				enum param_preset preset, size_t n_cpus, const char *cache_dir)
{
	struct progress *p = xcalloc(1, sizeof(*p));
	*p = (struct progress){
		.out = out,
		.style = style,
		.steps = steps,
		.state = xcalloc(n ? n : 1, sizeof(*p->state)),
		.n = n,
		.preset = preset == PRESET_FULL ? "full" : "quick",
		.n_cpus = n_cpus,
		.cache_dir = cache_dir ? xstrdup(cache_dir) : NULL,
	};
	struct duration last[DURATIONS_MAX];
	int n_last = -ENOENT, fd = cache_dir ? cache_open(cache_dir, false) : -ENOENT;
	if (fd >= 0) {
		n_last = durations_read(fd, last);
		close(fd);
	}
	for (size_t i = 0; i < n; i++) {
		struct step_state *s = &p->state[i];
		s->keyed = preset != PRESET_DEFAULT &&
			   preset_params(steps[i].exp, steps[i].params, preset);
		s->estimate_ns = prior_ns(steps[i].exp, steps[i].params);
		for (int k = 0; k < n_last && s->keyed; k++)
			if (same_key(&last[k], p->preset, steps[i].exp->name, n_cpus)) {
				s->estimate_ns = last[k].ns;
				break;
			}
	}
	p->t0 = clock_now_ns();
	return p;
}

uint64_t progress_left_ns(const struct progress *p)
{
	uint64_t left = 0;
	if (p->running) {
		uint64_t spent = clock_now_ns() - p->step_t0,
			 est = p->state[p->next - 1].estimate_ns;
		left += est > spent ? est - spent : 0;
	}
	for (size_t i = p->next; i < p->n; i++)
		left += p->state[i].estimate_ns;
	return left;
}

/* ---- the line ---- */

/* "12.4 s", "3 min 05 s": the time since the run began. */
static void fmt_elapsed(uint64_t ns, char *buf, size_t size)
{
	double s = (double)ns / 1e9;
	if (s < 60)
		snprintf(buf, size, "%.1f s", s);
	else
		snprintf(buf, size, "%u min %02u s", (unsigned)(s / 60), (unsigned)s % 60);
}

/* "about 20 s left", to the nearest 5 s, or minutes from 90 s. */
static void fmt_left(uint64_t ns, char *buf, size_t size)
{
	double s = (double)ns / 1e9;
	if (s < 10)
		snprintf(buf, size, "%s", _("a few seconds left"));
	else if (s < 90)
		snprintf(buf, size, _("about %u s left"), (unsigned)(5 * round(s / 5)));
	else
		snprintf(buf, size, _("about %u min left"), (unsigned)round(s / 60));
}

/* The columns of the terminal out writes to; 80 when it cannot tell. */
static size_t columns(FILE *out)
{
	struct winsize ws;
	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* Cuts s after `cols` characters (UTF-8 code points). */
static void cut_columns(char *s, size_t cols)
{
	size_t seen = 0;
	for (char *c = s; *c; c++)
		if (((unsigned char)*c & 0xc0) != 0x80 && seen++ == cols) {
			*c = '\0';
			return;
		}
}

/* Shows the running step: a live line in place, or one plain line. */
static void draw(struct progress *p)
{
	char line[512], elapsed[32], left[64];
	uint64_t now = clock_now_ns();
	fmt_elapsed(now - p->t0, elapsed, sizeof(elapsed));
	fmt_left(progress_left_ns(p), left, sizeof(left));
	int len = snprintf(line, sizeof(line), "[%zu/%zu] %s  %s  %s", p->next, p->n,
			   p->steps[p->next - 1].exp->name, elapsed, left);
	if (p->style == PROGRESS_LINES) {
		fprintf(p->out, "%s\n", line);
		return;
	}
	if (p->note[0] && len > 0 && (size_t)len < sizeof(line))
		snprintf(line + len, sizeof(line) - (size_t)len, " — %s", p->note);
	/* The last column left free: a terminal that wraps there would break the line. */
	cut_columns(line, columns(p->out) - 1);
	fprintf(p->out, "\r%s\033[K", line);
	fflush(p->out);
	p->drawn = true;
	p->drawn_at = now;
}

/* Takes the live line off the screen: the cursor back at the start of an empty line. */
static void clear(struct progress *p)
{
	if (!p->drawn)
		return;
	fputs("\r\033[K", p->out);
	fflush(p->out);
	p->drawn = false;
}

bool progress_is_live(const struct progress *p)
{
	return p && p->style == PROGRESS_LIVE;
}

void progress_start(struct progress *p, const struct experiment *exp)
{
	if (p->next >= p->n || p->steps[p->next].exp != exp)
		return; /* not the planned order: no line rather than a wrong one */
	p->next++;
	p->running = true;
	p->step_t0 = clock_now_ns();
	p->note[0] = '\0';
	if (p->style != PROGRESS_NONE)
		draw(p);
}

void progress_note(struct progress *p, const char *text)
{
	if (!p->running || !text)
		return;
	/* One line: no control character of the experiment's text reaches the terminal. */
	snprintf(p->note, sizeof(p->note), "%s", text);
	for (char *c = p->note; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	if (p->style == PROGRESS_LIVE && clock_now_ns() - p->drawn_at >= REDRAW_NS)
		draw(p);
}

void progress_tick(struct progress *p)
{
	if (p->running && p->style == PROGRESS_LIVE && clock_now_ns() - p->drawn_at >= REDRAW_NS)
		draw(p);
}

void progress_end(struct progress *p, const struct exp_result *res)
{
	if (!p->running)
		return;
	struct step_state *s = &p->state[p->next - 1];
	s->ns = res->duration_ns;
	s->ended = res->outcome == OUTCOME_OK;
	p->running = false;
	clear(p);
}

void progress_finish(struct progress *p)
{
	if (!p)
		return;
	clear(p);
	if (p->cache_dir)
		durations_keep(p);
	free(p->cache_dir);
	free(p->state);
	free(p);
}
