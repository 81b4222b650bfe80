// SPDX-License-Identifier: MIT
/*
 * cleanup: leave nothing behind, and touch nothing that is not ptlab's.
 *
 * Every named object ptlab makes — POSIX shared memory, named semaphores
 * and message queues, FIFOs and temporary files, System V queues,
 * semaphores and segments — is first written into a registry, a file that
 * belongs to the run, and only then made:
 *
 *   <state folder>/<owner pid>.<token>
 *
 * The state folder is $XDG_RUNTIME_DIR/ptlab, else /run/ptlab for root,
 * else $TMPDIR/ptlab-<uid>; it is made mode 0700 and used only when it is
 * a real folder of the user's that no one else can write. The owner is the
 * process that began the registry (ptlab itself; its experiment processes
 * and their children write into the same file), the token 12 random hex
 * digits drawn per run. The registry's first lines say who owns it: pid,
 * the process's start time, its pid namespace, its uid and the time.
 *
 * A name is "ptlab.<owner pid>.<token>.<tag>", so no one else's object can
 * bear it by accident; a System V key is drawn at random, and the object's
 * id is recorded once it exists.
 *
 * The runner removes every recorded object after each experiment
 * (cleanup_release()), however it ended; the registry goes when its owner
 * exits. `ptlab clean` (cleanup_sweep()) reads the registries of runs that
 * were killed outright and removes their recorded objects, and only where
 * it can prove the owner dead: the pid is gone, or is now another process
 * (its start time differs), checked in the same pid namespace. A registry
 * from another pid namespace, a live owner, and anything not recorded are
 * left alone. Before removing, each object is checked again: a file must
 * be no folder, belong to the run's uid and bear its token; a System V
 * object must have the recorded key (and id), the run's uid as creator and,
 * when its id was never recorded, a creation time after the registry's.
 */
#ifndef PTLAB_CORE_CLEANUP_H
#define PTLAB_CORE_CLEANUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CLEANUP_PREFIX "ptlab."

/* Kinds of named object. */
enum cleanup_kind {
	CLEANUP_SHM,	  /* POSIX shared memory: "/ptlab.<pid>.<token>.x" */
	CLEANUP_MQUEUE,	  /* POSIX message queue: "/ptlab.<pid>.<token>.x" */
	CLEANUP_SEM,	  /* POSIX named semaphore: "/ptlab.<pid>.<token>.x" */
	CLEANUP_PATH,	  /* FIFO, socket or temporary file: an absolute path */
	CLEANUP_SYSV_SHM, /* System V objects, by key and id */
	CLEANUP_SYSV_MSG,
	CLEANUP_SYSV_SEM,
};

/*
 * Begins this process's registry: makes the state folder if needed and the
 * registry in it (O_EXCL, O_NOFOLLOW, mode 0600). Processes forked later
 * share it; a second call, in the owner or in a child, does nothing. The
 * registry and the folder (when empty) are removed when the owner exits.
 * Returns 0; or -errno when the registry cannot be on disk (the folder is
 * not the user's, the file system is read-only...): the run still records
 * into a memory file, so every object is still removed after each
 * experiment, but `ptlab clean` will not find a run killed outright. Then
 * *where (nullable) names the folder it tried. Other calls begin it on
 * first use.
 */
int cleanup_begin(const char **where);

/*
 * Records a name of kind (CLEANUP_SHM, _MQUEUE or _SEM) and writes it into
 * buf: "/ptlab.<pid>.<token>.<tag>". Returns 0, -ENAMETOOLONG when it does
 * not fit, or -errno when it cannot be recorded (then make nothing).
 */
int cleanup_name(char *buf, size_t size, enum cleanup_kind kind, const char *tag);

/* The same for a path in the temporary folder ($TMPDIR or /tmp). */
int cleanup_tmp_path(char *buf, size_t size, const char *tag);

/*
 * Makes a System V object of kind (CLEANUP_SYSV_SHM: size bytes; _MSG: a
 * queue, size unused; _SEM: a set of size semaphores) with a random key,
 * IPC_CREAT | IPC_EXCL and mode 0600, recorded before and after it is
 * made. Returns its id or -errno.
 */
int cleanup_sysv_make(enum cleanup_kind kind, size_t size);

struct cleanup_counts {
	unsigned shm, mqueue, tmp, sysv;
};

/*
 * Removes every object recorded in this process's registry that still
 * exists, then empties the registry. For the runner, between experiments.
 * counts (nullable) receives what was removed. Returns 0 or the first
 * -errno met (it still tries the rest).
 */
int cleanup_release(struct cleanup_counts *counts);

/*
 * In the registry's owner: releases everything (as cleanup_release()), then
 * closes and removes the registry, and the state folder when it is empty.
 * Runs at exit by itself; a run calls it once its experiments are over, so
 * that saving its files has the descriptor back. Elsewhere it does nothing.
 * A later cleanup_name() or cleanup_sysv_make() begins a new registry.
 */
void cleanup_end(void);

/* What `ptlab clean` found, one call per registry and one per object. */
enum cleanup_finding {
	CLEANUP_REMOVED,      /* an object of a dead run, removed (or to be, in a dry run) */
	CLEANUP_NOT_REMOVED,  /* one that could not be removed: err says why */
	CLEANUP_RUN_LIVE,     /* a run whose owner lives: left alone */
	CLEANUP_RUN_FOREIGN,  /* recorded in another pid namespace: left alone */
	CLEANUP_RUN_UNPROVEN, /* err -ESRCH: /proc is not this pid namespace's; -ENODATA: the
				 run's start time is unknown; else the registry is unreadable */
	CLEANUP_RUN_ENDED,    /* a run provably over: its objects (and registry) go */
};

struct cleanup_item {
	enum cleanup_finding finding;
	pid_t owner;		/* the run's pid */
	enum cleanup_kind kind; /* objects only */
	const char *name;	/* the object's name, path or key; the registry for runs */
	int err;		/* -errno, for CLEANUP_NOT_REMOVED and _RUN_UNPROVEN */
};

/*
 * `ptlab clean`: reads every registry in the state folder and removes the
 * recorded objects of each run whose owner is provably dead (cleanup.h's
 * opening comment), then the registry. With dry_run nothing is removed;
 * each() is told what would be. each (nullable) hears every finding;
 * counts (nullable) counts the objects removed (or to be). Returns 0, or
 * the first -errno met; -ENOTDIR when the state folder is not a folder of
 * this user's that no one else can write (then nothing in it is touched).
 */
int cleanup_sweep(bool dry_run, void (*each)(const struct cleanup_item *it, void *arg), void *arg,
		  struct cleanup_counts *counts);

/* The state folder (cleanup.h's opening comment) into buf. Returns 0 or -errno. */
int cleanup_state_dir(char *buf, size_t size);

/* Stable names of the kinds ("shm", "mqueue", ...), and back (-EINVAL if unknown). */
const char *cleanup_kind_name(enum cleanup_kind kind);
int cleanup_kind_from_name(const char *s, enum cleanup_kind *out);

/* The temporary folder ptlab uses. */
const char *cleanup_tmpdir(void);

#endif
