// SPDX-License-Identifier: MIT
/*
 * Lifecycle tests for runner/runner, runner/experiment and core/cleanup with
 * fixture experiments that exist only in this file: one that records, one
 * that crashes, one that hangs (and leaves a grandchild behind), one that
 * is unsupported, one that fails, one that leaves named objects and
 * crashes, one that is interrupted. Each test asserts the outcome the
 * runner decodes, that what was recorded before the end survives it, and
 * that nothing is left: no process, no object in /dev/shm, the temporary
 * folder or the System V tables. The only time given is a deadline; no
 * duration is asserted beyond "the runner waited at least its deadline".
 *
 * Check forks every test, so runner_setup() (signal handlers, child
 * subreaper) is called in each test's own process by the fixture.
 */
#include <errno.h>
#include <mqueue.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "runner/experiment.h"
#include "core/param.h"
#include "runner/progress.h"
#include "runner/runner.h"
#include "core/sampler.h"
#include "model/run.h"
#include "cli_util.h"
#include "exp_test.h"
#include "model/json.h"
#include "util/xalloc.h"
#include "suites.h"

#define MS 1000000u
#define LONG_DEADLINE_NS (UINT64_C(20) * 1000 * MS) /* never reached by a test that ends */
#define HANG_DEADLINE_NS (300u * MS)
#define BIG_SAMPLES 20000 /* a record far larger than a pipe buffer */

/* ---- fixtures ---- */

struct rec_params {
	int64_t count;
	struct param_list sizes;
};

static const struct param rec_param_table[] = {
	{ .name = "count",
	  .help = "how many",
	  .unit = UNIT_COUNT,
	  .offset = offsetof(struct rec_params, count),
	  .def = "5",
	  .quick = "3",
	  .min = 1,
	  .max = 100 },
	{ .name = "sizes",
	  .help = "sizes",
	  .unit = UNIT_BYTES,
	  .is_list = true,
	  .offset = offsetof(struct rec_params, sizes),
	  .def = "4KiB,1MiB",
	  .min = 1,
	  .max = INT64_C(1) << 30 },
};

static const uint64_t small_raw[] = { 400, 800, 1200 };

/* The metric every fixture records before it ends, one way or another. */
static void record_small(struct exp_ctx *ctx)
{
	struct sample_set s = { .batch = 4, .warmup = 2, .n = 3, .raw = (uint64_t *)small_raw };
	char nb[32];
	struct mparam mp[2] = {
		mparam_str("placement", "same-cpu"),
		mparam_num("bytes", 4096, nb, sizeof(nb)),
	};
	exp_record(ctx, "op", MU_NS, DIR_LOWER_IS_BETTER, &s, mp, 2);
}

static uint64_t big_value(size_t i)
{
	return UINT64_C(1000000007) + (uint64_t)i * 7919u;
}

static int fx_record(struct exp_ctx *ctx, const void *params)
{
	const struct rec_params *p = params;

	record_small(ctx);
	uint64_t *raw = calloc(BIG_SAMPLES, sizeof(*raw));
	if (!raw)
		return exp_fail(ctx, NULL, ev_token("out of memory"));
	for (size_t i = 0; i < BIG_SAMPLES; i++)
		raw[i] = big_value(i);
	struct sample_set big = { .batch = 1, .warmup = 0, .n = BIG_SAMPLES, .raw = raw };
	exp_record(ctx, "big", MU_BYTES, DIR_HIGHER_IS_BETTER, &big, NULL, 0);
	free(raw);
	/* An empty sample set is not a metric. */
	struct sample_set none = { .batch = 1 };
	exp_record(ctx, "empty", MU_NS, DIR_NONE, &none, NULL, 0);

	exp_observe(ctx, "count", NULL, ev_count(p->count));
	exp_observe(ctx, "n_sizes", NULL, ev_count(p->sizes.n));
	exp_observe(ctx, "seed", NULL, ev_count(ctx->seed));
	exp_observe(ctx, "cpu0", NULL, ev_count(exp_cpu(ctx, 0)));
	exp_observe(ctx, "ran_on", NULL, ev_count(sched_getcpu()));
	exp_skip(ctx, "op bytes=1TiB", NULL, ev_token("not enough memory"));
	return 0;
}

static int fx_crash(struct exp_ctx *ctx, const void *params)
{
	(void)params;
	record_small(ctx);
	raise(SIGSEGV);
	return exp_fail(ctx, NULL, ev_token("still alive after SIGSEGV"));
}

/*
 * "For ever" as far as any test can tell. The alarm is a safety net: should
 * the runner under test fail to kill a process, it still ends by itself
 * (SIGALRM, default action) some seconds after Check gave up on the test.
 */
#define SAFETY_NET_S 10

static void __attribute__((noreturn)) sleep_for_ever(void)
{
	alarm(SAFETY_NET_S);
	for (;;)
		pause();
}

static int fx_hang(struct exp_ctx *ctx, const void *params)
{
	(void)params;
	record_small(ctx);
	/* A grandchild in the same process group, sleeping for ever too. */
	pid_t g = fork();
	if (g == 0)
		sleep_for_ever();
	exp_observe(ctx, "self", NULL, ev_count(getpid()));
	exp_observe(ctx, "grandchild", NULL, ev_count(g));
	sleep_for_ever();
}

/* A grandchild that leaves the process group, so kill(-pgid) misses it. */
static int fx_escape(struct exp_ctx *ctx, const void *params)
{
	(void)params;
	record_small(ctx);
	int gate[2];
	if (pipe(gate) != 0)
		return exp_fail(ctx, NULL, ev_token("pipe"), ev_errno(errno));
	pid_t g = fork();
	if (g == 0) {
		setpgid(0, 0);
		close(gate[1]); /* the parent hears it has left the group */
		sleep_for_ever();
	}
	close(gate[1]);
	char c;
	while (read(gate[0], &c, 1) < 0 && errno == EINTR)
		;
	exp_observe(ctx, "self", NULL, ev_count(getpid()));
	exp_observe(ctx, "grandchild", NULL, ev_count(g));
	if (g > 0 && getpgid(g) == getpgrp())
		return exp_fail(ctx, NULL, ev_token("the grandchild did not leave the group"));
	sleep_for_ever();
}

static int fx_unsupported(struct exp_ctx *ctx, const void *params)
{
	(void)params;
	return exp_unsupported(ctx, NULL, ev_token("needs a quantum CPU"));
}

static int fx_fail(struct exp_ctx *ctx, const void *params)
{
	(void)params;
	record_small(ctx);
	return exp_fail(ctx, NULL, ev_token("broken"), ev_count(7));
}

/* An error without exp_fail(): a failure, with the exit status as reason. */
static int fx_plain_error(struct exp_ctx *ctx, const void *params)
{
	(void)ctx;
	(void)params;
	return -EINVAL;
}

/* The skip exit code without the record that says so is not a skip. */
static int fx_bare_exit(struct exp_ctx *ctx, const void *params)
{
	(void)ctx;
	(void)params;
	_exit(EXP_EXIT_SKIPPED);
}

