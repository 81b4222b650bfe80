// SPDX-License-Identifier: MIT
/*
 * create: what it costs to create a unit and see it finish.
 *
 * Every method is one operation timed by the sampler: start a unit that
 * does nothing and wait until it is gone. fork + _exit + waitpid; vfork +
 * _exit; posix_spawn and fork + execve of a program that exits at once
 * (the exec target, below); clone(CLONE_VM | SIGCHLD), a
 * process that shares its parent's memory; raw clone with the flags
 * pthreads uses; and pthread_create + pthread_join. The figures include
 * the end of the unit and the wake-up of the waiting parent: a unit that
 * was created but never reaped is not a fair cost.
 *
 * Then fork, vfork, posix_spawn and pthread_create again while the parent
 * holds more and more touched memory. fork copies the parent's page
 * tables (and marks every page copy-on-write), so its cost grows with the
 * parent's resident memory; vfork and posix_spawn (CLONE_VM | CLONE_VFORK
 * in glibc) and pthread_create share the address space and stay flat. The
 * memory is mapped with MADV_NOHUGEPAGE unless `hugepages` is on: with 2
 * MiB pages there are 512 times fewer entries to copy and the slope all but
 * vanishes, which is a finding of its own. Which advice the kernel took is
 * recorded as the observation thp_used: "nohugepage", "hugepage", or
 * "default" when madvise() was refused (a kernel without transparent huge
 * pages) and the system's mode applied.
 *
 * Each figure records the parent's resident memory (parent_rss_bytes)
 * read once, when its size is first held: the extra memory plus ptlab's
 * own footprint (about 2 MiB, grown a little by the first round of
 * creations: glibc keeps the stacks of finished threads).
 *
 * The exec target: posix_spawn and fork_exec execute ptlab-exec-target,
 * a program built with ptlab that exits at once, linked statically where
 * the C library allows (src/exec_target.c), as lmbench's lat_proc execs
 * a small program: the figures are the creation and the exec, not a big
 * program's loading. It is looked for beside the running ptlab, under
 * build/ beside it (the repository's ./ptlab is a hard link to
 * build/ptlab), then in the libexec folder `make install` fills. A file
 * found there is executed only if it is ours: a regular file owned by
 * root or by this user that no one else can write; otherwise, or when
 * there is none, both figures are skipped with the reason. fork_exec_self
 * is fork + execve of ptlab itself with PTLAB_EXEC_PROBE: it exits first
 * thing in main() but still has the dynamic loader map glibc, jansson and
 * libm, as a real program would. The observation exec_target names the
 * file executed, its size and how it is linked.
 *
 * Placement: with `pin` on (the default) the experiment process, and so
 * every child it makes, runs on the first CPU of --cpus; parent and child
 * then hand over on one CPU, as they do on a loaded machine. With it off,
 * the scheduler may wake the child on another CPU, which in a virtual
 * machine adds an inter-processor interrupt to every creation.
 */
#include <elf.h>
/* elf.h counts ELF versions in EV_NUM; core/evidence.h has a value of its own by that name. */
#undef EV_NUM
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/futex.h>
#include <pthread.h>

#include "runner/experiment.h"
#include "core/limit.h"
#include "core/procfs.h"
#include "core/unit.h"
#include "core/units.h"
#include "util/i18n.h"

extern char **environ;

struct create_params {
	struct param_list extra; /* parent memory sizes for the sweep */
	int64_t hugepages;
	int64_t pin;
	int64_t samples; /* at least this many samples per metric */
	int64_t max_samples;
	int64_t budget_ns; /* time per metric */
	int64_t rounds;	   /* the budget is spent in this many rounds over all sizes */
};

#define CLONE_STACK_BYTES (64 * 1024)

struct create_ctx;

/* Creates one unit that does nothing and waits until it is gone. Returns 0 or -errno. */
typedef int (*create_once)(struct create_ctx *c);

/* The exec target's file name, and where `make install` puts it. */
#define EXEC_TARGET_NAME "ptlab-exec-target"
#ifndef PTLAB_LIBEXECDIR
#define PTLAB_LIBEXECDIR "/usr/local/libexec/ptlab"
#endif

