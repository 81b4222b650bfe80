// SPDX-License-Identifier: MIT
/*
 * unit: start a function as a process, a thread or a process on its
 * parent's address space (clone_vm), pin it, wait for it and say how it
 * ended. See unit.h for the contract and clone_vm's constraints.
 */
#include "core/unit.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int unit_pin_self_to(const int *cpus, size_t n)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	for (size_t i = 0; i < n; i++) {
		if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE)
			return -EINVAL;
		CPU_SET(cpus[i], &set);
	}
	if (n == 0)
		return -EINVAL;
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		return -errno;
	return 0;
}

int unit_pin_self(int cpu)
{
	return unit_pin_self_to(&cpu, 1);
}

size_t unit_allowed_cpus(int *cpus, size_t max)
{
	cpu_set_t set;
	size_t n = 0;
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

void unit_child_setup(pid_t parent)
{
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		sigaction(sig, &sa, NULL); /* fails harmlessly for reserved signals */
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The parent may have died before the prctl took effect. */
	if (getppid() != parent)
		_exit(127);
}

static void *thread_main(void *p)
{
	struct unit *u = p;
	return (void *)(intptr_t)u->fn(u->arg);
}

/*
 * A thread unit is pinned through its attributes, so that it never runs a
 * single instruction elsewhere and a CPU it cannot have fails
 * pthread_create() (-EINVAL) instead of leaving it unpinned in silence.
 */
static int start_thread(struct unit *u)
{
	pthread_attr_t attr;
	int err = pthread_attr_init(&attr);
	if (err)
		return -err;
	if (u->cpu >= 0) {
		cpu_set_t set;
		if (u->cpu >= CPU_SETSIZE) {
			err = EINVAL;
			goto destroy_attr;
		}
		CPU_ZERO(&set);
		CPU_SET(u->cpu, &set);
		err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		if (err)
			goto destroy_attr;
	}
	err = pthread_create(&u->thread, &attr, thread_main, u);
destroy_attr:
	pthread_attr_destroy(&attr);
	return -err;
}

/*
 * ---- clone_vm: a process on its parent's address space ----------------
 *
 * unit_start() maps the stack and starts the donor thread with every
 * signal blocked; the donor clones the child, publishes its PID, and waits
 * for it. The child reads what it needs from the donor's stack frame,
 * which lives until the donor has reaped it.
 */
struct shared_vm_start {
	struct unit *u;
	pid_t parent; /* the caller's process, for unit_child_setup() */
	int err;      /* the clone's -errno, or 0 */
	_Atomic uint32_t published;
};

/* What the child reads: a copy in the donor's frame, which outlives the child. */
struct shared_vm_child {
	unit_fn fn;
	void *arg;
	int cpu;
	pid_t parent;
};

/* The child: set up like a process unit, pinned, then fn; never returns. */
static int shared_vm_main(void *p)
{
	const struct shared_vm_child *c = p;
	unit_child_setup(c->parent);
	if (c->cpu >= 0 && unit_pin_self(c->cpu) != 0)
		_exit(126);
	_exit(c->fn(c->arg) & 0xff);
}

/* What the donor returns when its waitpid failed: not a wait status. */
#define DONOR_WAIT_FAILED ((intptr_t)-1)

static void *donor_main(void *p)
{
	struct shared_vm_start *st = p; /* the caller's: gone once published */
	struct unit *u = st->u;
	struct shared_vm_child c = { u->fn, u->arg, u->cpu, st->parent };
	pid_t pid =
		clone(shared_vm_main, (char *)u->stack + u->stack_bytes, CLONE_VM | SIGCHLD, &c);
	st->err = pid < 0 ? -errno : 0; /* no child, so no one else writes errno */
	u->pid = pid;
	atomic_store_explicit(&st->published, 1, memory_order_release);
	unit_futex(&st->published, FUTEX_WAKE_PRIVATE, 1, NULL);
	if (pid < 0)
		return (void *)DONOR_WAIT_FAILED;
	/*
	 * Every signal is blocked here, so waitpid() returns only when the
	 * child has ended (or was reaped by someone else: ECHILD); errno,
	 * which the child shares, is not read.
	 */
	int status;
	pid_t r = waitpid(pid, &status, 0);
	return r == pid ? (void *)(intptr_t)status : (void *)DONOR_WAIT_FAILED;
}

static int start_shared_vm(struct unit *u)
{
	long page = sysconf(_SC_PAGESIZE);
	pthread_attr_t attr;
	sigset_t all;
	int err;

	u->stack_bytes = UNIT_SHARED_VM_STACK_BYTES + (size_t)page;
	u->stack = mmap(NULL, u->stack_bytes, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (u->stack == MAP_FAILED) {
		err = -errno;
		u->stack = NULL;
		return err;
	}
	/* The guard page: an overflow faults instead of writing the caller's memory. */
	if (mprotect(u->stack, (size_t)page, PROT_NONE) != 0) {
		err = -errno;
		goto unmap_stack;
	}
	struct shared_vm_start st = { .u = u, .parent = getpid() };
	err = -pthread_attr_init(&attr);
	if (err)
		goto unmap_stack;
	sigfillset(&all);
	err = -pthread_attr_setsigmask_np(&attr, &all);
	if (!err)
		err = -pthread_create(&u->thread, &attr, donor_main, &st);
	pthread_attr_destroy(&attr);
	if (err)
		goto unmap_stack;
	while (!atomic_load_explicit(&st.published, memory_order_acquire))
		unit_futex(&st.published, FUTEX_WAIT_PRIVATE, 0, NULL);
	if (st.err) {
		err = st.err;
		pthread_join(u->thread, NULL);
		goto unmap_stack;
	}
	return 0;

unmap_stack:
	munmap(u->stack, u->stack_bytes);
	u->stack = NULL;
	return err;
}

bool unit_kind_supported(enum unit_type k)
{
#ifdef __SANITIZE_THREAD__
	return k != UNIT_SHARED_VM;
#else
	(void)k;
	return true;
#endif
}

int unit_start(struct unit *u, enum unit_type kind, unit_fn fn, void *arg, int cpu)
{
	memset(u, 0, sizeof(*u));
	if (!unit_kind_supported(kind))
		return -ENOTSUP;
	u->kind = kind;
	u->fn = fn;
	u->arg = arg;
	u->cpu = cpu;

	if (kind == UNIT_THREAD) {
		int err = start_thread(u);
		if (err)
			return err;
		u->running = true;
		return 0;
	}
	if (kind == UNIT_SHARED_VM) {
		int err = start_shared_vm(u);
		if (err)
			return err;
		u->running = true;
		return 0;
	}

	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		unit_child_setup(parent);
		if (cpu >= 0 && unit_pin_self(cpu) != 0)
			_exit(126);
		_exit(fn(arg) & 0xff);
	}
	u->pid = pid;
	u->running = true;
	return 0;
}

void unit_decode_status(int status, struct unit_end *end)
{
	memset(end, 0, sizeof(*end));
	if (WIFSIGNALED(status)) {
		end->signalled = true;
		end->signal = WTERMSIG(status);
		end->code = -1;
	} else {
		end->code = WEXITSTATUS(status);
	}
}

int unit_wait(struct unit *u, struct unit_end *end)
{
	memset(end, 0, sizeof(*end));
	if (!u->running)
		return -ECHILD;
	if (u->kind == UNIT_THREAD) {
		void *ret;
		int err = pthread_join(u->thread, &ret);
		if (err)
			return -err;
		u->running = false;
		/* Reported as a process's exit code would be: the low 8 bits. */
		end->code = (int)(intptr_t)ret & 0xff;
		return 0;
	}

	if (u->kind == UNIT_SHARED_VM) {
		void *ret;
		int err = pthread_join(u->thread, &ret);
		if (err)
			return -err;
		u->running = false;
		munmap(u->stack, u->stack_bytes);
		u->stack = NULL;
		if ((intptr_t)ret == DONOR_WAIT_FAILED)
			return -ECHILD;
		unit_decode_status((int)(intptr_t)ret, end);
		return 0;
	}

	int status;
	pid_t r;
	do
		r = waitpid(u->pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	u->running = false;
	unit_decode_status(status, end);
	return 0;
}

const char *unit_type_name(enum unit_type k)
{
	switch (k) {
	case UNIT_PROCESS:
		return "process";
	case UNIT_THREAD:
		return "thread";
	case UNIT_SHARED_VM:
		return "clone_vm";
	}
	return "?";
}

enum limit_op unit_limit_op(enum unit_type k)
{
	return k == UNIT_THREAD ? LIMIT_THREAD : LIMIT_PROCESS;
}

long unit_futex(void *word, int op, uint32_t val, const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

void unit_no_core(void)
{
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0);
}