/* Makes one object of every named kind, says where, then crashes. */
static int fx_litter(struct exp_ctx *ctx, const void *params)
{
	char name[128], path[256];
	(void)params;

	exp_observe(ctx, "self", NULL, ev_count(getpid()));
	if (cleanup_name(name, sizeof(name), CLEANUP_SHM, "x") != 0)
		return exp_fail(ctx, NULL, ev_token("cleanup_name"));
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0)
		return exp_fail(ctx, NULL, ev_token("shm_open"), ev_token(name), ev_errno(errno));
	close(fd);
	snprintf(path, sizeof(path), "/dev/shm%s", name);
	exp_observe(ctx, "path.shm", NULL, ev_token(path));

	cleanup_name(name, sizeof(name), CLEANUP_SEM, "s");
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	if (sem == SEM_FAILED)
		return exp_fail(ctx, NULL, ev_token("sem_open"), ev_token(name), ev_errno(errno));
	sem_close(sem);
	snprintf(path, sizeof(path), "/dev/shm/sem.%s", name + 1);
	exp_observe(ctx, "path.sem", NULL, ev_token(path));

	if (cleanup_tmp_path(path, sizeof(path), "fifo") != 0 || mkfifo(path, 0600) != 0)
		return exp_fail(ctx, NULL, ev_token("mkfifo"), ev_token(path), ev_errno(errno));
	exp_observe(ctx, "path.fifo", NULL, ev_token(path));

	if (cleanup_tmp_path(path, sizeof(path), "tmp") != 0)
		return exp_fail(ctx, NULL, ev_token("cleanup_tmp_path"));
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return exp_fail(ctx, NULL, ev_token("open"), ev_token(path), ev_errno(errno));
	close(fd);
	exp_observe(ctx, "path.tmp", NULL, ev_token(path));

	int id = cleanup_sysv_make(CLEANUP_SYSV_SHM, 4096);
	if (id < 0)
		return exp_fail(ctx, NULL, ev_token("shmget"), ev_errno(-id));
	exp_observe(ctx, "shmid", NULL, ev_count(id));

	/* A POSIX message queue: where /dev/mqueue is not mounted no listing shows it. */
	cleanup_name(name, sizeof(name), CLEANUP_MQUEUE, "q");
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 8 };
	mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
	if (q == (mqd_t)-1)
		return exp_fail(ctx, NULL, ev_token("mq_open"), ev_token(name), ev_errno(errno));
	mq_close(q);
	exp_observe(ctx, "mq", NULL, ev_token(name));

	/* A System V message queue and semaphore set. */
	if ((id = cleanup_sysv_make(CLEANUP_SYSV_MSG, 0)) < 0)
		return exp_fail(ctx, NULL, ev_token("msgget"), ev_errno(-id));
	exp_observe(ctx, "msgid", NULL, ev_count(id));
	if ((id = cleanup_sysv_make(CLEANUP_SYSV_SEM, 2)) < 0)
		return exp_fail(ctx, NULL, ev_token("semget"), ev_errno(-id));
	exp_observe(ctx, "semid", NULL, ev_count(id));
	record_small(ctx);
	raise(SIGSEGV);
	return exp_fail(ctx, NULL, ev_token("still alive after SIGSEGV"));
}

/* Interrupts its own runner once the metric is on its way, then hangs. */
static int fx_interrupt_runner(struct exp_ctx *ctx, const void *params)
{
	int sig = (int)((const struct rec_params *)params)->count;
	record_small(ctx);
	exp_observe(ctx, "self", NULL, ev_count(getpid()));
	kill(getppid(), sig);
	sleep_for_ever();
}

/* Records and hangs: a helper thread of the test interrupts the runner. */
/* record_and_hang writes a byte here once its records are sent, when the test made it. */
static int recorded_pipe[2] = { -1, -1 };

static int fx_record_and_hang(struct exp_ctx *ctx, const void *params)
{
	(void)params;
	record_small(ctx);
	exp_observe(ctx, "self", NULL, ev_count(getpid()));
	if (recorded_pipe[1] >= 0 && write(recorded_pipe[1], "r", 1) != 1)
		_exit(1);
	sleep_for_ever();
}

#define FIXTURE(ident, fn)                                                                         \
	static const struct experiment ident = {                                                   \
		.name = #ident,                                                                    \
		.title = #ident,                                                                   \
		.method = #ident,                                                                  \
		.run = fn,                                                                         \
		.deadline_ns = { LONG_DEADLINE_NS, LONG_DEADLINE_NS },                             \
	}

/* Sleeps past the short fixed deadline below; the deadline hook may allow it. */
static int fx_slow(struct exp_ctx *ctx, const void *params)
{
	(void)ctx;
	(void)params;
	struct timespec t = { 0, 400 * 1000000L };
	while (nanosleep(&t, &t) != 0)
		;
	return 0;
}

static uint64_t generous(const void *params)
{
	(void)params;
	return 30000u * MS;
}

#define SHORT_FIXED_NS (200u * MS)
static const struct experiment slow_fixed = {
	.name = "slow",
	.title = "slow",
	.method = "sleeps 400 ms",
	.run = fx_slow,
	.deadline_ns = { SHORT_FIXED_NS, SHORT_FIXED_NS },
};
static const struct experiment slow_hooked = {
	.name = "slow",
	.title = "slow",
	.method = "sleeps 400 ms",
	.run = fx_slow,
	.deadline_ns = { SHORT_FIXED_NS, SHORT_FIXED_NS },
	.deadline = generous,
};

static const struct experiment record = {
	.name = "record",
	.title = "records",
	.method = "records a metric, an observation and a skip",
	.params = rec_param_table,
	.n_params = sizeof(rec_param_table) / sizeof(rec_param_table[0]),
	.params_size = sizeof(struct rec_params),
	.run = fx_record,
	.deadline_ns = { LONG_DEADLINE_NS, LONG_DEADLINE_NS },
};
FIXTURE(crash, fx_crash);
FIXTURE(hang, fx_hang);
FIXTURE(escape, fx_escape);
FIXTURE(unsupported, fx_unsupported);
FIXTURE(fail, fx_fail);
FIXTURE(plain_error, fx_plain_error);
FIXTURE(bare_exit, fx_bare_exit);
FIXTURE(litter, fx_litter);
FIXTURE(interrupt_runner, fx_interrupt_runner);
FIXTURE(record_and_hang, fx_record_and_hang);

/* Says how far it is, with a tab the line must not show, then takes a moment. */
static int fx_talker(struct exp_ctx *ctx, const void *params)
{
	(void)params;
	exp_progress(ctx, "step\tone");
	struct timespec t = { 0, 300 * 1000000L };
	while (nanosleep(&t, &t) != 0)
		;
	return 0;
}
FIXTURE(talker, fx_talker);

/* An experiment with a time budget: the prior estimate reads it. */
struct budget_params {
	int64_t budget_ns;
	int64_t count;
};

static const struct param budget_param_table[] = {
	{ .name = "budget",
	  .help = "time per figure",
	  .unit = UNIT_DURATION,
	  .offset = offsetof(struct budget_params, budget_ns),
	  .def = "1s",
	  .quick = "2s",
	  .full = "5s",
	  .min = 1,
	  .max = INT64_C(1) << 40 },
	{ .name = "count",
	  .help = "how many",
	  .unit = UNIT_COUNT,
	  .offset = offsetof(struct budget_params, count),
	  .def = "7",
	  .min = 1,
	  .max = 100 },
};