struct create_ctx {
	const char *exe;	/* ptlab itself, for fork_exec_self; may be NULL */
	const char *target;	/* the exec target, or NULL: target_why says why */
	char exe_dir[PATH_MAX]; /* the folder of exe, with its slash; target_why names it */
	char target_path[PATH_MAX];
	struct ev_note target_why;
	char *stack_top;  /* for the raw clone methods */
	create_once once; /* the method being measured */
	bool thp_seen;	  /* thp_used is recorded */
};

/*
 * A child that did not end cleanly, as an error code: -ENOEXEC when the
 * exec failed (status 127, what the fork+exec child returns then),
 * -EPROTO for any other status or a signal.
 */
#define CHILD_EXEC_FAILED (-ENOEXEC)
#define CHILD_UNCLEAN (-EPROTO)

/* Waits for pid and checks that it exited with 0. */
static int reap_ok(pid_t pid)
{
	int status;
	if (pid < 0)
		return -errno;
	while (waitpid(pid, &status, __WALL) < 0)
		if (errno != EINTR)
			return -errno;
	struct unit_end end;
	unit_decode_status(status, &end);
	if (!end.signalled && end.code == 0)
		return 0;
	return !end.signalled && end.code == 127 ? CHILD_EXEC_FAILED : CHILD_UNCLEAN;
}

/* The one timed loop: every method runs through it. */
static int op_create(void *p, uint64_t n, uint64_t *elapsed)
{
	struct create_ctx *c = p;
	(void)elapsed;
	for (uint64_t i = 0; i < n; i++) {
		int err = c->once(c);
		if (err)
			return err;
	}
	return 0;
}

static int once_fork(struct create_ctx *c)
{
	(void)c;
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	return reap_ok(pid);
}

/*
 * vfork in a frame of its own: the child borrows this stack until it
 * exits, so nothing of the caller's may live in the frame it returns
 * through.
 */
static pid_t __attribute__((noinline)) vfork_and_exit(void)
{
	pid_t pid = vfork();
	if (pid == 0)
		_exit(0);
	return pid;
}

static int once_vfork(struct create_ctx *c)
{
	(void)c;
	return reap_ok(vfork_and_exit());
}

static int once_posix_spawn(struct create_ctx *c)
{
	char *argv[] = { (char *)c->target, NULL };
	pid_t pid;
	int err = posix_spawn(&pid, c->target, NULL, NULL, argv, environ);
	return err ? -err : reap_ok(pid);
}

/* fork, execve(path, argv) in the child, wait. */
static int fork_exec(const char *path, char *const argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		execve(path, argv, environ);
		_exit(127);
	}
	return reap_ok(pid);
}

static int once_fork_exec(struct create_ctx *c)
{
	char *argv[] = { (char *)c->target, NULL };
	return fork_exec(c->target, argv);
}

static int once_fork_exec_self(struct create_ctx *c)
{
	char *argv[] = { (char *)c->exe, (char *)PTLAB_EXEC_PROBE, NULL };
	return fork_exec(c->exe, argv);
}

/* The body of a raw clone child: nothing, and no libc state touched. */
static int clone_body(void *arg)
{
	(void)arg;
	return 0;
}

/* A process that shares its parent's memory: fork without the copy. */
static int once_clone_vm(struct create_ctx *c)
{
	return reap_ok(clone(clone_body, c->stack_top, CLONE_VM | SIGCHLD, NULL));
}

/*
 * A thread as pthreads makes one, minus the library: the kernel writes the
 * new tid into `tid` and clears it (with a futex wake) when the thread
 * exits, which is how pthread_join waits.
 */
static int once_clone_thread(struct create_ctx *c)
{
	const int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			  CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
	pid_t tid = 0, seen;
	if (clone(clone_body, c->stack_top, flags, NULL, &tid, NULL, &tid) < 0)
		return -errno;
	while ((seen = __atomic_load_n(&tid, __ATOMIC_ACQUIRE)) != 0)
		unit_futex(&tid, FUTEX_WAIT, (uint32_t)seen, NULL);
	return 0;
}

static void *thread_body(void *arg)
{
	return arg;
}

static int once_pthread(struct create_ctx *c)
{
	pthread_t t;
	(void)c;
	int err = pthread_create(&t, NULL, thread_body, NULL);
	if (err)
		return -err;
	pthread_join(t, NULL);
	return 0;
}

/* The program a method executes, if any. */
enum exec_prog {
	PROG_NONE,
	PROG_TARGET,
	PROG_SELF
};

