// SPDX-License-Identifier: MIT
/*
 * Robustness, through the real binary ($PTLAB_BIN): what a run leaves
 * behind when it is stopped, killed or starved.
 *
 * Interrupts: full suites (entered at each experiment in turn, so that
 * the first seconds land in every experiment) and quick ones, stopped by
 * SIGINT, SIGTERM or SIGHUP at moments drawn from a fixed seed, sent to
 * ptlab alone or to its process group (as a terminal sends them). Each
 * must exit within PROMPT_NS of its signal with status 128 + signal, the
 * report on stdout, and a --json file that loads and holds what was
 * measured; afterwards no process, shared-memory object, queue, semaphore,
 * FIFO or temporary file of the run may remain.
 *
 * Kill: ptlab SIGKILLed in the middle of a run leaves its children to end
 * by themselves (PR_SET_PDEATHSIG); `ptlab clean` then removes the named
 * objects of the dead run and nothing of a live owner or of anyone else.
 *
 * Limits: runs under a small ulimit -n, -u (as nobody: RLIMIT_NPROC does
 * not bind root), -v and -q, and with kernel.msgmni 0 in an IPC namespace
 * of their own, finish with status 0 and every affected measurement
 * skipped with a reason that names the limit, the rest measured.
 *
 * The world a run is checked in: as root, each test enters a mount and an
 * IPC namespace of its own, with a fresh tmpfs on /dev/shm and the POSIX
 * queues of that IPC namespace mounted where the test can list them, so
 * whatever is there after a run is the run's, however many other ptlab
 * runs go on beside the test, and `ptlab clean` reaches no one else's
 * objects. Without namespaces (not root, or CK_FORK=no) the checks look
 * at the shared objects and count only those made during the run whose
 * owner (from the name, or the System V key) is dead, and say so. Every
 * run gets a fresh $TMPDIR: anything left in it is the run's. The test
 * process is a child subreaper, so every orphan of a run comes back to it.
 * No duration is asserted except generous upper bounds.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <mqueue.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_util.h"
#include "core/cleanup.h"
#include "core/clock.h"
#include "core/stats.h"
#include "experiments/catalog.h"
#include "model/json.h"
#include "model/run.h"
#include "exp_test.h"
#include "suites.h"

#define ROBUST_SEED 20261123u
#define HANDLERS_NS (20 * NS_PER_S)	/* until ptlab catches the stop signals */
#define PROMPT_NS (20 * NS_PER_S)	/* from the stop signal to the exit: "promptly" */
#define CHILDREN_END_NS (10 * NS_PER_S) /* for the orphans of a killed run to end */
#define OBJECT_WAIT_NS (20 * NS_PER_S)	/* for a run's first named object to appear */
#define RUN_LIMIT_NS (120 * NS_PER_S)	/* a small run under a limit, under sanitizers too */
#define CLEAN_LIMIT_NS (30 * NS_PER_S)
#define SHARED_GRACE_NS 500000000ull /* another run's sweep, in the shared world */
#define MQUEUE_MAGIC 0x19800202
#define MAX_MOMENTS 16

/* ---- the world a run is checked in ---- */

static struct world {
	bool isolated;	    /* a private /dev/shm and IPC namespace: all in them is ours */
	char mq_dir[300];   /* where the run's POSIX queues can be listed; "" nowhere */
	bool ptlab_sees_mq; /* that is /dev/mqueue: ptlab's own sweep lists them too */
} world;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "note: robust: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static bool mqueue_mounted(const char *dir)
{
	struct statfs fs;
	return statfs(dir, &fs) == 0 && fs.f_type == MQUEUE_MAGIC;
}

/* Makes this test process a subreaper and, where it can, gives it a world of its own. */
static void world_enter(void)
{
	const char *fork_mode = getenv("CK_FORK");
	struct stat st;
	memset(&world, 0, sizeof(world));
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);

	if (fork_mode && strcmp(fork_mode, "no") == 0)
		note("CK_FORK=no: the tests share the runner's namespaces; objects are checked "
		     "among everyone's, by dead owner");
	else if (unshare(CLONE_NEWNS | CLONE_NEWIPC) != 0)
		note("no mount and IPC namespace of our own (unshare: %s): objects are checked "
		     "among everyone's, by dead owner",
		     strerror(errno));
	else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		 mount("ptlab-test", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0)
		note("no private /dev/shm (mount: %s): objects are checked among everyone's, by "
		     "dead owner",
		     strerror(errno));
	else
		world.isolated = true;

	if (world.isolated) {
		world.ptlab_sees_mq = stat("/dev/mqueue", &st) == 0 && S_ISDIR(st.st_mode);
		if (world.ptlab_sees_mq)
			snprintf(world.mq_dir, sizeof(world.mq_dir), "/dev/mqueue");
		else
			snprintf(world.mq_dir, sizeof(world.mq_dir), "%s/mqueue", cli_case_dir);
		mkdir(world.mq_dir, 0700);
		if (mount("mqueue", world.mq_dir, "mqueue", 0, NULL) != 0) {
			note("POSIX queues are not checked: mount mqueue on %s: %s", world.mq_dir,
			     strerror(errno));
			world.mq_dir[0] = '\0';
			world.ptlab_sees_mq = false;
		}
	} else if (mqueue_mounted("/dev/mqueue")) {
		snprintf(world.mq_dir, sizeof(world.mq_dir), "/dev/mqueue");
		world.ptlab_sees_mq = true;
	} else {
		note("POSIX queues are not checked: /dev/mqueue is not mounted and no namespace "
		     "of our own could mount it");
	}
}

/* ---- named objects ---- */

/* A growing NUL-separated list of "kind:name" entries, ending in an empty one. */
struct names {
	char *s;
	size_t len;
};

static void names_add(struct names *n, const char *kind, const char *name)
{
	size_t k = strlen(kind), m = strlen(name);
	n->s = realloc(n->s, n->len + k + m + 3);
	ck_assert_ptr_nonnull(n->s);
	snprintf(n->s + n->len, k + m + 2, "%s:%s", kind, name);
	n->len += k + m + 2;
	n->s[n->len] = '\0';
}

/* The entries of names, separated by spaces, for a message (static storage). */
static const char *names_text(const char *names)
{
	static char text[2048];
	size_t used = 0;
	text[0] = '\0';
	for (const char *p = names; *p && used < sizeof(text) - 1; p += strlen(p) + 1)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s ", p);
	return text;
}

static void add_dir(struct names *n, const char *kind, const char *dir, bool all)
{
	static const char *const ours[] = { CLEANUP_PREFIX, "sem." CLEANUP_PREFIX, NULL };
	char *list = cli_dir_names(dir, all ? NULL : ours);
	for (const char *p = list; *p; p += strlen(p) + 1)
		names_add(n, kind, p);
	free(list);
}

/* Every object of a System V table (only in our own world: keys name no owner). */
static void add_sysv(struct names *n, const char *kind, const char *table)
{
	char line[512], name[64];
	FILE *f = fopen(table, "re");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f)) /* the header */
		while (fgets(line, sizeof(line), f)) {
			long long key;
			int id;
			if (sscanf(line, "%lld %d", &key, &id) != 2)
				continue;
			snprintf(name, sizeof(name), "%lld", key);
			names_add(n, kind, name);
		}
	fclose(f);
}

/*
 * Every object the checks look at: /dev/shm, the POSIX queues, the System
 * V tables, and tmpdir (which is the run's alone). In the shared world
 * only ptlab's names, and no System V object (their random keys say no
 * owner); in our own world everything.
 */