static const struct experiment budgeted = {
	.name = "budgeted",
	.title = "budgeted",
	.method = "has a time budget",
	.params = budget_param_table,
	.n_params = sizeof(budget_param_table) / sizeof(budget_param_table[0]),
	.params_size = sizeof(struct budget_params),
	.run = fx_fail,
	.deadline_ns = { LONG_DEADLINE_NS, LONG_DEADLINE_NS },
};

/* ---- helpers ---- */

static void setup(void)
{
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl); /* crashing fixtures leave no core file */
	runner_setup();
}

static int last_allowed_cpu(void)
{
	cpu_set_t set;
	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	for (int c = CPU_SETSIZE - 1; c >= 0; c--)
		if (CPU_ISSET(c, &set))
			return c;
	ck_abort_msg("no allowed CPU");
	return -1;
}

static struct runner_opts default_opts(const int *cpu)
{
	struct runner_opts o = {
		.preset = PRESET_QUICK,
		.seed = 12345,
		.cpus = cpu,
		.n_cpus = cpu ? 1 : 0,
	};
	return o;
}

/* Runs exp with no parameters and checks the runner itself started it. */
static void run_plain(const struct experiment *exp, const struct runner_opts *o,
		      struct exp_result *res)
{
	exp_result_init(res, exp->name);
	ck_assert_int_eq(runner_run(o, exp, NULL, res), 0);
	ck_assert_str_eq(res->name, exp->name);
}

static int obs_int(const struct exp_result *r, const char *name)
{
	return atoi(exp_test_obs(r, name));
}

/* The metric record_small() sends, arrived intact. */
static void assert_small_metric(const struct exp_result *r)
{
	static const char *const where[] = { "placement=same-cpu", "bytes=4096", NULL };
	const struct metric *m = exp_result_find_metric(r, "op", where);
	ck_assert_msg(m != NULL, "metric op missing (outcome %s)", outcome_name(r->outcome));
	ck_assert_str_eq(m->unit, "ns");
	ck_assert_int_eq(m->dir, DIR_LOWER_IS_BETTER);
	ck_assert_uint_eq(m->batch, 4);
	ck_assert_uint_eq(m->warmup, 2);
	ck_assert_uint_eq(m->n, 3);
	for (size_t i = 0; i < 3; i++)
		ck_assert_uint_eq(m->raw[i], small_raw[i]);
	ck_assert_uint_eq(m->n_params, 2);
	const struct mparam *b = metric_param(m, "bytes");
	ck_assert_ptr_nonnull(b);
	ck_assert(b->is_num);
	ck_assert_int_eq(b->num, 4096);
	const struct mparam *pl = metric_param(m, "placement");
	ck_assert_ptr_nonnull(pl);
	ck_assert(!pl->is_num);
	ck_assert_str_eq(pl->str, "same-cpu");
}

static void assert_gone(pid_t pid)
{
	ck_assert_int_gt(pid, 0);
	errno = 0;
	ck_assert_msg(kill(pid, 0) == -1 && errno == ESRCH, "process %d is still there", (int)pid);
}

