// SPDX-License-Identifier: MIT
/*
 * cli_util: running the real binary from a test ($PTLAB_BIN, else ./ptlab),
 * shared by the command-line tests (test_cli.c) and the robustness tests
 * (test_robust.c).
 *
 * The binary runs with NO_COLOR=1 and the C locale (LANGUAGE, LANG and
 * LC_* removed), so its messages are the English source texts; stdin is
 * /dev/null, stdout and stderr go to files, and no descriptor of the test
 * beyond those three reaches it. It dies with the test process
 * (PR_SET_PDEATHSIG survives execve). A child that overruns its limit is
 * killed. The test case's folder (cli_case_dir) is made by an unchecked
 * fixture, so it goes even when a test fails.
 *
 * The helpers assert (Check) on what should never fail, such as fork().
 */
#ifndef PTLAB_TESTS_CLI_UTIL_H
#define PTLAB_TESTS_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#define NS_PER_S 1000000000ull

/* A NULL-terminated argument list: ARGS("run", "create"). */
#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The test case's folder: made by cli_case_make(), removed by cli_case_remove(). */
extern char cli_case_dir[256];

/* Makes $TMPDIR/ptlab-test-<tag>.XXXXXX (or under /tmp) into cli_case_dir; aborts on failure. */
void cli_case_make(const char *tag);
/* Removes cli_case_dir and everything in it. */
void cli_case_remove(void);

/* The binary under test: $PTLAB_BIN, else ./ptlab. */
const char *cli_bin(void);

/* How a finished command ended, and what it wrote. */
struct cli {
	int code;	/* exit status, or -1 when killed by a signal */
	int sig;	/* the killing signal, or 0 */
	bool timed_out; /* killed by the test at its limit */
	char *out, *err;
};

/* One resource limit, set (soft and hard) in the child just before execve. */
struct cli_rlimit {
	int resource; /* RLIMIT_* */
	rlim_t value;
};

/* A /proc/sys file written in the child's new IPC namespace (cli_spawn_opts.new_ipc). */
struct cli_sysctl {
	const char *path, *value;
};

/* What a child gets besides its arguments; all zero is the plain case. */
struct cli_spawn_opts {
	const char *bin;	       /* the program; NULL: cli_bin() */
	const char *const *locale_env; /* instead of LC_ALL=C (NULL-terminated); NULL: LC_ALL=C */
	const char *const *extra_env; /* "NAME=value" entries that replace ours (TMPDIR), or NULL */
	bool own_group;		      /* its own process group: kill(-pid) reaches it alone */
	bool ignore_hup;	      /* SIGHUP ignored, as nohup leaves it */
	const struct cli_rlimit *limits;
	size_t n_limits;
	bool new_ipc; /* a new IPC namespace (root), then sysctls written in it */
	const struct cli_sysctl *sysctls;
	size_t n_sysctls;
	bool as_user; /* drop to uid:gid (root only) before the limits are set */
	uid_t uid;
	gid_t gid;
	const char *cwd;    /* the working directory to run in (after as_user), or NULL */
	bool stdout_broken; /* stdout a pipe nobody reads (EPIPE) instead of the out file */
};

/*
 * Starts the binary with args (NULL-terminated) and opts (NULL: the plain
 * case), stdout and stderr into the given files. A set-up step that fails
 * in the child is said on its stderr, and it exits 126 (127: execve).
 * Returns its pid.
 */
pid_t cli_spawn_with(const struct cli_spawn_opts *opts, const char *const *args,
		     const char *out_path, const char *err_path);
pid_t cli_spawn(const char *const *args, const char *out_path, const char *err_path);

/* Waits for pid until limit_ns from now, then kills it. Fills code, sig, timed_out. */
void cli_wait(pid_t pid, uint64_t limit_ns, struct cli *r);

/* Paths of the stdout and stderr files in cli_case_dir. */
void cli_paths(char *out, char *err, size_t size);

/* Runs the binary with args to its end (or limit) and captures both outputs. */
void cli_run_with(struct cli *r, uint64_t limit_ns, const struct cli_spawn_opts *opts,
		  const char *const *args);
void cli_run(struct cli *r, uint64_t limit_ns, const char *const *args);
void cli_free(struct cli *r);

void cli_sleep_ns(uint64_t ns);
/* Everything in path as a NUL-terminated string (empty if it cannot be read); free() it. */
char *cli_slurp(const char *path);

/*
 * Names in dir starting with one of prefixes (NULL-terminated; NULL: every
 * name but . and ..), NUL-separated in one string ending in an empty name
 * (empty when dir cannot be read); free() it.
 */
char *cli_dir_names(const char *dir, const char *const *prefixes);
bool cli_in_names(const char *names, const char *name);
/*
 * Calls each(name, json, arg) for every real run of tests/fixtures/runs
 * (this project's machines) and ../shared/runs (other machines), each
 * unpacked with xz into a temporary file json that is removed after.
 * Returns how many it saw; -1 when xz is missing (nothing called).
 */
int cli_each_real_run(void (*each)(const char *name, const char *json, void *arg), void *arg);

/* Names in /dev/shm starting with "ptlab.", as cli_dir_names() gives them. */
char *cli_shm_names(void);
/*
 * Objects in /dev/shm made since `before` whose owner ("ptlab.<pid>.") is
 * gone: left behind. Another run going on beside the test owns objects
 * too, but its owner is alive.
 */
int cli_shm_left_behind(const char *before);

/*
 * Reaps every child of this process that has ended (orphans of a run come
 * back to a child subreaper), until none is left or limit_ns from now.
 * Adds the count reaped to *reaped. Returns true when no child is left at
 * all (ECHILD), false when some still run at the limit.
 */
bool cli_reap_all(uint64_t limit_ns, int *reaped);
/* Kills and reaps every child still listed for this process (used only on failure). */
void cli_kill_my_children(void);

#endif