static char *inventory(const char *tmpdir)
{
	struct names n = { calloc(1, 1), 0 };
	bool all = world.isolated;
	ck_assert_ptr_nonnull(n.s);
	add_dir(&n, "shm", "/dev/shm", all);
	if (world.mq_dir[0])
		add_dir(&n, "mqueue", world.mq_dir, all);
	if (all) {
		add_sysv(&n, "sysv_msg", "/proc/sysvipc/msg");
		add_sysv(&n, "sysv_sem", "/proc/sysvipc/sem");
		add_sysv(&n, "sysv_shm", "/proc/sysvipc/shm");
	}
	if (tmpdir)
		add_dir(&n, "tmp", tmpdir, true);
	return n.s;
}

/* The inventory, kept until the next call (for comparing two moments as text). */
static const char *inventory_kept(const char *tmpdir)
{
	static char *last;
	free(last);
	last = inventory(tmpdir);
	return last;
}

/* The ptlab owner of an inventory entry ("shm:sem.ptlab.<pid>.<token>.x"), or 0. */
static pid_t entry_owner(const char *entry)
{
	const char *name = strchr(entry, ':') + 1;
	if (strncmp(name, "sem.", 4) == 0)
		name += 4;
	if (strncmp(name, CLEANUP_PREFIX, strlen(CLEANUP_PREFIX)) != 0)
		return 0;
	long pid = strtol(name + strlen(CLEANUP_PREFIX), NULL, 10);
	return pid > 0 ? (pid_t)pid : 0;
}

static bool pid_dead(pid_t pid)
{
	return kill(pid, 0) != 0 && errno == ESRCH;
}

/* The entries of now not in before that count as the run's (see the file comment). */
static char *new_entries(const char *before, const char *now, bool dead_only)
{
	struct names n = { calloc(1, 1), 0 };
	ck_assert_ptr_nonnull(n.s);
	for (const char *p = now; *p; p += strlen(p) + 1) {
		if (cli_in_names(before, p))
			continue;
		bool tmp = strncmp(p, "tmp:", 4) == 0;
		pid_t owner = entry_owner(p);
		if (!world.isolated && !tmp && dead_only && !(owner > 0 && pid_dead(owner)))
			continue;
		char kind[16];
		snprintf(kind, sizeof(kind), "%.*s", (int)(strchr(p, ':') - p), p);
		names_add(&n, kind, strchr(p, ':') + 1);
	}
	return n.s;
}

/*
 * What the run left behind: objects made since before, of a dead owner
 * in the shared world. There another run's objects may outlive their
 * owner for the moment its runner takes to sweep them: what is left is
 * looked at again after SHARED_GRACE_NS.
 */
static char *left_behind(const char *before, const char *tmpdir)
{
	char *now = inventory(tmpdir);
	char *left = new_entries(before, now, true);
	free(now);
	if (!world.isolated && *left) {
		cli_sleep_ns(SHARED_GRACE_NS);
		now = inventory(tmpdir);
		char *again = new_entries(before, now, true);
		struct names n = { calloc(1, 1), 0 };
		ck_assert_ptr_nonnull(n.s);
		for (const char *p = left; *p; p += strlen(p) + 1)
			if (cli_in_names(again, p)) {
				char kind[16];
				snprintf(kind, sizeof(kind), "%.*s", (int)(strchr(p, ':') - p), p);
				names_add(&n, kind, strchr(p, ':') + 1);
			}
		free(now);
		free(again);
		free(left);
		left = n.s;
	}
	return left;
}

/* ---- one run ---- */

/*
 * A folder for one run: dir/ holds the --json file, dir/tmp is its $TMPDIR
 * and dir/xdg its $XDG_RUNTIME_DIR, so the run's registry of objects
 * (core/cleanup.h) is in dir/xdg/ptlab, seen by no other run.
 */
struct run_dir {
	char dir[320], tmp[340], json[340], xdg[340], state[360];
	char tmpdir_env[360], xdg_env[380];
};

static void run_dir_make(struct run_dir *d, const char *tag, int index, mode_t mode)
{
	snprintf(d->dir, sizeof(d->dir), "%s/%s-%d", cli_case_dir, tag, index);
	snprintf(d->tmp, sizeof(d->tmp), "%s/tmp", d->dir);
	snprintf(d->json, sizeof(d->json), "%s/run.json", d->dir);
	snprintf(d->xdg, sizeof(d->xdg), "%s/xdg", d->dir);
	snprintf(d->state, sizeof(d->state), "%s/ptlab", d->xdg);
	snprintf(d->tmpdir_env, sizeof(d->tmpdir_env), "TMPDIR=%s", d->tmp);
	snprintf(d->xdg_env, sizeof(d->xdg_env), "XDG_RUNTIME_DIR=%s", d->xdg);
	ck_assert_int_eq(mkdir(d->dir, mode), 0);
	ck_assert_int_eq(mkdir(d->tmp, mode), 0);
	ck_assert_int_eq(mkdir(d->xdg, 0700), 0);
	/* The umask may have taken bits away: a run as nobody needs them. */
	ck_assert_int_eq(chmod(d->dir, mode), 0);
	ck_assert_int_eq(chmod(d->tmp, mode), 0);
}

/* Whether pid has ended (without reaping it). */
static bool ended(pid_t pid)
{
	siginfo_t si = { .si_pid = 0 };
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid != 0;
}

#define SIGBIT(s) (1ull << ((s)-1))

/*
 * Waits until pid catches every signal of want (its SigCgt mask): from
 * then on a stop signal is ptlab's to handle. Before, ptlab has only
 * parsed its arguments and made nothing; a signal there ends it by the
 * default action. Returns false when it ended or did not get there in time.
 */
static bool wait_for_caught(pid_t pid, unsigned long long want)
{
	uint64_t end = clock_now_ns() + HANDLERS_NS;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	while (!ended(pid) && clock_now_ns() < end) {
		char *s = cli_slurp(path);
		const char *cgt = strstr(s, "SigCgt:");
		unsigned long long mask = cgt ? strtoull(cgt + 7, NULL, 16) : 0;
		free(s);
		if ((mask & want) == want)
			return true;
		cli_sleep_ns(1000000);
	}
	return false;
}

/* Waits until pid catches SIGINT, SIGTERM and SIGHUP: see wait_for_caught(). */
static bool wait_for_handlers(pid_t pid)
{
	return wait_for_caught(pid, SIGBIT(SIGINT) | SIGBIT(SIGTERM) | SIGBIT(SIGHUP));
}

/* The last n bytes of s, for a message. */
static const char *tail(const char *s, size_t n)
{
	size_t len = strlen(s);
	return len > n ? s + len - n : s;
}

/* Reaps the orphans of a finished run: none may come back and none may still run. */
static void expect_no_process(const char *desc)
{
	int orphans = 0;
	bool clear = cli_reap_all(NS_PER_S, &orphans);
	if (!clear)
		cli_kill_my_children();
	ck_assert_msg(clear && orphans == 0, "%s: %d orphans reaped, %s", desc, orphans,
		      clear ? "none left" : "some still running");
}

/*
 * Nothing in d but the --json file (optional), the empty tmp folder and the
 * state folder, which holds no registry: every run removed its own, or
 * `ptlab clean` the one of a killed run.
 */