/* The runner reaped everything: this (subreaper) process has no child left. */
static void assert_no_children(void)
{
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

static void assert_no_path(const char *path)
{
	ck_assert_ptr_nonnull(path);
	errno = 0;
	ck_assert_msg(access(path, F_OK) == -1 && errno == ENOENT, "%s was left behind", path);
}

/* ---- lifecycle ---- */

START_TEST(test_records)
{
	int cpu = last_allowed_cpu();
	struct runner_opts o = default_opts(&cpu);
	struct rec_params p;
	char err[256];
	struct exp_result res;

	ck_assert_int_eq(param_apply_preset(rec_param_table, 2, &p, PRESET_QUICK, err, sizeof(err)),
			 0);
	exp_result_init(&res, record.name);
	ck_assert_int_eq(runner_run(&o, &record, &p, &res), 0);

	ck_assert_msg(res.outcome == OUTCOME_OK, "outcome %s: %s", outcome_name(res.outcome),
		      exp_test_reason(&res));
	ck_assert(ev_msg_empty(&res.reason));
	ck_assert_int_eq(res.exit_code, 0);
	ck_assert_int_eq(res.signal, 0);
	ck_assert_uint_gt(res.duration_ns, 0);

	/* Metrics: exactly the two non-empty ones, every raw sample exact. */
	ck_assert_uint_eq(res.n_metrics, 2);
	assert_small_metric(&res);
	const struct metric *big = exp_result_find_metric(&res, "big", NULL);
	ck_assert_ptr_nonnull(big);
	ck_assert_str_eq(big->unit, "bytes");
	ck_assert_int_eq(big->dir, DIR_HIGHER_IS_BETTER);
	ck_assert_uint_eq(big->batch, 1);
	ck_assert_uint_eq(big->n, BIG_SAMPLES);
	for (size_t i = 0; i < BIG_SAMPLES; i++)
		ck_assert_uint_eq(big->raw[i], big_value(i));
	ck_assert_ptr_null(exp_result_find_metric(&res, "empty", NULL));

	/* Observations: the experiment got its parameters, the seed and the CPU list. */
	ck_assert_str_eq(exp_test_obs(&res, "count"), "3");
	ck_assert_str_eq(exp_test_obs(&res, "n_sizes"), "2");
	ck_assert_str_eq(exp_test_obs(&res, "seed"), "12345");
	ck_assert_int_eq(obs_int(&res, "cpu0"), cpu);
	ck_assert_int_eq(obs_int(&res, "ran_on"), cpu); /* the experiment was held to --cpus */

	ck_assert_uint_eq(res.n_skips, 1);
	ck_assert_str_eq(res.skips[0].what, "op bytes=1TiB");
	ck_assert_str_eq(exp_test_said(&res, &res.skips[0].reason), "not enough memory");

	/* The resolved parameters, as given. */
	ck_assert_uint_eq(res.n_params, 2);
	for (size_t i = 0; i < 2; i++) {
		char text[128];
		ck_assert_str_eq(res.params[i].key, rec_param_table[i].name);
		ck_assert_str_eq(res.params[i].str,
				 param_format(&rec_param_table[i], &p, text, sizeof(text)));
	}
	ck_assert(res.params[0].is_num);
	ck_assert_int_eq(res.params[0].num, 3);
	ck_assert(!res.params[1].is_num);

	assert_no_children();
	ck_assert(!runner_interrupted());
	exp_result_free(&res);
}
END_TEST

START_TEST(test_crash)
{
	struct runner_opts o = default_opts(NULL);
	struct exp_result res;

	run_plain(&crash, &o, &res);
	ck_assert_msg(res.outcome == OUTCOME_CRASHED, "outcome %s", outcome_name(res.outcome));
	ck_assert_int_eq(res.signal, SIGSEGV);
	ck_assert_int_eq(res.exit_code, -1);
	ck_assert(!ev_msg_empty(&res.reason));
	ck_assert_uint_eq(res.n_metrics, 1);
	assert_small_metric(&res);
	assert_no_children();
	exp_result_free(&res);
}
END_TEST

/* The deadline is the larger of the fixed one and what the parameters need. */
START_TEST(test_deadline_hook)
{
	struct runner_opts o = default_opts(NULL);
	struct exp_result res;

	run_plain(&slow_fixed, &o, &res);
	ck_assert_msg(res.outcome == OUTCOME_TIMED_OUT, "outcome %s", outcome_name(res.outcome));
	exp_result_free(&res);
	run_plain(&slow_hooked, &o, &res);
	ck_assert_msg(res.outcome == OUTCOME_OK, "outcome %s: %s", outcome_name(res.outcome),
		      exp_test_reason(&res));
	exp_result_free(&res);
}
END_TEST

START_TEST(test_hang_is_killed_at_deadline)
{
	struct runner_opts o = default_opts(NULL);
	struct exp_result res;

	o.deadline_ns = HANG_DEADLINE_NS;
	run_plain(&hang, &o, &res);
	ck_assert_msg(res.outcome == OUTCOME_TIMED_OUT, "outcome %s", outcome_name(res.outcome));
	ck_assert(!ev_msg_empty(&res.reason));
	ck_assert_int_eq(res.signal, 0);
	/* It was not declared late before its time (a logical bound, not a timing). */
	ck_assert_uint_ge(res.duration_ns, HANG_DEADLINE_NS);
	assert_small_metric(&res);

	/* The experiment and its grandchild are gone, and reaped. */
	assert_no_children();
	assert_gone(obs_int(&res, "self"));
	assert_gone(obs_int(&res, "grandchild"));
	exp_result_free(&res);
}
END_TEST

/* A descendant that left the group is killed too, not waited for for ever. */
START_TEST(test_escaped_grandchild_is_killed)
{
	struct runner_opts o = default_opts(NULL);
	struct exp_result res;

	o.deadline_ns = HANG_DEADLINE_NS;
	run_plain(&escape, &o, &res);
	ck_assert_msg(res.outcome == OUTCOME_TIMED_OUT, "outcome %s: %s", outcome_name(res.outcome),
		      exp_test_reason(&res));
	assert_small_metric(&res);
	assert_no_children();
	assert_gone(obs_int(&res, "self"));
	assert_gone(obs_int(&res, "grandchild"));
	exp_result_free(&res);
}
END_TEST

START_TEST(test_unsupported_is_skipped)
{
	struct runner_opts o = default_opts(NULL);
	struct exp_result res;

	run_plain(&unsupported, &o, &res);
	ck_assert_msg(res.outcome == OUTCOME_SKIPPED, "outcome %s", outcome_name(res.outcome));
	ck_assert_str_eq(exp_test_reason(&res), "needs a quantum CPU");
	ck_assert_int_eq(res.exit_code, EXP_EXIT_SKIPPED);
	ck_assert_int_eq(res.signal, 0);
	ck_assert_uint_eq(res.n_metrics, 0);
	exp_result_free(&res);
}
END_TEST

START_TEST(test_fail)
{
	struct runner_opts o = default_opts(NULL);
	struct exp_result res;

	run_plain(&fail, &o, &res);
	ck_assert_msg(res.outcome == OUTCOME_FAILED, "outcome %s", outcome_name(res.outcome));
	ck_assert_str_eq(exp_test_reason(&res), "broken, 7");
	ck_assert_int_eq(res.exit_code, EXP_EXIT_FAILED);
	assert_small_metric(&res); /* what came before the failure is kept */
	exp_result_free(&res);

	/* No exp_fail(): still a failure, and the reason is not empty. */
	run_plain(&plain_error, &o, &res);
	ck_assert_int_eq(res.outcome, OUTCOME_FAILED);
	ck_assert_int_eq(res.exit_code, EXP_EXIT_FAILED);
	ck_assert(!ev_msg_empty(&res.reason));
	exp_result_free(&res);

	/* The skip exit code alone, without its record, is no skip. */
	run_plain(&bare_exit, &o, &res);
	ck_assert_int_eq(res.outcome, OUTCOME_FAILED);
	ck_assert_int_eq(res.exit_code, EXP_EXIT_SKIPPED);
	ck_assert(!ev_msg_empty(&res.reason));
	exp_result_free(&res);
	assert_no_children();
}
END_TEST

START_TEST(test_crash_leaves_no_objects)
{
	struct runner_opts o = default_opts(NULL);
	struct exp_result res;

	run_plain(&litter, &o, &res);
	ck_assert_msg(res.outcome == OUTCOME_CRASHED, "outcome %s: %s", outcome_name(res.outcome),
		      exp_test_reason(&res));
	assert_small_metric(&res); /* so every object was made */

	/* Each name carries the pid of the registry's owner: the runner's process. */
	char own[32];
	snprintf(own, sizeof(own), CLEANUP_PREFIX "%d.", (int)getpid());
	static const char *const kinds[] = { "path.shm", "path.sem", "path.fifo", "path.tmp" };
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const char *path = exp_test_obs(&res, kinds[i]);
		ck_assert_ptr_nonnull(path);
		ck_assert_ptr_nonnull(strstr(path, own));
		assert_no_path(path);
	}
	struct shmid_ds ds;
	ck_assert_int_eq(shmctl(obs_int(&res, "shmid"), IPC_STAT, &ds), -1);
	const char *mq = exp_test_obs(&res, "mq");
	ck_assert_ptr_nonnull(mq);
	errno = 0;
	ck_assert_int_eq(mq_open(mq, O_RDONLY), (mqd_t)-1);
	ck_assert_int_eq(errno, ENOENT);
	struct msqid_ds mds;
	ck_assert_int_eq(msgctl(obs_int(&res, "msgid"), IPC_STAT, &mds), -1);
	ck_assert_int_eq(semctl(obs_int(&res, "semid"), 0, IPC_STAT, &(struct semid_ds){ 0 }), -1);
	/* The registry is empty again: nothing is recorded that is not gone. */
	struct cleanup_counts c;
	ck_assert_int_eq(cleanup_release(&c), 0);
	ck_assert_uint_eq(c.shm + c.mqueue + c.tmp + c.sysv, 0);
	assert_no_children();
	exp_result_free(&res);
}
END_TEST

/* Every kind has a stable name and back; an unknown name is refused. */
START_TEST(test_cleanup_kind_names)
{
	for (int i = CLEANUP_SHM; i <= CLEANUP_SYSV_SEM; i++) {
		enum cleanup_kind back;
		ck_assert_int_eq(
			cleanup_kind_from_name(cleanup_kind_name((enum cleanup_kind)i), &back), 0);
		ck_assert_int_eq(back, i);
	}
	enum cleanup_kind k;
	ck_assert_int_eq(cleanup_kind_from_name("nosuch", &k), -EINVAL);
	ck_assert_int_eq(cleanup_kind_from_name(NULL, &k), -EINVAL);
}
END_TEST

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

START_TEST(test_interrupted_by_signal)
{
	int sig = stop_signals[_i];
	struct runner_opts o = default_opts(NULL);
	struct rec_params p = { .count = sig };
	struct exp_result res;

	exp_result_init(&res, interrupt_runner.name);
	ck_assert_int_eq(runner_run(&o, &interrupt_runner, &p, &res), 0);
	ck_assert_msg(res.outcome == OUTCOME_INTERRUPTED, "outcome %s", outcome_name(res.outcome));
	ck_assert(runner_interrupted());
	ck_assert_int_eq(runner_interrupt_signal(), sig);
	ck_assert(!ev_msg_empty(&res.reason));
	/* The metric was sent before the signal: it must be kept. */
	assert_small_metric(&res);
	assert_no_children();
	assert_gone(obs_int(&res, "self"));
	exp_result_free(&res);
}
END_TEST