struct method {
	const char *name;
	create_once once;
	enum unit_type kind; /* what the method creates */
	enum exec_prog prog;
	bool in_sweep; /* measured again at each parent size */
};

static const struct method methods[] = {
	{ "fork", once_fork, UNIT_PROCESS, PROG_NONE, true },
	{ "vfork", once_vfork, UNIT_PROCESS, PROG_NONE, true },
	{ "posix_spawn", once_posix_spawn, UNIT_PROCESS, PROG_TARGET, true },
	{ "fork_exec", once_fork_exec, UNIT_PROCESS, PROG_TARGET, false },
	{ "fork_exec_self", once_fork_exec_self, UNIT_PROCESS, PROG_SELF, false },
	{ "clone_vm", once_clone_vm, UNIT_PROCESS, PROG_NONE, false },
	{ "clone_thread", once_clone_thread, UNIT_THREAD, PROG_NONE, false },
	{ "pthread_create", once_pthread, UNIT_THREAD, PROG_NONE, true },
};

/* The program m executes: NULL when it executes none or has none. */
static const char *method_prog(const struct create_ctx *c, const struct method *m)
{
	return m->prog == PROG_TARGET ? c->target : m->prog == PROG_SELF ? c->exe : NULL;
}

/*
 * Whether the file at path may be executed as ours: a regular file,
 * executable, owned by root or by this user, and writable by no one else.
 * 0, or a negative errno (-ENOENT when there is none).
 */
static int target_trusted(const char *path, struct stat *st)
{
	if (stat(path, st) != 0)
		return -errno;
	if (!S_ISREG(st->st_mode) || !(st->st_mode & S_IXUSR))
		return -EACCES;
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return -EPERM;
	return st->st_mode & (S_IWGRP | S_IWOTH) ? -EPERM : 0;
}

/* Whether the ELF file at path names no program interpreter (a static executable). */
static bool elf_static(const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	bool interp = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64) {
		close(fd);
		return false;
	}
	for (unsigned i = 0; i < eh.e_phnum && !interp; i++)
		interp = pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * eh.e_phentsize)) ==
				 (ssize_t)sizeof(ph) &&
			 ph.p_type == PT_INTERP;
	close(fd);
	return !interp;
}

/*
 * Finds the exec target (the file comment says where) into c->target, and
 * records it as the observation exec_target; or leaves c->target NULL with
 * the reason in c->target_why. The first file found decides: one that is
 * not ours is refused, not passed over.
 */
static void find_target(struct exp_ctx *ctx, struct create_ctx *c)
{
	char *dir = c->exe_dir;
	struct stat st;
	const char *slash = c->exe ? strrchr(c->exe, '/') : NULL;
	if (slash)
		snprintf(dir, sizeof(c->exe_dir), "%.*s", (int)(slash - c->exe + 1), c->exe);
	/* A folder and a subfolder of it; the first two only beside a known ptlab. */
	const char *const places[][2] = { { dir, "" },
					  { dir, "build/" },
					  { PTLAB_LIBEXECDIR "/", "" } };
	for (size_t i = c->exe ? 0 : 2; i < sizeof(places) / sizeof(places[0]); i++) {
		snprintf(c->target_path, sizeof(c->target_path), "%s%s%s", places[i][0],
			 places[i][1], EXEC_TARGET_NAME);
		int err = target_trusted(c->target_path, &st);
		if (err == -ENOENT)
			continue;
		if (err) {
			const struct ev_val v[] = { ev_token(c->target_path) };
			ev_note_set(&c->target_why, "create.target_untrusted", v, 1);
			return;
		}
		c->target = c->target_path;
		exp_observe(ctx, "exec_target", "create.target", ev_token(c->target),
			    ev_num(st.st_size, "bytes"),
			    ev_word(elf_static(c->target) ? "static_linked" : "dynamic_linked"));
		return;
	}
	const struct ev_val v[] = { ev_token(EXEC_TARGET_NAME), ev_token(c->exe ? dir : "-"),
				    ev_token(PTLAB_LIBEXECDIR) };
	ev_note_set(&c->target_why, "create.no_target", v, 3);
}

/* One figure: a method at one size of parent memory, measured over the rounds. */
struct figure {
	const struct method *m;
	int64_t extra;
	uint64_t rss;	/* the parent's resident memory, read in the first round */
	uint64_t batch; /* calibrated in the first round, kept for the later ones */
	bool dropped;	/* skipped once with its reason: not measured again */
};