static void expect_clean_dir(const struct run_dir *d, bool json, const char *desc)
{
	char *names = cli_dir_names(d->dir, NULL);
	for (const char *p = names; *p; p += strlen(p) + 1)
		ck_assert_msg(strcmp(p, "tmp") == 0 || strcmp(p, "xdg") == 0 ||
				      (json && strcmp(p, "run.json") == 0),
			      "%s: %s left in %s", desc, p, d->dir);
	free(names);
	names = cli_dir_names(d->tmp, NULL);
	ck_assert_msg(*names == '\0', "%s: left in $TMPDIR: %s", desc, names_text(names));
	free(names);
	names = cli_dir_names(d->state, NULL);
	ck_assert_msg(*names == '\0', "%s: registries left in %s: %s", desc, d->state,
		      names_text(names));
	free(names);
}

/* ---- interrupts ---- */

/* One stop signal: when, where, which. */
struct moment {
	size_t first;	   /* the full suite entered at catalog[first]; SIZE_MAX: `ptlab` quick */
	uint64_t delay_ns; /* after ptlab catches the stop signals */
	int sig;
	bool group; /* to its process group, as a terminal sends it */
};

/* The moments, drawn from ROBUST_SEED: one per experiment of the full suite, three quick. */
static size_t moments(struct moment *m)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct rng rng;
	size_t n = 0;
	rng_seed(&rng, ROBUST_SEED);
	for (size_t i = 0; catalog[i] && n < MAX_MOMENTS - 3; i++, n++)
		m[n] = (struct moment){ i, i == 0 ? 0 : rng_below(&rng, 2500000000ull), sigs[n % 3],
					n % 2 == 1 };
	for (int q = 0; q < 3; q++, n++)
		m[n] = (struct moment){ SIZE_MAX, rng_below(&rng, 3000000000ull), sigs[n % 3],
					n % 2 == 1 };
	return n;
}

/* The experiments a run of m plans, in order; returns their count. */
static size_t planned(const struct moment *m, const char **names)
{
	size_t n = 0;
	for (size_t i = 0; catalog[i]; i++)
		if (m->first == SIZE_MAX ? catalog[i]->quick_suite : i >= m->first)
			names[n++] = catalog[i]->name;
	return n;
}

/*
 * The saved run of an interrupted suite loads, and holds every planned
 * experiment in order: those that ended, then at most the one the signal
 * stopped, then those never started.
 */
static void expect_partial_json(const char *path, const char **names, size_t n, const char *desc)
{
	struct run r;
	char err[512];
	run_init(&r);
	int e = run_load(path, &r, err, sizeof(err));
	ck_assert_msg(e == 0, "%s: the --json file does not load: %s", desc, err);
	ck_assert_msg(r.n_results == n, "%s: %zu experiments saved, %zu planned", desc, r.n_results,
		      n);
	int phase = 0; /* 0: ended ones, 1: the interrupted one seen, 2: not run */
	for (size_t i = 0; i < r.n_results; i++) {
		const struct exp_result *x = &r.results[i];
		enum outcome o = x->outcome;
		ck_assert_str_eq(x->name, names[i]);
		bool done = o == OUTCOME_OK || o == OUTCOME_SKIPPED;
		ck_assert_msg(done || o == OUTCOME_INTERRUPTED || o == OUTCOME_NOT_RUN,
			      "%s: %s ended %s: %s", desc, x->name, outcome_name(o),
			      exp_test_reason(x));
		ck_assert_msg(!(done && phase > 0) && !(o == OUTCOME_INTERRUPTED && phase > 0),
			      "%s: %s %s after the interruption", desc, x->name, outcome_name(o));
		if (o == OUTCOME_INTERRUPTED)
			phase = 1;
		else if (o == OUTCOME_NOT_RUN)
			phase = 2;
	}
	run_free(&r);
}

static void interrupt_once(const struct moment *m, int index)
{
	const char *names[64], *argv[64];
	size_t n_names = planned(m, names), argc = 0;
	struct run_dir d;
	char desc[256], out[400], err[400], says[64];

	run_dir_make(&d, "interrupt", index, 0700);
	snprintf(out, sizeof(out), "%s/stdout", d.dir);
	snprintf(err, sizeof(err), "%s/stderr", d.dir);
	if (m->first != SIZE_MAX) {
		argv[argc++] = "run";
		for (size_t i = 0; i < n_names; i++)
			argv[argc++] = names[i];
		argv[argc++] = "--full";
	}
	argv[argc++] = "--json";
	argv[argc++] = d.json;
	argv[argc] = NULL;
	snprintf(desc, sizeof(desc), "moment %d of seed %u: %s from %s, SIG%s to its %s %.3f s in",
		 index, ROBUST_SEED, m->first == SIZE_MAX ? "the quick suite" : "the full suite",
		 names[0], sigabbrev_np(m->sig), m->group ? "group" : "process",
		 (double)m->delay_ns / 1e9);

	char *before = inventory(d.tmp);
	const char *const env[] = { d.tmpdir_env, d.xdg_env, NULL };
	struct cli_spawn_opts o = { .extra_env = env, .own_group = true };
	pid_t pid = cli_spawn_with(&o, argv, out, err);
	bool ready = wait_for_handlers(pid);
	cli_sleep_ns(m->delay_ns);
	kill(m->group ? -pid : pid, m->sig);
	struct cli r;
	cli_wait(pid, PROMPT_NS, &r);
	r.out = cli_slurp(out);
	r.err = cli_slurp(err);
	expect_no_process(desc);

	ck_assert_msg(ready, "%s: ptlab did not catch SIGINT, SIGTERM and SIGHUP: %s", desc,
		      tail(r.err, 600));
	ck_assert_msg(!r.timed_out, "%s: still running %.0f s after the signal", desc,
		      (double)PROMPT_NS / 1e9);
	ck_assert_msg(r.code == 128 + m->sig && r.sig == 0, "%s: exit %d (signal %d): %s", desc,
		      r.code, r.sig, tail(r.err, 600));
	ck_assert_msg(strstr(r.out, "  def.unit") != NULL, "%s: no report on stdout: %s", desc,
		      tail(r.out, 600));
	snprintf(says, sizeof(says), "interrupted by SIG%s", sigabbrev_np(m->sig));
	ck_assert_msg(strstr(r.err, says) != NULL, "%s: stderr does not say \"%s\": %s", desc, says,
		      tail(r.err, 600));
	expect_partial_json(d.json, names, n_names, desc);

	unlink(out);
	unlink(err);
	char *left = left_behind(before, d.tmp);
	ck_assert_msg(*left == '\0', "%s: left behind: %s", desc, names_text(left));
	expect_clean_dir(&d, true, desc);
	free(left);
	free(before);
	cli_free(&r);
}

START_TEST(test_interrupts)
{
	struct moment m[MAX_MOMENTS];
	size_t n = moments(m);
	world_enter();
	for (size_t i = 0; i < n; i++)
		interrupt_once(&m[i], (int)i);
}
END_TEST

/*
 * Under nohup (SIGHUP ignored from the start) a hangup does not stop the
 * run, and SIGHUP stays ignored; SIGINT still does.
 */