/*
 * Sends SIGINT to the whole process once the experiment says its records
 * are sent (or after a generous bound), from a thread that blocks it.
 */
static void *interrupter(void *arg)
{
	sigset_t all;
	struct pollfd p = { .fd = recorded_pipe[0], .events = POLLIN };
	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL); /* so the signal lands on the waiting thread */
	while (poll(&p, 1, 30000) < 0 && errno == EINTR)
		;
	kill(getpid(), SIGINT);
	return NULL;
}

START_TEST(test_interrupted_while_waiting)
{
	struct runner_opts o = default_opts(NULL);
	struct exp_result res;
	pthread_t t;

	ck_assert_int_eq(pipe(recorded_pipe), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, interrupter, NULL), 0);
	run_plain(&record_and_hang, &o, &res);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	close(recorded_pipe[0]);
	close(recorded_pipe[1]);
	recorded_pipe[0] = recorded_pipe[1] = -1;
	ck_assert_msg(res.outcome == OUTCOME_INTERRUPTED, "outcome %s", outcome_name(res.outcome));
	ck_assert(runner_interrupted());
	ck_assert_int_eq(runner_interrupt_signal(), SIGINT);
	assert_small_metric(&res);
	assert_no_children();
	assert_gone(obs_int(&res, "self"));
	exp_result_free(&res);

	/* After an interruption nothing more starts, but its parameters are still told. */
	struct rec_params p;
	char err[256];
	ck_assert_int_eq(param_apply_preset(rec_param_table, 2, &p, PRESET_QUICK, err, sizeof(err)),
			 0);
	exp_result_init(&res, record.name);
	ck_assert_int_eq(runner_run(&o, &record, &p, &res), 0);
	ck_assert_int_eq(res.outcome, OUTCOME_NOT_RUN);
	ck_assert(!ev_msg_empty(&res.reason));
	ck_assert_uint_eq(res.n_metrics, 0);
	ck_assert_uint_eq(res.n_obs, 0);
	ck_assert_uint_eq(res.n_params, 2);
	assert_no_children();
	exp_result_free(&res);
}
END_TEST

/* ---- cleanup: naming and `ptlab clean` ---- */

static pid_t dead_pid(void)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	return pid;
}

static void touch(const char *path)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	close(fd);
}

START_TEST(test_names)
{
	char buf[128], again[128], prefix[64], path[512];
	struct cleanup_counts c;

	/* "/ptlab.<pid>.<12 hex digits>.<tag>", one token for the whole run. */
	ck_assert_int_eq(cleanup_name(buf, sizeof(buf), CLEANUP_SHM, "x"), 0);
	snprintf(prefix, sizeof(prefix), "/" CLEANUP_PREFIX "%d.", (int)getpid());
	ck_assert_int_eq(strncmp(buf, prefix, strlen(prefix)), 0);
	const char *token = buf + strlen(prefix);
	ck_assert_uint_eq(strspn(token, "0123456789abcdef"), 12);
	ck_assert_str_eq(token + 12, ".x");
	ck_assert_int_eq(cleanup_name(again, sizeof(again), CLEANUP_MQUEUE, "x"), 0);
	ck_assert_str_eq(again, buf);
	ck_assert_int_eq(cleanup_name(buf, 8, CLEANUP_SHM, "x"), -ENAMETOOLONG);

	ck_assert_int_eq(cleanup_tmp_path(path, sizeof(path), "f"), 0);
	ck_assert_int_eq(strncmp(path, cleanup_tmpdir(), strlen(cleanup_tmpdir())), 0);
	ck_assert_ptr_nonnull(strstr(path, prefix));
	ck_assert_int_eq(cleanup_tmp_path(path, 4, "f"), -ENAMETOOLONG);

	/* System V keys are drawn at random: never IPC_PRIVATE, never the same. */
	int a = cleanup_sysv_make(CLEANUP_SYSV_MSG, 0), b = cleanup_sysv_make(CLEANUP_SYSV_MSG, 0);
	ck_assert_msg(a >= 0 && b >= 0, "msgget: %s", strerror(a < 0 ? -a : -b));
	struct msqid_ds da, db;
	ck_assert_int_eq(msgctl(a, IPC_STAT, &da), 0);
	ck_assert_int_eq(msgctl(b, IPC_STAT, &db), 0);
	ck_assert_int_ne(da.msg_perm.__key, IPC_PRIVATE);
	ck_assert_int_ne(da.msg_perm.__key, db.msg_perm.__key);
	ck_assert_int_eq(cleanup_sysv_make(CLEANUP_PATH, 0), -EINVAL);

	/* The release removes what was recorded and is there: the two queues. */
	ck_assert_int_eq(cleanup_release(&c), 0);
	ck_assert_uint_eq(c.sysv, 2);
	ck_assert_uint_eq(c.shm + c.mqueue + c.tmp, 0);
	ck_assert_int_eq(msgctl(a, IPC_STAT, &da), -1);
	ck_assert_int_eq(msgctl(b, IPC_STAT, &db), -1);
	ck_assert_int_eq(cleanup_release(&c), 0);
	ck_assert_uint_eq(c.sysv, 0);
}
END_TEST

/* ---- `ptlab clean`, on hand-made registries ---- */

/* The start time of pid (/proc/PID/stat, field 22). */
static unsigned long long start_of(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	ck_assert_ptr_nonnull(p);
	unsigned long long v = 0;
	for (int field = 3; field <= 22; field++) {
		v = strtoull(p + 1, &p, 10);
		if (field == 3) /* the state is a letter */
			p = strchr(p + 2, ' ');
	}
	return v;
}

/* A registry in dir: header for pid (start, namespace inode) and the given lines. */
static void write_registry(const char *dir, pid_t pid, const char *token, unsigned long long start,
			   unsigned long long ns_ino_delta, const char *lines)
{
	char path[512];
	struct stat ns;
	ck_assert_int_eq(stat("/proc/self/ns/pid", &ns), 0);
	snprintf(path, sizeof(path), "%s/%d.%s", dir, (int)pid, token);
	FILE *f = fopen(path, "wx");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "ptlab-objects 1\nowner %d %llu %llu %llu %u %lld %s\n%s", (int)pid, start,
		(unsigned long long)ns.st_dev, (unsigned long long)ns.st_ino + ns_ino_delta,
		(unsigned)geteuid(), (long long)time(NULL) - 5, token, lines);
	ck_assert_int_eq(fclose(f), 0);
}

/* A System V queue with a random key that is not taken. Returns its id; the key in *key. */
static int queue_of_mine(key_t *key)
{
	for (int i = 0; i < 100; i++) {
		*key = (key_t)(0x50000000 + (rand() & 0xfffffff));
		int id = msgget(*key, IPC_CREAT | IPC_EXCL | 0600);
		if (id >= 0)
			return id;
	}
	ck_abort_msg("no free System V key");
	return -1;
}

struct heard {
	unsigned removed, live, foreign, unproven, ended, failed;
};

static void hear(const struct cleanup_item *it, void *arg)
{
	struct heard *h = arg;
	h->removed += it->finding == CLEANUP_REMOVED;
	h->failed += it->finding == CLEANUP_NOT_REMOVED;
	h->live += it->finding == CLEANUP_RUN_LIVE;
	h->foreign += it->finding == CLEANUP_RUN_FOREIGN;
	h->unproven += it->finding == CLEANUP_RUN_UNPROVEN;
	h->ended += it->finding == CLEANUP_RUN_ENDED;
}