/* The condition of a size as text: "extra_bytes=1MiB". */
static void size_condition(int64_t bytes, char *buf, size_t size)
{
	char exact[32];
	units_format_exact(bytes, UNIT_BYTES, exact, sizeof(exact));
	snprintf(buf, size, "extra_bytes=%s", exact);
}

/* The condition of a figure as text: "fork extra_bytes=1MiB". */
static void figure_name(const struct figure *f, char *buf, size_t size)
{
	char cond[48];
	size_condition(f->extra, cond, sizeof(cond));
	snprintf(buf, size, "%s %s", f->m->name, cond);
}

/*
 * Records a skip. From the second round on the figure already holds the
 * samples of the earlier rounds: the skip says from which round it stops.
 */
static void skip_from_round(struct exp_ctx *ctx, const char *what, const struct ev_msg *why,
			    unsigned round)
{
	if (round == 0)
		exp_skip_msg(ctx, what, why);
	else
		exp_skip(ctx, what, "create.from_round", ev_nested(why), ev_count(round + 1));
}

/* Records why a figure cannot be measured, once, and drops it from later rounds. */
static void drop(struct exp_ctx *ctx, struct figure *f, const char *prog, int err, unsigned round)
{
	char what[96];
	struct ev_note why;
	figure_name(f, what, sizeof(what));
	f->dropped = true;
	if (err == CHILD_EXEC_FAILED)
		skip_from_round(ctx, what, &EV_MSG_OF("create.exec_failed", ev_token(prog)), round);
	else if (err == -EAGAIN)
		/* pthread_create() alone maps a stack: only it can be said to be a thread. */
		skip_from_round(
			ctx, what,
			limit_note(f->m->once == once_pthread ? LIMIT_THREAD : LIMIT_PROCESS, err,
				   &why),
			round);
	else if (err == CHILD_UNCLEAN)
		skip_from_round(ctx, what, &(struct ev_msg){ .form = "create.child_unclean" },
				round);
	else
		skip_from_round(ctx, what, &EV_MSG_OF("create.failed", ev_errno(err)), round);
}

/*
 * Measures one round of a figure (1/rounds of its budget and samples) and
 * sends it; the runner merges the rounds of one figure into one metric.
 */
static void measure(struct exp_ctx *ctx, const struct create_params *cp, struct create_ctx *c,
		    struct figure *f, unsigned round)
{
	char what[96], extra_txt[32], rss_txt[32];
	uint32_t rounds = (uint32_t)cp->rounds;
	if (f->dropped)
		return;
	figure_name(f, what, sizeof(what));
	if (f->m->prog != PROG_NONE && !method_prog(c, f->m)) {
		exp_skip_msg(ctx, what,
			     f->m->prog == PROG_TARGET
				     ? &c->target_why.msg
				     : &(struct ev_msg){ .form = "create.no_exe" });
		f->dropped = true;
		return;
	}
	exp_progress(ctx, _("round %u of %u: %s"), round + 1, rounds, what);

	struct sampler_cfg cfg =
		exp_sampler_round(ctx, (uint32_t)cp->samples, (uint32_t)cp->max_samples,
				  (uint64_t)cp->budget_ns, rounds, round, f->batch, 1000000);
	struct sample_set s;
	c->once = f->m->once;
	int err = sampler_run(&cfg, op_create, c, &s);
	if (err) {
		drop(ctx, f, method_prog(c, f->m), err, round);
		return;
	}
	f->batch = s.batch;
	struct mparam mp[] = {
		mparam_num("extra_bytes", f->extra, extra_txt, sizeof(extra_txt)),
		mparam_num("parent_rss_bytes", (int64_t)f->rss, rss_txt, sizeof(rss_txt)),
		mparam_str("kind", unit_type_name(f->m->kind)),
		mparam_str("placement", cp->pin ? "same-cpu" : "unpinned"),
	};
	exp_record(ctx, f->m->name, MU_NS, DIR_LOWER_IS_BETTER, &s, mp, sizeof(mp) / sizeof(mp[0]));
	sample_set_free(&s);
}

static uint64_t parent_rss(void)
{
	struct procfs_mem pm;
	return procfs_mem(0, &pm) == 0 ? pm.rss_bytes : 0;
}

/* Why memory could not be held: a message, and the limit it may nest. */
struct hold_why {
	struct ev_note note, limit;
};