START_TEST(test_nohup_ignores_hangup)
{
	struct run_dir d;
	char out[400], err[400];
	world_enter();
	run_dir_make(&d, "nohup", 0, 0700);
	snprintf(out, sizeof(out), "%s/stdout", d.dir);
	snprintf(err, sizeof(err), "%s/stderr", d.dir);
	const char *const env[] = { d.tmpdir_env, d.xdg_env, NULL };
	struct cli_spawn_opts o = { .extra_env = env, .own_group = true, .ignore_hup = true };
	pid_t pid = cli_spawn_with(&o, ARGS("run", "--full", "--json", d.json), out, err);
	bool ready = wait_for_caught(pid, SIGBIT(SIGINT) | SIGBIT(SIGTERM));
	kill(pid, SIGHUP);
	cli_sleep_ns(300000000);
	bool survived = !ended(pid);
	kill(pid, SIGINT);
	struct cli r;
	cli_wait(pid, PROMPT_NS, &r);
	r.out = cli_slurp(out);
	r.err = cli_slurp(err);
	expect_no_process("nohup");
	ck_assert_msg(ready, "ptlab did not catch SIGINT and SIGTERM: %s", tail(r.err, 600));
	ck_assert_msg(survived,
		      "SIGHUP stopped a run started with SIGHUP ignored: exit %d (signal %d): %s",
		      r.code, r.sig, tail(r.err, 600));
	ck_assert_msg(r.code == 128 + SIGINT, "exit %d (signal %d): %s", r.code, r.sig,
		      tail(r.err, 600));
	cli_free(&r);
}
END_TEST

/* ---- kill -9 and `ptlab clean` ---- */

/* A pid that was ours and is gone. */
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
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	close(fd);
}

/*
 * What `ptlab clean` must leave, whoever owns it (issue 13): System V
 * objects of the common ftok() keys, and one whose key looks like the
 * 0.1.0 ptlab keys (nibble 4, a dead pid); names in /dev/shm of the 0.1.0
 * form for a dead pid; the user's files and a folder in $TMPDIR named like
 * ptlab's; and a live run's registry with the file it recorded.
 */
struct decoys {
	int ftok_msg, ftok_shm, old_key_shm;
	char old_shm[128], live_file[400], live_registry[400];
	char user_files[3][400];
};

static void decoys_make(struct decoys *x, const struct run_dir *d)
{
	pid_t dead = dead_pid();
	/* IPC_EXCL: never someone's real object (outside our own IPC namespace). */
	const char *file = access("/etc/hostname", F_OK) == 0 ? "/etc/hostname" : "/";
	x->ftok_msg = x->ftok_shm = -1;
	for (int proj = 'A'; proj <= 'Z' && (x->ftok_msg < 0 || x->ftok_shm < 0); proj++) {
		key_t k = ftok(file, proj);
		ck_assert_int_ne(k, -1);
		if (x->ftok_msg < 0)
			x->ftok_msg = msgget(k, IPC_CREAT | IPC_EXCL | 0600);
		if (x->ftok_shm < 0)
			x->ftok_shm = shmget(k, 4096, IPC_CREAT | IPC_EXCL | 0600);
	}
	key_t old = (key_t)((0x4u << 28) | (((unsigned)dead & 0x3fffff) << 6) | 63);
	x->old_key_shm = shmget(old, 4096, IPC_CREAT | IPC_EXCL | 0600);
	ck_assert_msg(x->ftok_msg >= 0 && x->ftok_shm >= 0 && x->old_key_shm >= 0,
		      "System V decoys: %s", strerror(errno));
	snprintf(x->old_shm, sizeof(x->old_shm), "/dev/shm/" CLEANUP_PREFIX "%d.y", (int)dead);
	touch(x->old_shm);
	snprintf(x->user_files[0], sizeof(x->user_files[0]), "%s/ptlab.20261206.json", d->tmp);
	snprintf(x->user_files[1], sizeof(x->user_files[1]), "%s/ptlab.99999.notes.txt", d->tmp);
	snprintf(x->user_files[2], sizeof(x->user_files[2]), "%s/ptlab.%d.d", d->tmp, (int)dead);
	touch(x->user_files[0]);
	touch(x->user_files[1]);
	ck_assert_int_eq(mkdir(x->user_files[2], 0700), 0);

	/* A live run: this test process, with its true start time. */
	char start_line[1024], path[400];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)getpid());
	char *stat_text = cli_slurp(path);
	char *p = strrchr(stat_text, ')');
	ck_assert_ptr_nonnull(p);
	unsigned long long start = 0;
	p += 2;
	for (int field = 3; field <= 22 && p; field++) {
		start = strtoull(p, NULL, 10);
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	free(stat_text);
	struct stat ns;
	ck_assert_int_eq(stat("/proc/self/ns/pid", &ns), 0);
	mkdir(d->state, 0700);
	snprintf(x->live_file, sizeof(x->live_file), "%s/" CLEANUP_PREFIX "%d.aaaaaaaaaaaa.x",
		 d->tmp, (int)getpid());
	touch(x->live_file);
	snprintf(x->live_registry, sizeof(x->live_registry), "%s/%d.aaaaaaaaaaaa", d->state,
		 (int)getpid());
	snprintf(start_line, sizeof(start_line),
		 "ptlab-objects 1\nowner %d %llu %llu %llu %u %lld aaaaaaaaaaaa\npath %s\n",
		 (int)getpid(), start, (unsigned long long)ns.st_dev, (unsigned long long)ns.st_ino,
		 (unsigned)geteuid(), (long long)time(NULL), x->live_file);
	FILE *f = fopen(x->live_registry, "wx");
	ck_assert_ptr_nonnull(f);
	fputs(start_line, f);
	fclose(f);
}

/* After `ptlab clean`: every decoy is there; then the test removes them. */
static void decoys_check(struct decoys *x, const char *desc)
{
	struct msqid_ds mds;
	struct shmid_ds sds;
	ck_assert_msg(msgctl(x->ftok_msg, IPC_STAT, &mds) == 0,
		      "%s: clean removed a message queue of an ftok() key", desc);
	ck_assert_msg(shmctl(x->ftok_shm, IPC_STAT, &sds) == 0,
		      "%s: clean removed a segment of an ftok() key", desc);
	ck_assert_msg(shmctl(x->old_key_shm, IPC_STAT, &sds) == 0,
		      "%s: clean removed a segment whose key looks like 0.1.0's", desc);
	msgctl(x->ftok_msg, IPC_RMID, NULL);
	shmctl(x->ftok_shm, IPC_RMID, NULL);
	shmctl(x->old_key_shm, IPC_RMID, NULL);
	const char *keep[] = { x->old_shm,	 x->user_files[0], x->user_files[1],
			       x->user_files[2], x->live_file,	   x->live_registry };
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		ck_assert_msg(access(keep[i], F_OK) == 0, "%s: clean removed %s", desc, keep[i]);
		if (remove(keep[i]) != 0)
			ck_abort_msg("%s: cannot remove %s: %s", desc, keep[i], strerror(errno));
	}
}

/* Waits until the run has a named object of kind ("sysv_sem") that was not there before. */
static bool wait_for_object(const char *before, const char *tmp, const char *kind, pid_t pid)
{
	uint64_t end = clock_now_ns() + OBJECT_WAIT_NS;
	while (!ended(pid) && clock_now_ns() < end) {
		char *now = inventory(tmp);
		char *added = new_entries(before, now, false);
		bool seen = false;
		for (const char *p = added; *p && !seen; p += strlen(p) + 1)
			seen = strncmp(p, kind, strlen(kind)) == 0 && p[strlen(kind)] == ':';
		free(now);
		free(added);
		if (seen)
			return true;
		cli_sleep_ns(10000000);
	}
	return false;
}

struct kill_case {
	const char *const *args;
	const char *object; /* kill once the run has an object of this kind, else... */
	uint64_t delay_ns;  /* ...this long after ptlab catches the stop signals */
	const char *what;
};

