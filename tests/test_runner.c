// SPDX-License-Identifier: MIT
/*
 * Lifecycle tests for core/runner, core/experiment and core/cleanup with
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
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/experiment.h"
#include "core/param.h"
#include "core/runner.h"
#include "core/sampler.h"
#include "model/run.h"
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
	exp_record(ctx, "op", "ns", DIR_LOWER_IS_BETTER, &s, mp, 2);
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
		return exp_fail(ctx, "out of memory");
	for (size_t i = 0; i < BIG_SAMPLES; i++)
		raw[i] = big_value(i);
	struct sample_set big = { .batch = 1, .warmup = 0, .n = BIG_SAMPLES, .raw = raw };
	exp_record(ctx, "big", "bytes", DIR_HIGHER_IS_BETTER, &big, NULL, 0);
	free(raw);
	/* An empty sample set is not a metric. */
	struct sample_set none = { .batch = 1 };
	exp_record(ctx, "empty", "ns", DIR_NONE, &none, NULL, 0);

	exp_observe(ctx, "count", "%lld", (long long)p->count);
	exp_observe(ctx, "n_sizes", "%zu", p->sizes.n);
	exp_observe(ctx, "seed", "%llu", (unsigned long long)ctx->seed);
	exp_observe(ctx, "cpu0", "%d", exp_cpu(ctx, 0));
	exp_observe(ctx, "ran_on", "%d", sched_getcpu());
	exp_skip(ctx, "op bytes=1TiB", "not enough %s", "memory");
	return 0;
}

static int fx_crash(struct exp_ctx *ctx, const void *params)
{
	(void)params;
	record_small(ctx);
	raise(SIGSEGV);
	return exp_fail(ctx, "still alive after SIGSEGV");
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
	exp_observe(ctx, "self", "%d", (int)getpid());
	exp_observe(ctx, "grandchild", "%d", (int)g);
	sleep_for_ever();
}

/* A grandchild that leaves the process group, so kill(-pgid) misses it. */
static int fx_escape(struct exp_ctx *ctx, const void *params)
{
	(void)params;
	record_small(ctx);
	int gate[2];
	if (pipe(gate) != 0)
		return exp_fail(ctx, "pipe: %s", strerror(errno));
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
	exp_observe(ctx, "self", "%d", (int)getpid());
	exp_observe(ctx, "grandchild", "%d", (int)g);
	if (g > 0 && getpgid(g) == getpgrp())
		return exp_fail(ctx, "the grandchild did not leave the group");
	sleep_for_ever();
}

static int fx_unsupported(struct exp_ctx *ctx, const void *params)
{
	(void)params;
	return exp_unsupported(ctx, "needs %s", "a quantum CPU");
}

static int fx_fail(struct exp_ctx *ctx, const void *params)
{
	(void)params;
	record_small(ctx);
	return exp_fail(ctx, "broken: %d", 7);
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

	exp_observe(ctx, "self", "%d", (int)getpid());
	if (cleanup_name(name + 1, sizeof(name) - 1, "x") != 0)
		return exp_fail(ctx, "cleanup_name");
	name[0] = '/';
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0)
		return exp_fail(ctx, "shm_open %s: %s", name, strerror(errno));
	close(fd);
	exp_observe(ctx, "path.shm", "/dev/shm%s", name);

	cleanup_name(name + 1, sizeof(name) - 1, "s");
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	if (sem == SEM_FAILED)
		return exp_fail(ctx, "sem_open %s: %s", name, strerror(errno));
	sem_close(sem);
	exp_observe(ctx, "path.sem", "/dev/shm/sem.%s", name + 1);

	if (cleanup_tmp_path(path, sizeof(path), "fifo") != 0 || mkfifo(path, 0600) != 0)
		return exp_fail(ctx, "mkfifo %s: %s", path, strerror(errno));
	exp_observe(ctx, "path.fifo", "%s", path);

	if (cleanup_tmp_path(path, sizeof(path), "tmp") != 0)
		return exp_fail(ctx, "cleanup_tmp_path");
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return exp_fail(ctx, "open %s: %s", path, strerror(errno));
	close(fd);
	exp_observe(ctx, "path.tmp", "%s", path);

	key_t key = cleanup_sysv_key(0);
	if (shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600) < 0)
		return exp_fail(ctx, "shmget: %s", strerror(errno));
	exp_observe(ctx, "key", "%d", (int)key);

	/*
	 * A POSIX message queue: where /dev/mqueue is not mounted no sweep can
	 * see it, so it is recorded (exp_track) and removed by name.
	 */
	cleanup_name(name + 1, sizeof(name) - 1, "q");
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 8 };
	exp_track(ctx, CLEANUP_MQUEUE, name);
	mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
	if (q == (mqd_t)-1)
		return exp_fail(ctx, "mq_open %s: %s", name, strerror(errno));
	mq_close(q);
	exp_observe(ctx, "mq", "%s", name);

	/* A System V message queue, recorded by its key too. */
	char key_text[32];
	key_t qkey = cleanup_sysv_key(1);
	snprintf(key_text, sizeof(key_text), "%d", (int)qkey);
	exp_track(ctx, CLEANUP_SYSV_MSG, key_text);
	if (msgget(qkey, IPC_CREAT | IPC_EXCL | 0600) < 0)
		return exp_fail(ctx, "msgget: %s", strerror(errno));
	exp_observe(ctx, "msgkey", "%d", (int)qkey);
	record_small(ctx);
	raise(SIGSEGV);
	return exp_fail(ctx, "still alive after SIGSEGV");
}