/*
 * Maps and touches `bytes` of private memory, one write per page, so that
 * every page is resident and has its own page-table entry. NULL (with a
 * reason in why->note) when memory is short. *advised says whether the
 * kernel took the huge-page advice.
 */
static void *hold_memory(int64_t bytes, bool huge, bool *advised, struct hold_why *why)
{
	uint64_t avail = 0;
	/* Leave a quarter of the request plus 256 MiB for the children and the rest of the system. */
	uint64_t want = (uint64_t)bytes + (uint64_t)bytes / 4 + (256u << 20);
	if (procfs_meminfo("MemAvailable", &avail) == 0 && avail < want) {
		const struct ev_val v[] = { ev_num(want, "bytes"), ev_num(avail, "bytes") };
		ev_note_set(&why->note, "create.no_memory", v, 2);
		return NULL;
	}
	char *p = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	if (p == MAP_FAILED) {
		const struct ev_val v[] = { ev_nested(limit_note(LIMIT_MAP, -errno, &why->limit)) };
		ev_note_set(&why->note, "create.map", v, 1);
		return NULL;
	}
	*advised = madvise(p, (size_t)bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) == 0;
	long page = sysconf(_SC_PAGESIZE);
	for (int64_t off = 0; off < bytes; off += page)
		p[off] = 1;
	return p;
}

#define N_METHODS (sizeof(methods) / sizeof(methods[0]))
#define MAX_SIZES (1 + PARAM_LIST_MAX)

/*
 * The figures of one size, in figs[first..first+count): every method with
 * no extra memory, the sweep methods at every other size.
 */
struct size_slot {
	int64_t bytes;
	size_t first, count;
	bool dropped; /* the memory could not be had: skipped once */
};

/* Measures one round at one size: holds the memory, measures its figures, lets go. */
static void measure_size(struct exp_ctx *ctx, const struct create_params *cp, struct create_ctx *c,
			 struct size_slot *z, struct figure *figs, unsigned round)
{
	struct hold_why why;
	char what[64];
	void *mem = NULL;
	if (z->dropped)
		return;
	if (z->bytes > 0) {
		bool advised = false;
		mem = hold_memory(z->bytes, cp->hugepages, &advised, &why);
		if (!mem) {
			size_condition(z->bytes, what, sizeof(what));
			skip_from_round(ctx, what, &why.note.msg, round);
			z->dropped = true;
			return;
		}
		if (!c->thp_seen) {
			c->thp_seen = true;
			exp_observe(ctx, "thp_used", NULL,
				    ev_word(!advised	    ? "default"
					    : cp->hugepages ? "hugepage"
							    : "nohugepage"));
		}
	}
	uint64_t rss = round == 0 ? parent_rss() : 0;
	for (size_t i = z->first; i < z->first + z->count; i++) {
		if (round == 0)
			figs[i].rss = rss;
		measure(ctx, cp, c, &figs[i], round);
	}
	if (mem)
		munmap(mem, (size_t)z->bytes);
}

/*
 * The figures are taken in rounds, every size in each round, ascending in
 * even rounds and descending in odd ones: a drift of the machine (another
 * guest, the host's frequency) then lands on every size alike instead of
 * on whichever was measured during it.
 */