static void kill_once(const struct kill_case *k, int index)
{
	struct run_dir d;
	struct decoys x;
	char desc[256], out[400], err[400];

	run_dir_make(&d, "kill", index, 0700);
	const char *const env[] = { d.tmpdir_env, d.xdg_env, NULL };
	struct cli_spawn_opts o = { .extra_env = env, .own_group = true };
	snprintf(out, sizeof(out), "%s/stdout", d.dir);
	snprintf(err, sizeof(err), "%s/stderr", d.dir);
	snprintf(desc, sizeof(desc), "kill %d (%s)", index, k->what);

	char *before = inventory(d.tmp);
	pid_t pid = cli_spawn_with(&o, k->args, out, err);
	bool ready = wait_for_handlers(pid);
	bool seen = true;
	if (k->object)
		seen = wait_for_object(before, d.tmp, k->object, pid);
	else
		cli_sleep_ns(k->delay_ns);
	kill(pid, SIGKILL);
	struct cli r;
	cli_wait(pid, CLEAN_LIMIT_NS, &r);
	int orphans = 0;
	bool clear = cli_reap_all(CHILDREN_END_NS, &orphans);
	if (!clear)
		cli_kill_my_children();
	r.out = cli_slurp(out);
	r.err = cli_slurp(err);
	unlink(out);
	unlink(err);
	ck_assert_msg(ready, "%s: ptlab did not start: %s", desc, tail(r.err, 600));
	ck_assert_msg(r.sig == SIGKILL, "%s: ended before the kill: exit %d (signal %d): %s", desc,
		      r.code, r.sig, tail(r.err, 600));
	ck_assert_msg(clear, "%s: %d orphans ended, some still run %.0f s after the kill", desc,
		      orphans, (double)CHILDREN_END_NS / 1e9);
	ck_assert_msg(seen, "%s: no %s object appeared: %s", desc, k->object, tail(r.err, 600));
	cli_free(&r);

	char *left = left_behind(before, d.tmp);
	if (k->object)
		ck_assert_msg(strstr(names_text(left), k->object) != NULL,
			      "%s: the killed run left no %s object to clean: %s", desc, k->object,
			      names_text(left));
	free(left);

	decoys_make(&x, &d);
	/* A dry run says what would go, and removes nothing. */
	char *dry_before = strdup(names_text(inventory_kept(d.tmp)));
	cli_run_with(&r, CLEAN_LIMIT_NS, &o, ARGS("clean", "--dry-run"));
	ck_assert_msg(r.code == 0 && strstr(r.out, "would remove") != NULL,
		      "%s: clean --dry-run: exit %d: %s%s", desc, r.code, r.out, r.err);
	ck_assert_msg(strstr(r.out, "is still running") != NULL,
		      "%s: clean --dry-run does not name the live run: %s", desc, r.out);
	cli_free(&r);
	ck_assert_msg(strcmp(dry_before, names_text(inventory_kept(d.tmp))) == 0,
		      "%s: clean --dry-run removed something", desc);
	free(dry_before);
	cli_run_with(&r, CLEAN_LIMIT_NS, &o, ARGS("clean"));
	ck_assert_msg(r.code == 0 && strstr(r.out, "removed") != NULL, "%s: clean: exit %d: %s%s",
		      desc, r.code, r.out, r.err);
	cli_free(&r);
	decoys_check(&x, desc);

	left = left_behind(before, d.tmp);
	for (const char *p = left; *p; p += strlen(p) + 1) {
		/* ptlab cannot list queues where /dev/mqueue is not mounted (cleanup.h). */
		if (strncmp(p, "mqueue:", 7) == 0 && !world.ptlab_sees_mq) {
			char name[300];
			note("%s: %s stays: ptlab cannot list POSIX queues without /dev/mqueue",
			     desc, p);
			snprintf(name, sizeof(name), "/%s", p + 7);
			mq_unlink(name);
			continue;
		}
		ck_assert_msg(false, "%s: left after clean: %s", desc, names_text(left));
	}
	expect_clean_dir(&d, false, desc);
	free(left);
	free(before);
}

START_TEST(test_kill_then_clean)
{
	struct rng rng;
	rng_seed(&rng, ROBUST_SEED);
	const struct kill_case kills[] = {
		{ ARGS("run", "sync", "--full"), "sysv_sem", 0,
		  "sync, once its System V semaphore exists" },
		{ ARGS("run", "ipc", "--full"), NULL, 500000000 + rng_below(&rng, 2000000000),
		  "ipc, amid its channels" },
		{ ARGS("run", "server", "--full"), NULL, 1500000000,
		  "server, with a server and its workers up" },
		{ ARGS("run", "memory", "--full"), NULL, 4000000000,
		  "memory, with thousands of idle units at their gate" },
	};
	world_enter();
	for (size_t i = 0; i < sizeof(kills) / sizeof(kills[0]); i++)
		kill_once(&kills[i], (int)i);
}
END_TEST

/* ---- output files, as root ---- */

/* The kind of file at path (lstat), or 0 when there is none. */
static mode_t kind_of(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0;
}

/* Runs ptlab with args in d's world; the result in *r (cli_free() it). */
static void run_in(const struct run_dir *d, struct cli *r, const char *const *args)
{
	const char *const env[] = { d->tmpdir_env, d->xdg_env, NULL };
	struct cli_spawn_opts o = { .extra_env = env };
	cli_run_with(r, RUN_LIMIT_NS, &o, args);
}