/*
 * `ptlab clean` removes what a dead run recorded and only that: a folder,
 * a name without the run's token, a System V object whose key or creator
 * does not match, a key the run gave up, the runs of a live owner or of
 * another pid namespace, and a file that is no registry all stay. A pid
 * that lives again as another process (another start time) is dead.
 */
START_TEST(test_clean_proves_death)
{
	char xdg[] = "/tmp/ptlab-clean-XXXXXX", state[300], files[300], lines[4096], p[512];
	ck_assert_ptr_nonnull(mkdtemp(xdg));
	ck_assert_int_eq(setenv("XDG_RUNTIME_DIR", xdg, 1), 0);
	ck_assert_int_eq(cleanup_state_dir(state, sizeof(state)), 0);
	ck_assert_int_eq(mkdir(state, 0700), 0);
	snprintf(files, sizeof(files), "%s/files", xdg);
	ck_assert_int_eq(mkdir(files, 0700), 0);

	pid_t dead = dead_pid(), ppid = getppid();
	const char *tok = "0123456789ab";
	key_t k_made, k_intent, k_foreign, k_dropped;
	int made = queue_of_mine(&k_made), intent = queue_of_mine(&k_intent);
	int foreign = queue_of_mine(&k_foreign), dropped = queue_of_mine(&k_dropped);
	key_t k_cut;
	int cut = queue_of_mine(&k_cut);

	/* The dead run: two of its objects go, the rest only look like its own. */
	char gone[400], folder[400], untokened[400];
	snprintf(gone, sizeof(gone), "%s/" CLEANUP_PREFIX "%d.%s.t", files, (int)dead, tok);
	snprintf(folder, sizeof(folder), "%s/" CLEANUP_PREFIX "%d.%s.d", files, (int)dead, tok);
	snprintf(untokened, sizeof(untokened), "%s/" CLEANUP_PREFIX "%d.notes", files, (int)dead);
	touch(gone);
	ck_assert_int_eq(mkdir(folder, 0700), 0);
	touch(untokened);
	snprintf(lines, sizeof(lines),
		 "path %s\npath %s\npath %s\nsysv_msg %d\nsysv_msg %d %d\nsysv_msg %d\n"
		 "sysv_msg %d %d\nsysv_sem %d\nsysv_msg %d\nsysv_msg %d -\nsysv_msg %d",
		 gone, folder, untokened, (int)k_made, (int)k_made, made, (int)k_intent,
		 (int)k_foreign + 1, foreign, (int)k_foreign, (int)k_dropped, (int)k_dropped,
		 (int)k_cut); /* the last line cut short, as by a kill inside write() */
	write_registry(state, dead, tok, 1, 0, lines);

	/* A pid in use again, by a process that started at another time. */
	char reused[400];
	snprintf(reused, sizeof(reused), "%s/" CLEANUP_PREFIX "%d.bbbbbbbbbbbb.r", files,
		 (int)ppid);
	touch(reused);
	snprintf(lines, sizeof(lines), "path %s\n", reused);
	write_registry(state, ppid, "bbbbbbbbbbbb", start_of(ppid) + 1, 0, lines);

	/* A live run, and one of another pid namespace: left alone. */
	char live[400], other_ns[400];
	snprintf(live, sizeof(live), "%s/" CLEANUP_PREFIX "%d.cccccccccccc.l", files, (int)ppid);
	snprintf(other_ns, sizeof(other_ns), "%s/" CLEANUP_PREFIX "%d.dddddddddddd.n", files,
		 (int)dead);
	touch(live);
	touch(other_ns);
	snprintf(lines, sizeof(lines), "path %s\n", live);
	write_registry(state, ppid, "cccccccccccc", start_of(ppid), 0, lines);
	snprintf(lines, sizeof(lines), "path %s\n", other_ns);
	write_registry(state, dead, "dddddddddddd", 1, 1, lines);
	/* No registry, and a file that is none. */
	snprintf(p, sizeof(p), "%s/7.eeeeeeeeeeee", state);
	FILE *f = fopen(p, "w");
	fputs("hello\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/notes.txt", state);
	touch(p);

	/* A dry run finds the three objects and removes nothing. */
	struct cleanup_counts c;
	struct heard h = { 0 };
	ck_assert_int_eq(cleanup_sweep(true, hear, &h, &c), 0);
	ck_assert_uint_eq(c.tmp, 2);
	ck_assert_uint_eq(c.sysv, 2);
	ck_assert_uint_eq(h.removed, 4);
	ck_assert_int_eq(access(gone, F_OK), 0);
	ck_assert_int_eq(access(reused, F_OK), 0);
	struct msqid_ds ds;
	ck_assert_int_eq(msgctl(made, IPC_STAT, &ds), 0);

	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(cleanup_sweep(false, hear, &h, &c), 0);
	ck_assert_uint_eq(c.tmp, 2);
	ck_assert_uint_eq(c.sysv, 2);
	ck_assert_uint_eq(h.ended, 2);
	ck_assert_uint_eq(h.live, 1);
	ck_assert_uint_eq(h.foreign, 1);
	ck_assert_uint_eq(h.unproven, 1);
	ck_assert_uint_eq(h.failed, 0);
	assert_no_path(gone);
	assert_no_path(reused);
	ck_assert_int_eq(msgctl(made, IPC_STAT, &ds), -1);
	ck_assert_int_eq(msgctl(intent, IPC_STAT, &ds), -1);
	/* What stays. */
	const char *kept[] = { folder, untokened, live, other_ns };
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		ck_assert_msg(access(kept[i], F_OK) == 0, "clean removed %s", kept[i]);
	ck_assert_int_eq(msgctl(foreign, IPC_STAT, &ds), 0);
	ck_assert_int_eq(msgctl(dropped, IPC_STAT, &ds), 0);
	ck_assert_int_eq(msgctl(cut, IPC_STAT, &ds), 0);
	snprintf(p, sizeof(p), "%s/%d.%s", state, (int)dead, tok);
	assert_no_path(p);
	size_t n_left = 0;
	DIR *d = opendir(state);
	ck_assert_ptr_nonnull(d);
	for (struct dirent *de; (de = readdir(d));)
		n_left += de->d_name[0] != '.';
	closedir(d);
	ck_assert_uint_eq(n_left, 4); /* live, other namespace, "hello", notes.txt */

	msgctl(foreign, IPC_RMID, NULL);
	msgctl(dropped, IPC_RMID, NULL);
	msgctl(cut, IPC_RMID, NULL);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", xdg);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- progress ---- */

/* The pieces of a live line's output, one per '\r'; asserts each fits 79 columns. */
static size_t live_segments(const char *text)
{
	size_t n = 0;
	for (const char *s = text; (s = strchr(s, '\r')) != NULL; n++) {
		const char *end = strchr(s + 1, '\r');
		size_t len = end ? (size_t)(end - s - 1) : strlen(s + 1), cols = 0;
		for (size_t i = 0; i < len; i++)
			cols += ((unsigned char)s[1 + i] & 0xc0) != 0x80;
		/* "\033[K" adds 3 columns that are not shown. */
		ck_assert_msg(cols <= 79 + 3, "a segment of %zu columns: %.*s", cols, (int)len,
			      s + 1);
		s++;
	}
	return n;
}

/*
 * On a terminal: one line rewritten in place, the experiment's own text as
 * its tail (no control character), cleared after each experiment, and not
 * a single newline.
 */
START_TEST(test_progress_live_line)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(m);
	const struct progress_step steps[] = { { &talker, NULL }, { &unsupported, NULL } };
	struct runner_opts o = default_opts(NULL);
	o.progress = progress_begin(m, PROGRESS_LIVE, steps, 2, PRESET_QUICK, 1, NULL);
	ck_assert(progress_is_live(o.progress));
	struct exp_result res;
	for (size_t i = 0; i < 2; i++) {
		run_plain(steps[i].exp, &o, &res);
		exp_result_free(&res);
	}
	progress_finish(o.progress);
	fclose(m);

	ck_assert_msg(strncmp(text, "\r[1/2] talker  0.", 17) == 0, "live line: %s", text);
	ck_assert_msg(strstr(text, " — step one\033[K") != NULL, "no tail: %s", text);
	ck_assert_msg(strstr(text, "\r\033[K\r[2/2] unsupported  ") != NULL, "no clear: %s", text);
	ck_assert_msg(len >= 4 && strcmp(text + len - 4, "\r\033[K") == 0, "not cleared: %s", text);
	ck_assert_ptr_null(strchr(text, '\n'));
	ck_assert_ptr_null(strchr(text, '\t'));
	ck_assert_uint_ge(live_segments(text), 4);
	free(text);

	/* A long tail is cut to the width, counted in characters. */
	m = open_memstream(&text, &len);
	struct progress *p = progress_begin(m, PROGRESS_LIVE, steps, 1, PRESET_QUICK, 1, NULL);
	progress_start(p, &talker);
	progress_note(p, "µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×µ×");
	struct timespec t = { 0, 120 * 1000000L }; /* past the redraw interval */
	while (nanosleep(&t, &t) != 0)
		;
	progress_tick(p);
	progress_finish(p);
	fclose(m);
	ck_assert_uint_eq(live_segments(text), 3);
	ck_assert_ptr_nonnull(strstr(text, "µ×"));
	free(text);
}
END_TEST