static int create_run(struct exp_ctx *ctx, const void *params)
{
	const struct create_params *cp = params;
	struct create_ctx c = { .exe = ctx->self_exe };
	struct figure figs[N_METHODS * MAX_SIZES];
	struct size_slot sizes[MAX_SIZES];
	size_t n_figs = 0, n_sizes = 0;

	if (cp->pin) {
		int err = unit_pin_self(exp_cpu(ctx, 0));
		if (err)
			return exp_fail(ctx, "create.pin", ev_count(exp_cpu(ctx, 0)),
					ev_errno(err));
	}
	char *stack = mmap(NULL, CLONE_STACK_BYTES, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return exp_fail(ctx, "create.stack", ev_errno(errno));
	c.stack_top = stack + CLONE_STACK_BYTES;

	if (cp->pin && exp_cpu(ctx, 0) >= 0)
		exp_observe(ctx, "pinned_cpu", NULL, ev_count(exp_cpu(ctx, 0)));
	else
		exp_observe(ctx, "pinned_cpu", NULL, ev_word("unpinned"));
	find_target(ctx, &c);
	/* The advice asked for, as madvise() names it. */
	exp_observe(ctx, "hugepages", NULL,
		    ev_token(cp->hugepages ? "madvise-huge" : "madvise-nohuge"));

	for (size_t k = 0; k <= cp->extra.n; k++) {
		int64_t bytes = k == 0 ? 0 : cp->extra.v[k - 1];
		if (k > 0 && bytes == 0)
			continue; /* no extra memory is always measured first */
		struct size_slot *z = &sizes[n_sizes++];
		*z = (struct size_slot){ .bytes = bytes, .first = n_figs };
		for (size_t i = 0; i < N_METHODS; i++)
			if (k == 0 || methods[i].in_sweep)
				figs[n_figs++] =
					(struct figure){ .m = &methods[i], .extra = bytes };
		z->count = n_figs - z->first;
	}

	for (unsigned round = 0; round < (unsigned)cp->rounds; round++)
		for (size_t k = 0; k < n_sizes; k++)
			measure_size(ctx, cp, &c, &sizes[round % 2 ? n_sizes - 1 - k : k], figs,
				     round);
	munmap(stack, CLONE_STACK_BYTES);
	return 0;
}

/* Parameters that are each in range but do not go together. */
static int create_check(const void *params, char *err, size_t errlen)
{
	const struct create_params *cp = params;
	int bad = param_check_order("create", "samples", cp->samples, "max_samples",
				    cp->max_samples, err, errlen);
	if (bad)
		return bad;
	if (cp->max_samples < cp->rounds) {
		snprintf(err, errlen,
			 _("create.max_samples (%lld) is below create.rounds (%lld): every round "
			   "takes at least one sample"),
			 (long long)cp->max_samples, (long long)cp->rounds);
		return -EINVAL;
	}
	return 0;
}

/*
 * A generous bound on the time the parameters need: every figure's budget
 * or its minimum samples at a pessimistic cost per creation (fork grows
 * about 40 ms per GiB here; 100 ms is assumed), the memory touched in
 * every round, twice over, plus half a minute.
 */
static uint64_t create_deadline(const void *params)
{
	const struct create_params *cp = params;
	const double gib = 1073741824.0;
	size_t n_sweep = 0;
	for (size_t i = 0; i < N_METHODS; i++)
		n_sweep += methods[i].in_sweep;
	double ns = (double)N_METHODS * ((double)cp->budget_ns * 1.2 + (double)cp->samples * 2e6);
	for (size_t k = 0; k < cp->extra.n; k++) {
		double size = (double)cp->extra.v[k] / gib;
		double per_op = 2e6 + 100e6 * size;
		ns += (double)n_sweep *
		      ((double)cp->budget_ns * 1.2 + (double)cp->samples * per_op);
		ns += (double)cp->rounds * size * 1e9; /* touching, about 1 s per GiB */
	}
	return (uint64_t)(2 * ns) + 30000000000ull;
}

static const char *const create_claims[] = { "create.cost", "create.memory", NULL };

static const struct param create_param_table[] = {
	{ "extra", N_("memory the parent holds (touched) while creating, one figure per size"),
	  UNIT_BYTES, true, offsetof(struct create_params, extra), "1MiB,16MiB,256MiB,1GiB",
	  "1MiB,16MiB,64MiB,256MiB", "1MiB,16MiB,256MiB,1GiB,4GiB", 0, (int64_t)1 << 40 },
	{ "hugepages", N_("let the parent's memory use transparent huge pages"), UNIT_BOOL, false,
	  offsetof(struct create_params, hugepages), "no", NULL, NULL, 0, 1 },
	{ "pin", N_("run parent and children on the first CPU of --cpus"), UNIT_BOOL, false,
	  offsetof(struct create_params, pin), "yes", NULL, NULL, 0, 1 },
	{ "samples", N_("at least this many samples per figure"), UNIT_COUNT, false,
	  offsetof(struct create_params, samples), "20", "15", "40", 3, 100000 },
	{ "max_samples", N_("at most this many samples per figure"), UNIT_COUNT, false,
	  offsetof(struct create_params, max_samples), "1000", "200", "5000", 3, 1000000 },
	{ "rounds", N_("rounds over all sizes that share each figure's budget"), UNIT_COUNT, false,
	  offsetof(struct create_params, rounds), "3", "2", "5", 1, 100 },
	{ "budget", N_("time spent sampling each figure"), UNIT_DURATION, false,
	  offsetof(struct create_params, budget_ns), "300ms", "120ms", "1s", 1000000,
	  600000000000 },
};

static const struct ev_form forms[] = {
	{ "create.from_round", N_("{1} (from round {2} on; the earlier rounds are kept)") },
	{ "create.exec_failed", N_("the program {1} could not be executed") },
	{ "create.child_unclean", N_("a child ended with a non-zero status or a signal") },
	{ "create.failed", N_("the operation failed: {1}") },
	{ "create.no_exe", N_("no program to execute was given") },
	{ "create.no_target",
	  N_("no {1} beside {2}, under build/ there, or in {3}: `make ptlab` builds it") },
	{ "create.target_untrusted",
	  N_("{1} is not executed: it is not a regular executable file owned by root or by this "
	     "user, or others may write to it") },
	{ "create.target", N_("{1} ({2}, {3})") },
	{ "create.no_memory", N_("not enough free memory: {1} needed, {2} available") },
	{ "create.map", N_("cannot map the memory: {1}") },
	{ "create.pin", N_("cannot pin to CPU {1}: {2}") },
	{ "create.stack", N_("cannot map a stack: {1}") },
	/* Words: pinned_cpu when not pinned, and thp_used, the advice the kernel took. */
	{ "unpinned", N_("not pinned") },
	{ "nohugepage", N_("small pages only (the kernel took MADV_NOHUGEPAGE)") },
	{ "hugepage", N_("transparent huge pages allowed (the kernel took MADV_HUGEPAGE)") },
	{ "default", N_("the system's default mode (madvise() was refused)") },
	/* Words: how the exec target is linked. */
	{ "static_linked", N_("linked statically") },
	{ "dynamic_linked", N_("linked dynamically") },
	{ NULL, NULL },
};

static const char *const creation_names[] = { "fork",	      "vfork",		"posix_spawn",
					      "fork_exec",    "fork_exec_self", "clone_vm",
					      "clone_thread", "pthread_create", NULL };
static const char *const creation_conditions[] = { "extra_bytes", "parent_rss_bytes", "kind",
						   "placement", NULL };

static const struct figure_decl figures[] = {
	{ creation_names, MU_NS, DIR_LOWER_IS_BETTER, creation_conditions },
	{ NULL, MU_NS, DIR_NONE, NULL },
};

static const char *const no_extra[] = { "extra_bytes=0", NULL };
static const char *const grows[] = { "fork", "vfork", "posix_spawn", "pthread_create", NULL };
static const struct chart_decl charts[] = {
	{ .id = "create-methods",
	  .kind = CHART_BARS,
	  .title = N_("Creation latency per method (no extra parent memory)"),
	  .x_label = N_("method"),
	  .y_label = N_("time to create and reap one"),
	  .series = { { .where = no_extra, .label = N_("median, 95% interval") } } },
	/* Against the parent's resident memory, which extra_bytes adds to. */
	{ .id = "create-memory",
	  .kind = CHART_LINES,
	  .title = N_("Creation latency against the parent's memory"),
	  .x_label = N_("parent's resident memory"),
	  .y_label = N_("time to create and reap one"),
	  .series = { { .names = grows } },
	  .x_key = "parent_rss_bytes",
	  .x_key_else = "extra_bytes",
	  .x_unit = CHART_UNIT_BYTES,
	  .log_x = true,
	  .log_y = true },
	{ .id = NULL },
};

const struct experiment exp_create = {
	.name = "create",
	.title = N_("Creating a process or a thread"),
	.method =
		N_("Times creating a unit that does nothing and waiting until it is gone: fork, "
		   "vfork, posix_spawn and fork+exec of a small static program that exits at "
		   "once, fork+exec of ptlab itself, clone(CLONE_VM), raw clone with the thread "
		   "flags, pthread_create. Then fork, vfork, posix_spawn and pthread_create again "
		   "while the parent holds more touched memory, to fit the cost per GiB."),
	.claims = create_claims,
	.params = create_param_table,
	.n_params = sizeof(create_param_table) / sizeof(create_param_table[0]),
	.params_size = sizeof(struct create_params),
	.run = create_run,
	.check = create_check,
	.deadline = create_deadline,
	.deadline_ns = { 120000000000ull, 900000000000ull },
	.quick_suite = true,
	.forms = forms,
	.figures = figures,
	.charts = charts,
};