/* ptlab with args ends with code, and says `says` (NULL: anything) on stderr. */
static void expect_run(const struct run_dir *d, const char *const *args, int code, const char *says,
		       const char *desc)
{
	struct cli r;
	run_in(d, &r, args);
	ck_assert_msg(r.code == code && !r.timed_out, "%s: exit %d, not %d: %s", desc, r.code, code,
		      tail(r.err, 600));
	ck_assert_msg(!says || strstr(r.err, says), "%s: stderr does not say \"%s\": %s", desc,
		      says, tail(r.err, 600));
	cli_free(&r);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* A planted link that would lead root to victim: the victim must stay as it was. */
static void expect_victim_intact(const char *victim, const char *desc)
{
	char *text = cli_slurp(victim);
	ck_assert_msg(strcmp(text, "secret\n") == 0, "%s: %s was overwritten: %.60s", desc, victim,
		      text);
	free(text);
}

/*
 * Every report file, as root (issue 13): a device node stays a device (a
 * character device or a FIFO is written into; a block device refused), a
 * symbolic link planted by another user or at the temporary file's old
 * name is never followed, "-" and /dev/stdout mean stdout, a long name is
 * saved or refused up front, /proc is refused, a full device says no space,
 * a replaced file keeps its mode and owner, and no temporary file is left.
 */
START_TEST(test_outputs)
{
	struct run_dir d;
	char run[400], victim[400], p[1000], out[400], err[400];
	world_enter();
	run_dir_make(&d, "outputs", 0, 0700);
	snprintf(run, sizeof(run), "%s/saved.json", d.dir);
	snprintf(victim, sizeof(victim), "%s/victim", d.dir);
	write_text(victim, "secret\n", 0600);
	expect_run(&d, ARGS("run", "crash", "--json", run), 0, NULL, "a saved run");

	bool root = geteuid() == 0;
	if (root) {
		snprintf(p, sizeof(p), "%s/null", d.dir);
		ck_assert_int_eq(mknod(p, S_IFCHR | 0666, makedev(1, 3)), 0);
		expect_run(&d,
			   ARGS("report", run, "--json", p, "--csv", p, "--html", p,
				"--openmetrics", p),
			   0, NULL, "a null device");
		ck_assert_msg(kind_of(p) == S_IFCHR, "the null device was replaced");
		snprintf(p, sizeof(p), "%s/full", d.dir);
		ck_assert_int_eq(mknod(p, S_IFCHR | 0666, makedev(1, 7)), 0);
		expect_run(&d, ARGS("report", run, "--csv", p), 1, strerror(ENOSPC),
			   "a full device");
		ck_assert_msg(kind_of(p) == S_IFCHR, "the full device was replaced");
		snprintf(p, sizeof(p), "%s/block", d.dir);
		ck_assert_int_eq(mknod(p, S_IFBLK | 0600, makedev(7, 0)), 0);
		expect_run(&d, ARGS("report", run, "--json", p), 2, "block device",
			   "a block device");
		ck_assert_msg(kind_of(p) == S_IFBLK, "the block device was replaced");

		/* A link of another user's, to a file of root's. */
		snprintf(p, sizeof(p), "%s/planted.json", d.dir);
		ck_assert_int_eq(symlink(victim, p), 0);
		ck_assert_int_eq(lchown(p, 65534, 65534), 0);
		expect_run(&d, ARGS("report", run, "--json", p), 2, "another user",
			   "a link of another user's");
		expect_victim_intact(victim, "a link of another user's");
		ck_assert_int_eq(kind_of(p), S_IFLNK);

		/* A file replaced as root keeps its mode and owner. */
		snprintf(p, sizeof(p), "%s/theirs.csv", d.dir);
		write_text(p, "old\n", 0640);
		ck_assert_int_eq(chown(p, 65534, 65534), 0);
		expect_run(&d, ARGS("report", run, "--csv", p), 0, NULL,
			   "a file of another user's");
		struct stat st;
		ck_assert_int_eq(stat(p, &st), 0);
		ck_assert_msg((st.st_mode & 07777) == 0640 && st.st_uid == 65534 &&
				      st.st_gid == 65534,
			      "the replaced file is now mode %o, %d:%d", st.st_mode & 07777,
			      (int)st.st_uid, (int)st.st_gid);
	} else {
		note("not root: device nodes and links of other users are not tried");
	}

	/* A link of one's own to a file is refused too: the replacement is atomic. */
	snprintf(p, sizeof(p), "%s/mine.json", d.dir);
	ck_assert_int_eq(symlink(victim, p), 0);
	expect_run(&d, ARGS("report", run, "--json", p), 2, "symbolic link", "a link to a file");
	expect_victim_intact(victim, "a link to a file");

	/* A link of one's own to a link: no chain of links is followed. */
	char second[1000];
	snprintf(second, sizeof(second), "%s/second", d.dir);
	snprintf(p, sizeof(p), "%s/chain.json", d.dir);
	ck_assert_int_eq(symlink(victim, second), 0);
	ck_assert_int_eq(symlink(second, p), 0);
	expect_run(&d, ARGS("report", run, "--json", p), 2, "another link", "a chain of links");
	expect_victim_intact(victim, "a chain of links");

	/* The old temporary name, planted as a link while the run goes on. */
	snprintf(p, sizeof(p), "%s/out.json", d.dir);
	snprintf(out, sizeof(out), "%s/stdout", d.dir);
	snprintf(err, sizeof(err), "%s/stderr", d.dir);
	const char *const env[] = { d.tmpdir_env, d.xdg_env, NULL };
	struct cli_spawn_opts o = { .extra_env = env };
	pid_t pid = cli_spawn_with(&o, ARGS("run", "crash", "--json", p), out, err);
	char planted[1100];
	snprintf(planted, sizeof(planted), "%s.tmp.%d", p, (int)pid);
	ck_assert_int_eq(symlink(victim, planted), 0);
	struct cli r;
	cli_wait(pid, RUN_LIMIT_NS, &r);
	r.out = cli_slurp(out);
	r.err = cli_slurp(err);
	ck_assert_msg(r.code == 0, "a planted temporary name: exit %d: %s", r.code,
		      tail(r.err, 400));
	cli_free(&r);
	expect_victim_intact(victim, "a planted temporary name");
	struct run back;
	char why[512];
	run_init(&back);
	ck_assert_msg(run_load(p, &back, why, sizeof(why)) == 0, "%s", why);
	run_free(&back);
	unlink(planted);
	unlink(out);
	unlink(err);

	/* "-" and /dev/stdout: the JSON on stdout, instead of the text report. */
	static const char *const to_stdout[] = { "-", "/dev/stdout" };
	for (size_t i = 0; i < 2; i++) {
		char path[400];
		run_in(&d, &r, ARGS("report", run, "--json", to_stdout[i]));
		ck_assert_msg(r.code == 0 && r.out[0] == '{' && !strstr(r.out, "  def.unit"),
			      "--json %s: exit %d: %.80s", to_stdout[i], r.code, r.out);
		snprintf(path, sizeof(path), "%s/stdout.json", d.dir);
		FILE *f = fopen(path, "w");
		fputs(r.out, f);
		fclose(f);
		run_init(&back);
		ck_assert_msg(run_load(path, &back, why, sizeof(why)) == 0, "--json %s: %s",
			      to_stdout[i], why);
		run_free(&back);
		unlink(path);
		cli_free(&r);
	}
	ck_assert_int_eq(kind_of("/dev/stdout"), S_IFLNK);
	expect_run(&d, ARGS("report", run, "--json", "-", "--csv", "/dev/stdout"), 2,
		   "standard output", "two files to stdout");

	/* A FIFO with a reader gets the file; a folder and /proc are refused. */
	snprintf(p, sizeof(p), "%s/fifo", d.dir);
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	int rd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC); /* the reader, there first */
	ck_assert_int_ge(rd, 0);
	expect_run(&d, ARGS("report", run, "--csv", p), 0, NULL, "a FIFO");
	char csv[32] = "";
	ck_assert_int_gt(read(rd, csv, sizeof(csv) - 1), 0);
	close(rd);
	ck_assert_msg(strncmp(csv, "experiment,", 11) == 0, "the FIFO carried: %.20s", csv);
	ck_assert_int_eq(kind_of(p), S_IFIFO);
	/* Without a reader: the FIFO is not waited on for ever. */
	expect_run(&d, ARGS("report", run, "--csv", p), 1, "no process reads", "a FIFO unread");
	expect_run(&d, ARGS("report", run, "--json", d.tmp), 2, strerror(EISDIR), "a folder");
	expect_run(&d, ARGS("run", "crash", "--json", "/proc/version"), 2, "/proc", "/proc");

	/* 253 characters fit NAME_MAX with the temporary file's name; 256 do not. */
	char name[300];
	memset(name, 'a', 253);
	name[253] = '\0';
	snprintf(p, sizeof(p), "%s/%s", d.dir, name);
	expect_run(&d, ARGS("run", "crash", "--json", p), 0, NULL, "a 253-character name");
	ck_assert_int_eq(kind_of(p), S_IFREG);
	unlink(p);
	memset(name, 'b', 256);
	name[256] = '\0';
	snprintf(p, sizeof(p), "%s/%s", d.dir, name);
	expect_run(&d, ARGS("run", "crash", "--json", p), 2, strerror(ENAMETOOLONG),
		   "a 256-character name");

	/* A file needs two descriptors (its folder, the temporary file): said before the run. */
	snprintf(p, sizeof(p), "%s/few.json", d.dir);
	const struct cli_rlimit four = { RLIMIT_NOFILE, 4 };
	struct cli_spawn_opts lo = { .extra_env = env, .limits = &four, .n_limits = 1 };
	cli_run_with(&r, RUN_LIMIT_NS, &lo, ARGS("run", "crash", "--json", p));
	ck_assert_msg(r.code == 2 && strstr(r.err, "ulimit -n"),
		      "--json under ulimit -n 4: exit %d: %s", r.code, tail(r.err, 400));
	cli_free(&r);

	/* No temporary file is left anywhere, and no registry. */
	char *names = cli_dir_names(d.dir, NULL);
	for (const char *q = names; *q; q += strlen(q) + 1)
		ck_assert_msg(strncmp(q, ".ptlab-", 7) != 0 && !strstr(q, ".tmp."),
			      "a temporary file is left: %s", q);
	free(names);
	expect_no_process("outputs");
}
END_TEST