/* Interrupts its own runner once the metric is on its way, then hangs. */
static int fx_interrupt_runner(struct exp_ctx *ctx, const void *params)
{
	int sig = (int)((const struct rec_params *)params)->count;
	record_small(ctx);
	exp_observe(ctx, "self", "%d", (int)getpid());
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
	exp_observe(ctx, "self", "%d", (int)getpid());
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
	const char *v = exp_result_obs(r, name);
	ck_assert_msg(v != NULL, "observation %s missing", name);
	return atoi(v);
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
		      res.reason ? res.reason : "");
	ck_assert_ptr_null(res.reason);
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
	ck_assert_str_eq(exp_result_obs(&res, "count"), "3");
	ck_assert_str_eq(exp_result_obs(&res, "n_sizes"), "2");
	ck_assert_str_eq(exp_result_obs(&res, "seed"), "12345");
	ck_assert_int_eq(obs_int(&res, "cpu0"), cpu);
	ck_assert_int_eq(obs_int(&res, "ran_on"), cpu); /* the experiment was held to --cpus */

	ck_assert_uint_eq(res.n_skips, 1);
	ck_assert_str_eq(res.skips[0].what, "op bytes=1TiB");
	ck_assert_str_eq(res.skips[0].reason, "not enough memory");

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
	ck_assert_ptr_nonnull(res.reason);
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
		      res.reason ? res.reason : "");
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
	ck_assert_ptr_nonnull(res.reason);
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
		      res.reason ? res.reason : "");
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
	ck_assert_str_eq(res.reason, "needs a quantum CPU");
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
	ck_assert_str_eq(res.reason, "broken: 7");
	ck_assert_int_eq(res.exit_code, EXP_EXIT_FAILED);
	assert_small_metric(&res); /* what came before the failure is kept */
	exp_result_free(&res);

	/* No exp_fail(): still a failure, and the reason is not empty. */
	run_plain(&plain_error, &o, &res);
	ck_assert_int_eq(res.outcome, OUTCOME_FAILED);
	ck_assert_int_eq(res.exit_code, EXP_EXIT_FAILED);
	ck_assert_ptr_nonnull(res.reason);
	exp_result_free(&res);

	/* The skip exit code alone, without its record, is no skip. */
	run_plain(&bare_exit, &o, &res);
	ck_assert_int_eq(res.outcome, OUTCOME_FAILED);
	ck_assert_int_eq(res.exit_code, EXP_EXIT_SKIPPED);
	ck_assert_ptr_nonnull(res.reason);
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
		      res.reason ? res.reason : "");
	assert_small_metric(&res); /* so every object was made */

	/* Each name carries the experiment's pid. */
	char own[32];
	snprintf(own, sizeof(own), CLEANUP_PREFIX "%d.", obs_int(&res, "self"));
	static const char *const kinds[] = { "path.shm", "path.sem", "path.fifo", "path.tmp" };
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const char *path = exp_result_obs(&res, kinds[i]);
		ck_assert_ptr_nonnull(path);
		ck_assert_ptr_nonnull(strstr(path, own));
		assert_no_path(path);
	}
	key_t key = (key_t)obs_int(&res, "key");
	errno = 0;
	ck_assert_int_eq(shmget(key, 0, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
	const char *mq = exp_result_obs(&res, "mq");
	ck_assert_ptr_nonnull(mq);
	errno = 0;
	ck_assert_int_eq(mq_open(mq, O_RDONLY), (mqd_t)-1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(msgget((key_t)obs_int(&res, "msgkey"), 0), -1);
	ck_assert_int_eq(errno, ENOENT);
	assert_no_children();
	exp_result_free(&res);
}
END_TEST

/* Removing what is not there says so, for every kind; a bad System V key is refused. */
START_TEST(test_cleanup_remove_missing)
{
	static const enum cleanup_kind named[] = { CLEANUP_SHM, CLEANUP_MQUEUE, CLEANUP_SEM };
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		enum cleanup_kind back;
		ck_assert_int_eq(cleanup_remove(named[i], "/ptlab.1.never"), -ENOENT);
		ck_assert_int_eq(cleanup_kind_from_name(cleanup_kind_name(named[i]), &back), 0);
		ck_assert_int_eq(back, named[i]);
	}
	ck_assert_int_eq(cleanup_remove(CLEANUP_PATH, "/nonexistent/ptlab.1.never"), -ENOENT);
	ck_assert_int_eq(cleanup_remove(CLEANUP_SYSV_MSG, "12x"), -EINVAL);
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
	ck_assert_ptr_nonnull(res.reason);
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
	ck_assert_ptr_nonnull(res.reason);
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
	char buf[64];

	cleanup_set_owner(4242);
	ck_assert_int_eq(cleanup_owner(), 4242);
	ck_assert_int_eq(cleanup_name(buf, sizeof(buf), "x"), 0);
	ck_assert_str_eq(buf, "ptlab.4242.x");
	ck_assert_int_eq(cleanup_name(buf, 8, "x"), -ENAMETOOLONG);
	ck_assert_int_eq(cleanup_tmp_path(buf, sizeof(buf), "f"), 0);
	ck_assert_ptr_nonnull(strstr(buf, "/ptlab.4242.f"));
	ck_assert_int_eq(strncmp(buf, cleanup_tmpdir(), strlen(cleanup_tmpdir())), 0);
	ck_assert_int_eq(cleanup_tmp_path(buf, 4, "f"), -ENAMETOOLONG);

	/* Keys differ by index and by owner, and are never IPC_PRIVATE. */
	key_t k0 = cleanup_sysv_key(0), k1 = cleanup_sysv_key(1);
	ck_assert_int_ne(k0, k1);
	ck_assert_int_ne(k0, IPC_PRIVATE);
	cleanup_set_owner(4243);
	ck_assert_int_ne(cleanup_sysv_key(0), k0);
	cleanup_set_owner(0);
	ck_assert_int_eq(cleanup_owner(), getpid());
}
END_TEST

START_TEST(test_clean_sweeps_dead_owners_only)
{
	char dead_shm[128], live_shm[128], dead_tmp[256], odd[128];
	pid_t dead = dead_pid();
	struct cleanup_counts c;

	snprintf(dead_shm, sizeof(dead_shm), "/dev/shm/" CLEANUP_PREFIX "%d.t", (int)dead);
	snprintf(live_shm, sizeof(live_shm), "/dev/shm/" CLEANUP_PREFIX "%d.t", (int)getpid());
	/* Not a ptlab name: the owner is not followed by a dot. */
	snprintf(odd, sizeof(odd), "/dev/shm/" CLEANUP_PREFIX "%dt", (int)dead);
	cleanup_set_owner(dead);
	ck_assert_int_eq(cleanup_tmp_path(dead_tmp, sizeof(dead_tmp), "t"), 0);
	key_t key = cleanup_sysv_key(5);
	cleanup_set_owner(0);

	touch(dead_shm);
	touch(live_shm);
	touch(odd);
	touch(dead_tmp);
	int id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	ck_assert_msg(id >= 0, "shmget: %s", strerror(errno));

	cleanup_sweep(0, &c);
	ck_assert_uint_ge(c.shm, 1);
	ck_assert_uint_ge(c.tmp, 1);
	ck_assert_uint_ge(c.sysv, 1);
	assert_no_path(dead_shm);
	assert_no_path(dead_tmp);
	errno = 0;
	ck_assert_int_eq(shmget(key, 0, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* A live owner's object and a foreign name stay. */
	ck_assert_int_eq(access(live_shm, F_OK), 0);
	ck_assert_int_eq(access(odd, F_OK), 0);
	ck_assert_int_eq(unlink(odd), 0);

	/* Asked for by pid, a live owner's objects go too. */
	ck_assert_int_eq(cleanup_sweep(getpid(), &c), 0);
	ck_assert_uint_eq(c.shm, 1);
	assert_no_path(live_shm);
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
	tcase_add_test(tc, test_cleanup_remove_missing);
	tcase_add_loop_test(tc, test_interrupted_by_signal, 0,
			    (int)(sizeof(stop_signals) / sizeof(stop_signals[0])));
	tcase_add_test(tc, test_interrupted_while_waiting);
	suite_add_tcase(s, tc);

	tc = tcase_create("cleanup");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_clean_sweeps_dead_owners_only);
	suite_add_tcase(s, tc);
	return s;
}