/*
 * Elsewhere: one line per experiment as it starts, and none for an
 * experiment the interruption keeps from running.
 */
START_TEST(test_progress_plain_lines)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(m);
	struct rec_params sig = { .count = SIGINT };
	const struct progress_step steps[] = { { &unsupported, NULL },
					       { &interrupt_runner, &sig },
					       { &talker, NULL } };
	struct runner_opts o = default_opts(NULL);
	o.progress = progress_begin(m, PROGRESS_LINES, steps, 3, PRESET_QUICK, 1, NULL);
	ck_assert(!progress_is_live(o.progress));
	struct exp_result res;
	enum outcome want[] = { OUTCOME_SKIPPED, OUTCOME_INTERRUPTED, OUTCOME_NOT_RUN };
	for (size_t i = 0; i < 3; i++) {
		exp_result_init(&res, steps[i].exp->name);
		ck_assert_int_eq(runner_run(&o, steps[i].exp, steps[i].params, &res), 0);
		ck_assert_msg(res.outcome == want[i], "%s: %s", steps[i].exp->name,
			      outcome_name(res.outcome));
		exp_result_free(&res);
	}
	progress_finish(o.progress);
	fclose(m);

	const char *second = strchr(text, '\n');
	ck_assert_msg(strncmp(text, "[1/3] unsupported  0.", 21) == 0, "lines: %s", text);
	ck_assert_msg(second && strncmp(second + 1, "[2/3] interrupt_runner  ", 24) == 0,
		      "lines: %s", text);
	ck_assert_msg(strchr(second + 1, '\n') && strchr(second + 1, '\n')[1] == '\0',
		      "more than two lines: %s", text);
	ck_assert_msg(strstr(text, "talker") == NULL, "announced what did not run: %s", text);
	ck_assert_ptr_null(strchr(text, '\r'));
	ck_assert_ptr_null(strstr(text, "\033["));
	free(text);
}
END_TEST