/* ---- `ptlab clean` from another pid namespace ---- */

/*
 * A container started with --ipc=host shares the IPC namespace but not the
 * pid namespace: from there a live run's owner looks dead. `ptlab clean`
 * run in a new pid namespace must leave the live run's System V semaphore
 * alone and say why, and the run must end as if nothing happened.
 */
START_TEST(test_clean_other_pid_namespace)
{
	struct run_dir d;
	char out[400], err[400];
	world_enter();
	if (geteuid() != 0) {
		note("not root: no pid namespace of its own for `ptlab clean`");
		return;
	}
	run_dir_make(&d, "pidns", 0, 0700);
	snprintf(out, sizeof(out), "%s/stdout", d.dir);
	snprintf(err, sizeof(err), "%s/stderr", d.dir);
	const char *const env[] = { d.tmpdir_env, d.xdg_env, NULL };
	struct cli_spawn_opts o = { .extra_env = env, .own_group = true };
	char *before = inventory(d.tmp);
	pid_t pid = cli_spawn_with(&o, ARGS("run", "sync", "--full", "--json", d.json), out, err);
	bool ready = wait_for_handlers(pid);
	bool seen = wait_for_object(before, d.tmp, "sysv_sem", pid);
	char *held = strdup(names_text(inventory_kept(d.tmp)));

	/* The clean's process is the first of a new pid namespace (cli_spawn wants its parent). */
	char clean_out[400];
	snprintf(clean_out, sizeof(clean_out), "%s/clean-out", d.dir);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		if (unshare(CLONE_NEWPID) != 0)
			_exit(3);
		pid_t g = fork();
		if (g == 0) {
			int fd = open(clean_out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
				_exit(126);
			putenv(d.tmpdir_env);
			putenv(d.xdg_env);
			setenv("LC_ALL", "C", 1);
			unsetenv("LANGUAGE");
			execl(cli_bin(), "ptlab", "clean", (char *)NULL);
			_exit(127);
		}
		int st;
		if (g < 0 || waitpid(g, &st, 0) != g)
			_exit(4);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 100);
	}
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	char *said = cli_slurp(clean_out);
	unlink(clean_out);
	bool kept = strcmp(held, names_text(inventory_kept(d.tmp))) == 0;
	kill(pid, SIGINT);
	struct cli r;
	cli_wait(pid, PROMPT_NS, &r);
	r.out = cli_slurp(out);
	r.err = cli_slurp(err);
	expect_no_process("pidns");
	ck_assert_msg(ready && seen, "the run did not get to its semaphore: %s", tail(r.err, 400));
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "clean in another pid namespace: status %d (3: no namespace): %s",
		      WIFEXITED(status) ? WEXITSTATUS(status) : -1, said);
	ck_assert_msg(strstr(said, "another pid namespace") || strstr(said, "/proc here"),
		      "clean in another pid namespace does not say why it left the run alone: %s",
		      said);
	free(said);
	ck_assert_msg(kept, "clean in another pid namespace removed the live run's objects");
	ck_assert_msg(r.code == 128 + SIGINT, "the run: exit %d: %s", r.code, tail(r.err, 400));
	struct run run;
	char why[512];
	run_init(&run);
	ck_assert_msg(run_load(d.json, &run, why, sizeof(why)) == 0, "%s", why);
	for (size_t i = 0; i < run.n_results; i++)
		for (size_t k = 0; k < run.results[i].n_skips; k++) {
			const char *reason =
				exp_test_said(&run.results[i], &run.results[i].skips[k].reason);
			ck_assert_msg(!strstr(reason, strerror(EINVAL)) &&
					      !strstr(reason, strerror(EIDRM)),
				      "the run lost its semaphore: %s skipped: %s",
				      run.results[i].skips[k].what, reason);
		}
	run_free(&run);
	unlink(out);
	unlink(err);
	free(held);
	free(before);
	cli_free(&r);
	expect_clean_dir(&d, true, "pidns");
}
END_TEST

/* ---- resource limits ---- */

/* Arguments that keep each limited run short. */
#define SMALL_IPC                                                                                  \
	"--set", "ipc.lat_sizes=64", "--set", "ipc.bw_sizes=4KiB", "--set", "ipc.samples=3",       \
		"--set", "ipc.max_samples=5", "--set", "ipc.budget=5ms"
#define SMALL_CREATE                                                                               \
	"--set", "create.budget=10ms", "--set", "create.samples=3", "--set",                       \
		"create.max_samples=6", "--set", "create.rounds=1"

struct limit_case {
	const char *name; /* as a shell would set it */
	const char *const *args;
	struct cli_rlimit limit; /* resource -1: none */
	bool as_nobody;		 /* RLIMIT_NPROC does not bind root */
	const char *sysctl;	 /* written in a new IPC namespace, "path=value" */
	const char *named;	 /* what the reason of every affected measurement names */
	int bare[2];		 /* errnos whose bare strerror() no reason may be (0: none) */
	bool whole;		 /* every experiment skipped: no metric */
};

/* Every reason of the run: the experiments' and their skips'. Checks them; returns metrics. */
static size_t expect_reasons(const struct run *r, const struct limit_case *c, const char *desc)
{
	size_t metrics = 0, naming = 0;
	for (size_t i = 0; i < r->n_results; i++) {
		const struct exp_result *x = &r->results[i];
		ck_assert_msg(x->outcome == OUTCOME_OK || x->outcome == OUTCOME_SKIPPED,
			      "%s: %s ended %s: %s", desc, x->name, outcome_name(x->outcome),
			      exp_test_reason(x));
		metrics += x->n_metrics;
		for (size_t k = 0; k <= x->n_skips; k++) {
			const char *why =
				exp_test_said(x, k < x->n_skips ? &x->skips[k].reason : &x->reason);
			const char *what = k < x->n_skips ? x->skips[k].what : x->name;
			if (!why)
				continue;
			naming += strstr(why, c->named) != NULL;
			/* An errno's text at the end of a reason: the limit went unnamed. */
			for (size_t e = 0; e < 2; e++) {
				const char *bare = c->bare[e] ? strerror(c->bare[e]) : NULL;
				const char *at = bare ? strstr(why, bare) : NULL;
				ck_assert_msg(!at || at[strlen(bare)] != '\0',
					      "%s: %s skipped for \"%s\", which names no limit",
					      desc, what, why);
			}
		}
	}
	ck_assert_msg(naming > 0, "%s: no skip names %s", desc, c->named);
	return metrics;
}

/* Whether user pw can run the binary and write into dir; false with a note when not. */
static bool reachable_by(const struct passwd *pw, const char *bin, const char *dir,
			 const char *name)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
			_exit(2);
		_exit(access(bin, X_OK) == 0 && access(dir, W_OK | X_OK) == 0 ? 0 : 1);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	note("%s skipped: user %s cannot %s %s or write into %s", name, pw->pw_name,
	     WIFEXITED(status) && WEXITSTATUS(status) == 2 ? "become itself to run" : "run", bin,
	     dir);
	return false;
}

