// SPDX-License-Identifier: MIT
/*
 * unit: the one abstraction every process-versus-thread comparison runs
 * through. A unit runs a function either as a process (fork) or as a
 * thread (pthread); the caller's code is the same for both, and so is the
 * way the end is reported. Shared state goes in an arena (core/shm.h) made
 * before the unit starts, so one pointer works for both kinds.
 *
 * A process unit resets signal dispositions, asks for SIGKILL when its
 * parent dies (PR_SET_PDEATHSIG), runs the function and leaves by
 * _exit() with its return value: it never returns into the caller's code.
 * Waiting decodes how it ended: an exit code, or the signal that killed it.
 *
 * PR_SET_PDEATHSIG fires when the parent *thread* ends, not the parent
 * process: start process units from a thread that outlives them.
 *
 * The third kind, UNIT_SHARED_VM ("clone_vm"), is the control that tells
 * the address-space switch apart from "being a process": a process that
 * shares its parent's address space, clone(CLONE_VM | SIGCHLD) without
 * CLONE_THREAD. It has its own PID and thread group (its own /proc entry,
 * its own signal dispositions, it is waited for with waitpid), and the
 * parent's mm: a switch between it and its parent changes no page tables.
 * It runs on a stack of its own (mmap'd, a guard page below it), is pinned
 * before its function runs, gets PR_SET_PDEATHSIG, and is waited for like
 * a process; unit_wait() unmaps its stack.
 *
 * Its constraint is vfork's child's: it runs on glibc's thread-local
 * storage of the thread that cloned it (the %fs base is inherited), so
 * glibc believes it is that thread. Its function may use system-call
 * wrappers (read, write, sched_yield, unit_futex...) and nothing that keeps
 * per-thread state in glibc: no malloc, no stdio, no pthread calls, no
 * locale, no sched_getcpu() (glibc reads it from the cloning thread's rseq
 * area: the kernel registers none for a CLONE_VM child; getcpu(2) through
 * syscall() is right), no raise() or abort() (they signal the thread glibc
 * believes it is: kill(getpid(), sig) is right). errno is that thread's
 * errno. So that no one is hurt by it,
 * unit_start() clones it from a thread of its own, a *donor*, which does
 * nothing else but wait for it with every signal blocked (its waitpid
 * never fails with EINTR, so it never reads errno while the child runs):
 * the child's errno, and its writes to it, are its own, and the caller's
 * errno is never touched. The donor is the child's parent thread, so
 * PR_SET_PDEATHSIG fires when the donor ends, which is only after it has
 * reaped the child or the whole process dies.
 */
#ifndef PTLAB_CORE_UNIT_H
#define PTLAB_CORE_UNIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

#include "core/limit.h"

enum unit_type {
	UNIT_PROCESS,
	UNIT_THREAD,
	UNIT_SHARED_VM, /* clone(CLONE_VM) without CLONE_THREAD: a process on its parent's mm */
};

/* The usable stack of a UNIT_SHARED_VM unit; a guard page lies below it. */
#define UNIT_SHARED_VM_STACK_BYTES (256 * 1024)

typedef int (*unit_fn)(void *arg);

struct unit {
	enum unit_type kind;
	pid_t pid;	  /* UNIT_PROCESS, UNIT_SHARED_VM */
	pthread_t thread; /* UNIT_THREAD; UNIT_SHARED_VM: the donor that cloned and waits */
	void *stack;	  /* UNIT_SHARED_VM: the mapping, guard page included */
	size_t stack_bytes;
	unit_fn fn;
	void *arg;
	int cpu; /* pinned CPU, or -1 */
	bool running;
};

/* How a unit ended. */
struct unit_end {
	bool signalled;
	int code;   /* exit code (process) or the function's return (thread) */
	int signal; /* the killing signal when signalled */
};

/*
 * Starts fn(arg) as the given kind, pinned to cpu when cpu >= 0 (before
 * fn runs). Returns 0 or -errno (-EAGAIN when the process or thread limit
 * is reached: callers turn that into a skip; -ENOMEM when a clone_vm
 * unit's stack cannot be mapped). A thread unit reads *u after this
 * returns: u must stay in place until unit_wait(). A clone_vm unit's fn
 * keeps to the constraint above (system calls only, no malloc or stdio);
 * u->pid is its PID, as for a process.
 */
int unit_start(struct unit *u, enum unit_type kind, unit_fn fn, void *arg, int cpu);

/*
 * Waits for the unit to end and decodes it. A thread's return value is
 * reported like a process's exit code (its low 8 bits), so both kinds end
 * the same way. Returns 0 or -errno.
 */
int unit_wait(struct unit *u, struct unit_end *end);

/* Decodes a wait status (waitpid) into an exit code or the killing signal. */
void unit_decode_status(int status, struct unit_end *end);

/* Pins the calling thread to one CPU. Returns 0 or -errno. */
int unit_pin_self(int cpu);

/* Lets the calling thread run on the n CPUs listed (n > 0). Returns 0 or -errno. */
int unit_pin_self_to(const int *cpus, size_t n);

/* The CPUs this process may run on, ascending, at most max. Returns the count. */
size_t unit_allowed_cpus(int *cpus, size_t max);

/*
 * Prepares the calling process to be a well-behaved child: default signal
 * dispositions, an empty signal mask, SIGKILL when the parent thread dies
 * (and an immediate exit if the parent is already gone). Called by
 * unit_start() in a process unit and by the runner in an experiment
 * process.
 */
void unit_child_setup(pid_t parent);

/* "process", "thread" or "clone_vm": the value of the `kind` condition. */
const char *unit_type_name(enum unit_type k);
/*
 * Whether this build can start units of kind k: all of them, except
 * clone_vm under ThreadSanitizer (its child would run instrumented code on
 * its parent's TSan state, as create's clone(CLONE_VM) child would: the
 * tsan build leaves the control out and says so). unit_start() of an
 * unsupported kind returns -ENOTSUP.
 */
bool unit_kind_supported(enum unit_type k);
/* The call unit_start() makes for kind, to explain its failure (limit_explain()). */
enum limit_op unit_limit_op(enum unit_type k);

/*
 * The futex system call on a 32-bit word that units share: op as for
 * futex(2) (FUTEX_WAIT, FUTEX_WAKE; without FUTEX_PRIVATE_FLAG the word may
 * be in memory a process shares), timeout for FUTEX_WAIT (NULL: none).
 * Returns the call's result, -1 with errno on failure. The one wrapper of
 * the call in ptlab.
 */
long unit_futex(void *word, int op, uint32_t val, const struct timespec *timeout);

/*
 * For a sacrificial process: no core file and no crash report, whatever
 * ends it (RLIMIT_CORE 0, not dumpable; a non-dumpable process's /proc
 * files are root's to read).
 */
void unit_no_core(void);

#endif