/* A fresh folder for a cache, under /tmp. */
static void cache_make(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/ptlab-progress-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void cache_remove(const char *dir)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/*
 * One run of budgeted with params on n_cpus, with its cache in dir:
 * returns the estimate before it starts; it ends as outcome says, having
 * taken took_ns.
 */
static uint64_t run_budgeted(const char *dir, const struct budget_params *params,
			     enum param_preset preset, size_t n_cpus, enum outcome outcome,
			     uint64_t took_ns)
{
	const struct progress_step steps[] = { { &budgeted, params } };
	struct progress *p = progress_begin(stderr, PROGRESS_NONE, steps, 1, preset, n_cpus, dir);
	uint64_t estimate = progress_left_ns(p);
	struct exp_result res;
	exp_result_init(&res, budgeted.name);
	progress_start(p, &budgeted);
	res.outcome = outcome;
	res.duration_ns = took_ns;
	progress_end(p, &res);
	exp_result_free(&res);
	progress_finish(p);
	return estimate;
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * The estimate: the prior from the time budget (40 figures of it) until
 * a run with the preset's own parameters on as many CPUs ended well; then
 * that run's duration, kept in DIR/ptlab/durations.
 */
START_TEST(test_progress_estimates)
{
	char dir[64], base[80], file[128];
	cache_make(dir, sizeof(dir));
	snprintf(base, sizeof(base), "%s/cache", dir); /* made when first needed */
	snprintf(file, sizeof(file), "%s/ptlab/durations", base);
	const uint64_t s = 1000000000u;
	struct budget_params quick = { 2 * s, 7 }, full = { 5 * s, 7 }, set = { 1 * s, 7 };

	ck_assert_uint_eq(run_budgeted(base, &quick, PRESET_QUICK, 2, OUTCOME_FAILED, 9 * s),
			  80 * s);
	ck_assert_ptr_null(slurp(file)); /* nothing ended well: nothing kept, nothing made */
	ck_assert_uint_eq(run_budgeted(base, &set, PRESET_QUICK, 2, OUTCOME_OK, 9 * s), 40 * s);
	ck_assert_ptr_null(slurp(file)); /* parameters of its own: not the preset's duration */
	ck_assert_uint_eq(run_budgeted(base, &quick, PRESET_QUICK, 2, OUTCOME_OK, 3 * s), 80 * s);
	ck_assert_str_eq(slurp(file), "ptlab durations 1\nquick budgeted 2 3000000000\n");
	ck_assert_uint_eq(run_budgeted(base, &quick, PRESET_QUICK, 2, OUTCOME_OK, 4 * s), 3 * s);
	ck_assert_uint_eq(run_budgeted(base, &quick, PRESET_QUICK, 4, OUTCOME_OK, 5 * s), 80 * s);
	ck_assert_uint_eq(run_budgeted(base, &full, PRESET_FULL, 2, OUTCOME_OK, 6 * s), 200 * s);
	ck_assert_str_eq(slurp(file), "ptlab durations 1\n"
				      "full budgeted 2 6000000000\n"
				      "quick budgeted 4 5000000000\n"
				      "quick budgeted 2 4000000000\n");
	ck_assert_uint_eq(run_budgeted(base, &quick, PRESET_QUICK, 4, OUTCOME_OK, 5 * s), 5 * s);
	ck_assert_uint_eq(run_budgeted(base, &set, PRESET_QUICK, 4, OUTCOME_OK, 5 * s), 40 * s);

	struct stat st;
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	snprintf(file, sizeof(file), "%s/ptlab", base);
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	cache_remove(dir);
}
END_TEST

/*
 * The cache is written only into a folder of this user's that no one else
 * may write, reached without a link, and over a file proven to be ptlab's:
 * a file without ptlab's first line, a link, a folder another may write,
 * and (as root) a folder of another user's are left as they are.
 */
START_TEST(test_progress_cache_is_ours)
{
	char dir[64], cache[96], file[200], other[128];
	const uint64_t s = 1000000000u;
	struct budget_params quick = { 2 * s, 7 };
	cache_make(dir, sizeof(dir));
	snprintf(cache, sizeof(cache), "%s/ptlab", dir);
	snprintf(file, sizeof(file), "%s/durations", cache);
	snprintf(other, sizeof(other), "%s/other", dir);
	ck_assert_int_eq(mkdir(cache, 0700), 0);

	/* Not ptlab's first line: neither read nor replaced. */
	FILE *f = fopen(file, "we");
	fputs("quick budgeted 2 1000000000\n", f);
	fclose(f);
	ck_assert_uint_eq(run_budgeted(dir, &quick, PRESET_QUICK, 2, OUTCOME_OK, 3 * s), 80 * s);
	ck_assert_str_eq(slurp(file), "quick budgeted 2 1000000000\n");

	/* A link, even to a file of ptlab's: neither followed nor replaced. */
	f = fopen(other, "we");
	fputs("ptlab durations 1\nquick budgeted 2 1000000000\n", f);
	fclose(f);
	ck_assert_int_eq(unlink(file), 0);
	ck_assert_int_eq(symlink(other, file), 0);
	ck_assert_uint_eq(run_budgeted(dir, &quick, PRESET_QUICK, 2, OUTCOME_OK, 3 * s), 80 * s);
	ck_assert_str_eq(slurp(other), "ptlab durations 1\nquick budgeted 2 1000000000\n");
	struct stat st;
	ck_assert_int_eq(lstat(file, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(unlink(file), 0);

	/* The folder a link: not followed. */
	char moved[128];
	snprintf(moved, sizeof(moved), "%s/moved", dir);
	ck_assert_int_eq(rename(cache, moved), 0);
	ck_assert_int_eq(symlink(moved, cache), 0);
	run_budgeted(dir, &quick, PRESET_QUICK, 2, OUTCOME_OK, 3 * s);
	snprintf(file, sizeof(file), "%s/durations", moved);
	ck_assert_ptr_null(slurp(file));
	ck_assert_int_eq(unlink(cache), 0);
	ck_assert_int_eq(rename(moved, cache), 0);
	snprintf(file, sizeof(file), "%s/durations", cache);

	/* A folder others may write. */
	ck_assert_int_eq(chmod(cache, 0777), 0);
	run_budgeted(dir, &quick, PRESET_QUICK, 2, OUTCOME_OK, 3 * s);
	ck_assert_ptr_null(slurp(file));
	ck_assert_int_eq(chmod(cache, 0700), 0);

	/* Another user's folder. */
	if (geteuid() == 0) {
		ck_assert_int_eq(chown(cache, 65534, 65534), 0);
		run_budgeted(dir, &quick, PRESET_QUICK, 2, OUTCOME_OK, 3 * s);
		ck_assert_ptr_null(slurp(file));
		ck_assert_int_eq(chown(cache, 0, 0), 0);
	}

	/* Ours at last: written. */
	run_budgeted(dir, &quick, PRESET_QUICK, 2, OUTCOME_OK, 3 * s);
	ck_assert_str_eq(slurp(file), "ptlab durations 1\nquick budgeted 2 3000000000\n");
	cache_remove(dir);
}
END_TEST

/* The cache folder: $XDG_CACHE_HOME, else ~/.cache; root's own whatever the environment says. */
START_TEST(test_progress_cache_dir)
{
	char buf[PATH_MAX], want[PATH_MAX];
	ck_assert_int_eq(setenv("XDG_CACHE_HOME", "/somewhere/cache", 1), 0);
	ck_assert_int_eq(setenv("HOME", "/home/someone", 1), 0);
	ck_assert_int_eq(progress_cache_dir(buf, sizeof(buf)), 0);
	if (geteuid() == 0) {
		struct passwd *pw = getpwuid(0);
		ck_assert_ptr_nonnull(pw);
		snprintf(want, sizeof(want), "%s/.cache", pw->pw_dir);
		ck_assert_str_eq(buf, want);
	} else {
		ck_assert_str_eq(buf, "/somewhere/cache");
		ck_assert_int_eq(setenv("XDG_CACHE_HOME", "relative", 1), 0);
		ck_assert_int_eq(progress_cache_dir(buf, sizeof(buf)), 0);
		ck_assert_str_eq(buf, "/home/someone/.cache");
	}
	ck_assert_int_eq(progress_cache_dir(buf, 4), -ENAMETOOLONG);
}
END_TEST

/*
 * Every result of a run says how long it took, the experiments that end
 * in milliseconds (crash, isolation) too: the binary runs them and the
 * saved run is read back.
 */
START_TEST(test_every_result_has_a_duration)
{
	struct cli r;
	struct run run;
	char err[512] = "";

	cli_case_make("duration");
	char *path = xasprintf("%s/run.json", cli_case_dir);
	cli_run(&r, 120 * NS_PER_S,
		ARGS("run", "crash", "isolation", "--no-progress", "--json", path));
	ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
	run_init(&run);
	ck_assert_msg(run_load(path, &run, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(run.n_results, 2);
	for (size_t i = 0; i < run.n_results; i++)
		ck_assert_msg(run.results[i].duration_ns > 0, "%s: duration_ns 0",
			      run.results[i].name);
	run_free(&run);
	cli_free(&r);
	free(path);
	cli_case_remove();
}
END_TEST

Suite *runner_suite(void)
{
	Suite *s = suite_create("runner");
	TCase *tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_records);
	tcase_add_test(tc, test_crash);
	tcase_add_test(tc, test_hang_is_killed_at_deadline);
	tcase_add_test(tc, test_deadline_hook);
	tcase_add_test(tc, test_escaped_grandchild_is_killed);
	tcase_add_test(tc, test_unsupported_is_skipped);
	tcase_add_test(tc, test_fail);
	tcase_add_test(tc, test_crash_leaves_no_objects);
	tcase_add_test(tc, test_cleanup_kind_names);
	tcase_add_loop_test(tc, test_interrupted_by_signal, 0,
			    (int)(sizeof(stop_signals) / sizeof(stop_signals[0])));
	tcase_add_test(tc, test_interrupted_while_waiting);
	tcase_add_test(tc, test_every_result_has_a_duration);
	suite_add_tcase(s, tc);

	tc = tcase_create("progress");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_progress_live_line);
	tcase_add_test(tc, test_progress_plain_lines);
	tcase_add_test(tc, test_progress_estimates);
	tcase_add_test(tc, test_progress_cache_is_ours);
	tcase_add_test(tc, test_progress_cache_dir);
	suite_add_tcase(s, tc);

	tc = tcase_create("cleanup");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_clean_proves_death);
	suite_add_tcase(s, tc);
	return s;
}