static void limit_once(const struct limit_case *c, int index)
{
	struct run_dir d;
	char desc[256], path[128];
	const char *argv[64];
	size_t argc = 0;
	struct cli_sysctl sysctl;
	struct passwd *pw = NULL;

	snprintf(desc, sizeof(desc), "limit %d (%s)", index, c->name);
	if (c->as_nobody && geteuid() != 0) {
		note("%s skipped: RLIMIT_NPROC binds a user's processes together; only root can "
		     "run ptlab as a user (nobody) with no others",
		     c->name);
		return;
	}
	if (c->sysctl && geteuid() != 0) {
		note("%s skipped: a System V limit is system-wide; only root can set one in an IPC "
		     "namespace of the run's own",
		     c->name);
		return;
	}
#ifdef __SANITIZE_ADDRESS__
	if (c->limit.resource == RLIMIT_AS) {
		note("%s skipped: AddressSanitizer reserves terabytes of address space for its "
		     "shadow, so the binary cannot start under a small RLIMIT_AS",
		     c->name);
		return;
	}
#endif
	run_dir_make(&d, "limit", index, c->as_nobody ? 0777 : 0700);
	if (c->as_nobody) {
		pw = getpwnam("nobody");
		if (!pw) {
			note("%s skipped: no user nobody", c->name);
			return;
		}
		ck_assert_int_eq(chmod(cli_case_dir, 0711), 0);
		if (!reachable_by(pw, cli_bin(), d.tmp, c->name))
			return;
	}
	for (const char *const *a = c->args; *a; a++)
		argv[argc++] = *a;
	argv[argc++] = "--json";
	argv[argc++] = d.json;
	argv[argc] = NULL;
	const char *env[] = { d.tmpdir_env, d.xdg_env, NULL, NULL };
#ifdef __SANITIZE_ADDRESS__
	/* LeakSanitizer stops the world at exit from a task of its own: ulimit -u 1 leaves none. */
	char asan_env[512];
	if (c->limit.resource == RLIMIT_NPROC && c->limit.value < 2) {
		const char *now = getenv("ASAN_OPTIONS");
		snprintf(asan_env, sizeof(asan_env), "ASAN_OPTIONS=%s%sdetect_leaks=0",
			 now ? now : "", now && *now ? ":" : "");
		env[2] = asan_env;
	}
#endif
	struct cli_spawn_opts o = { .extra_env = env,
				    .limits = &c->limit,
				    .n_limits = c->limit.resource >= 0 };
	if (pw) {
		o.as_user = true;
		o.uid = pw->pw_uid;
		o.gid = pw->pw_gid;
	}
	if (c->sysctl) {
		const char *eq = strchr(c->sysctl, '=');
		snprintf(path, sizeof(path), "%.*s", (int)(eq - c->sysctl), c->sysctl);
		sysctl = (struct cli_sysctl){ path, eq + 1 };
		o.new_ipc = true;
		o.sysctls = &sysctl;
		o.n_sysctls = 1;
	}

	char *before = inventory(d.tmp);
	struct cli r;
	cli_run_with(&r, RUN_LIMIT_NS, &o, argv);
	expect_no_process(desc);
	ck_assert_msg(!r.timed_out && r.code == 0, "%s: exit %d (signal %d)%s: %s", desc, r.code,
		      r.sig, r.timed_out ? ", timed out" : "", tail(r.err, 800));

	struct run run;
	char err[512];
	run_init(&run);
	ck_assert_msg(run_load(d.json, &run, err, sizeof(err)) == 0, "%s: %s", desc, err);
	size_t metrics = expect_reasons(&run, c, desc);
	ck_assert_msg(c->whole ? metrics == 0 : metrics > 0, "%s: %zu metrics measured", desc,
		      metrics);
	run_free(&run);

	char *left = left_behind(before, d.tmp);
	ck_assert_msg(*left == '\0', "%s: left behind: %s", desc, names_text(left));
	expect_clean_dir(&d, true, desc);
	free(left);
	free(before);
	cli_free(&r);
}

START_TEST(test_limits)
{
	const struct limit_case cases[] = {
		{ "ulimit -n 6",
		  ARGS("run", "ipc", SMALL_IPC),
		  { RLIMIT_NOFILE, 6 },
		  false,
		  NULL,
		  "ulimit -n",
		  { EMFILE, 0 },
		  false },
		{ "ulimit -n 5",
		  ARGS("run", "create", SMALL_CREATE),
		  { RLIMIT_NOFILE, 5 },
		  false,
		  NULL,
		  "ulimit -n",
		  { EMFILE, 0 },
		  true },
		{ "ulimit -n 8",
		  ARGS("run", "server", "switch", "--set", "server.duration=100ms", "--set",
		       "server.poisons=1", "--set", "server.window=100ms", "--set", "switch.wset=0",
		       "--set", "switch.samples=3", "--set", "switch.max_samples=5", "--set",
		       "switch.budget=5ms", "--set", "switch.rounds=1", "--set",
		       "switch.alloc_switches=1000"),
		  { RLIMIT_NOFILE, 8 },
		  false,
		  NULL,
		  "ulimit -n",
		  { EMFILE, 0 },
		  false },
		{ "ulimit -u 4",
		  ARGS("run", "create", "memory", SMALL_CREATE, "--set", "create.extra=1MiB",
		       "--set", "memory.units=1,10", "--set", "memory.repeats=3"),
		  { RLIMIT_NPROC, 4 },
		  true,
		  NULL,
		  "ulimit -u",
		  { EAGAIN, 0 },
		  false },
		{ "ulimit -u 1",
		  ARGS("run", "create", SMALL_CREATE),
		  { RLIMIT_NPROC, 1 },
		  true,
		  NULL,
		  "ulimit -u",
		  { EAGAIN, 0 },
		  true },
		{ "ulimit -v 256MiB",
		  ARGS("run", "create", "memory", SMALL_CREATE, "--set", "create.extra=1MiB,1GiB",
		       "--set", "memory.units=1,100", "--set", "memory.repeats=3"),
		  { RLIMIT_AS, 256u << 20 },
		  false,
		  NULL,
		  "ulimit -v",
		  { ENOMEM, EAGAIN },
		  false },
		{ "ulimit -q 0",
		  ARGS("run", "ipc", SMALL_IPC),
		  { RLIMIT_MSGQUEUE, 0 },
		  false,
		  NULL,
		  "ulimit -q",
		  { EMFILE, 0 },
		  false },
		{ "kernel.msgmni 0",
		  ARGS("run", "ipc", SMALL_IPC),
		  { -1, 0 },
		  false,
		  "/proc/sys/kernel/msgmni=0",
		  "kernel.msgmni",
		  { ENOSPC, 0 },
		  false },
	};
	world_enter();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		limit_once(&cases[i], (int)i);
}
END_TEST

static void case_setup(void)
{
	cli_case_make("robust");
}

static void case_teardown(void)
{
	cli_case_remove();
}

Suite *robust_suite(void)
{
	Suite *s = suite_create("robust");
	TCase *tc = tcase_create("interrupt, kill, limits");
	tcase_add_unchecked_fixture(tc, case_setup, case_teardown);
	tcase_set_timeout(tc, 300); /* a bound for sanitizer builds: it runs in about 30 s */
	tcase_add_test(tc, test_interrupts);
	tcase_add_test(tc, test_nohup_ignores_hangup);
	tcase_add_test(tc, test_kill_then_clean);
	tcase_add_test(tc, test_outputs);
	tcase_add_test(tc, test_clean_other_pid_namespace);
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	return s;
}
