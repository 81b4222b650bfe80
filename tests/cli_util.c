// SPDX-License-Identifier: MIT
/*
 * cli_util: running the real binary from a test. See cli_util.h.
 */
#include "cli_util.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"

extern char **environ;

#define ENV_MAX 512

char cli_case_dir[256];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void cli_case_make(const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(cli_case_dir, sizeof(cli_case_dir), "%s/ptlab-test-%s.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp", tag);
	if (!mkdtemp(cli_case_dir)) {
		perror("mkdtemp");
		abort();
	}
}

void cli_case_remove(void)
{
	nftw(cli_case_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *cli_bin(void)
{
	const char *b = getenv("PTLAB_BIN");
	return b && *b ? b : "./ptlab";
}

void cli_sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / NS_PER_S), (long)(ns % NS_PER_S) };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

char *cli_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	if (f) {
		size_t n;
		while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
			len += n;
			if (cap - len - 1 == 0) {
				cap *= 2;
				buf = realloc(buf, cap);
				ck_assert_ptr_nonnull(buf);
			}
		}
		fclose(f);
	}
	buf[len] = '\0';
	return buf;
}

static bool is_locale_var(const char *e)
{
	return strncmp(e, "LANGUAGE=", 9) == 0 || strncmp(e, "LANG=", 5) == 0 ||
	       strncmp(e, "LC_", 3) == 0 || strncmp(e, "NO_COLOR=", 9) == 0;
}

/* Whether e ("NAME=value") sets a variable that one of list ("NAME=...") sets too. */
static bool replaced(const char *e, const char *const *list)
{
	for (; list && *list; list++) {
		const char *eq = strchr(*list, '=');
		size_t n = eq ? (size_t)(eq - *list) + 1 : strlen(*list);
		if (strncmp(e, *list, n) == 0)
			return true;
	}
	return false;
}

/*
 * Our environment without language or colour settings or what extra
 * replaces, plus NO_COLOR=1, locale (NULL: LC_ALL=C) and extra.
 */
static void build_env(char **env, const char *const *locale, const char *const *extra)
{
	size_t n = 0;
	for (char **e = environ; *e && n < ENV_MAX - 3; e++)
		if (!is_locale_var(*e) && !replaced(*e, extra))
			env[n++] = *e;
	env[n++] = "NO_COLOR=1";
	if (locale)
		for (const char *const *e = locale; *e && n < ENV_MAX - 2; e++)
			env[n++] = (char *)*e;
	else
		env[n++] = "LC_ALL=C";
	for (const char *const *e = extra; e && *e && n < ENV_MAX - 1; e++)
		env[n++] = (char *)*e;
	env[n] = NULL;
}

/* In the child: says what failed on stderr (the test's file) and leaves. */
static void __attribute__((noreturn)) child_fail(const char *what)
{
	int err = errno;
	dprintf(2, "cli_spawn: %s: %s\n", what, strerror(err));
	_exit(126);
}

/* In the child: everything opts asks for that needs privileges, then the limits. */
static void child_setup(const struct cli_spawn_opts *o, pid_t parent)
{
	if (o->new_ipc && unshare(CLONE_NEWIPC) != 0)
		child_fail("unshare(CLONE_NEWIPC)");
	for (size_t i = 0; i < o->n_sysctls; i++) {
		int fd = open(o->sysctls[i].path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, o->sysctls[i].value, strlen(o->sysctls[i].value)) < 0)
			child_fail(o->sysctls[i].path);
		close(fd);
	}
	if (o->as_user) {
		if (setgroups(0, NULL) != 0 || setgid(o->gid) != 0 || setuid(o->uid) != 0)
			child_fail("setuid");
		/* A change of credentials cleared the parent-death signal. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
	}
	if (o->cwd && chdir(o->cwd) != 0)
		child_fail("chdir");
	for (size_t i = 0; i < o->n_limits; i++) {
		struct rlimit rl = { o->limits[i].value, o->limits[i].value };
		if (setrlimit(o->limits[i].resource, &rl) != 0)
			child_fail("setrlimit");
	}
}

pid_t cli_spawn_with(const struct cli_spawn_opts *opts, const char *const *args,
		     const char *out_path, const char *err_path)
{
	static const struct cli_spawn_opts plain;
	const struct cli_spawn_opts *o = opts ? opts : &plain;
	static char *env[ENV_MAX];
	const char *argv[64];
	char bin[PATH_MAX];
	size_t n = 0;
	argv[n++] = o->bin ? o->bin : cli_bin();
	/* A relative program ("./ptlab") is not found from another folder. */
	if (o->cwd && argv[0][0] != '/' && realpath(argv[0], bin))
		argv[0] = bin;
	for (; *args; args++) {
		ck_assert_uint_lt(n, 63);
		argv[n++] = *args;
	}
	argv[n] = NULL;
	build_env(env, o->locale_env, o->extra_env);
	/* Closed in the child by execve (or its exit): the end of file says it runs the binary. */
	int exec_pipe[2];
	ck_assert_int_eq(pipe2(exec_pipe, O_CLOEXEC), 0);
	pid_t parent = getpid();
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
		    dup2(err, 2) < 0)
			_exit(126);
		int broken[2];
		if (o->stdout_broken &&
		    (pipe(broken) != 0 || close(broken[0]) != 0 || dup2(broken[1], 1) < 0))
			_exit(126);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, o->ignore_hup ? SIG_IGN : SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		if (o->own_group)
			setpgid(0, 0);
		/*
		 * Only 0, 1 and 2 go on (3, the pipe, is closed by execve): a
		 * limit on descriptors counts from there.
		 */
		if (exec_pipe[1] != 3 && dup3(exec_pipe[1], 3, O_CLOEXEC) < 0)
			_exit(126);
		if (close_range(4, ~0u, 0) != 0)
			for (int fd = 4; fd < 1024; fd++)
				close(fd);
		child_setup(o, parent);
		execve(argv[0], (char *const *)argv, env);
		dprintf(2, "cli_spawn: execve %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (o->own_group)
		setpgid(pid, pid); /* also done by the child: whichever runs first */
	/*
	 * Returns once the child runs the binary (or gave up): before that it
	 * still has the test's signal handlers, and what /proc says of it is
	 * not yet what the binary does.
	 */
	close(exec_pipe[1]);
	char byte;
	while (read(exec_pipe[0], &byte, 1) < 0 && errno == EINTR)
		;
	close(exec_pipe[0]);
	return pid;
}

pid_t cli_spawn(const char *const *args, const char *out_path, const char *err_path)
{
	return cli_spawn_with(NULL, args, out_path, err_path);
}

void cli_wait(pid_t pid, uint64_t limit_ns, struct cli *r)
{
	uint64_t end = clock_now_ns() + limit_ns;
	int status = 0;
	pid_t got;
	r->timed_out = false;
	while ((got = waitpid(pid, &status, WNOHANG)) == 0) {
		if (clock_now_ns() >= end) {
			kill(pid, SIGKILL);
			r->timed_out = true;
			while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
				;
			break;
		}
		cli_sleep_ns(2000000);
	}
	ck_assert_int_eq(got, pid);
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	r->sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

void cli_paths(char *out, char *err, size_t size)
{
	snprintf(out, size, "%s/stdout", cli_case_dir);
	snprintf(err, size, "%s/stderr", cli_case_dir);
}

void cli_run_with(struct cli *r, uint64_t limit_ns, const struct cli_spawn_opts *opts,
		  const char *const *args)
{
	char out[300], err[300];
	cli_paths(out, err, sizeof(out));
	cli_wait(cli_spawn_with(opts, args, out, err), limit_ns, r);
	r->out = cli_slurp(out);
	r->err = cli_slurp(err);
	unlink(out);
	unlink(err);
}

void cli_run(struct cli *r, uint64_t limit_ns, const char *const *args)
{
	cli_run_with(r, limit_ns, NULL, args);
}

void cli_free(struct cli *r)
{
	free(r->out);
	free(r->err);
}

static bool has_prefix(const char *name, const char *const *prefixes)
{
	if (!prefixes)
		return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
	for (; *prefixes; prefixes++)
		if (strncmp(name, *prefixes, strlen(*prefixes)) == 0)
			return true;
	return false;
}

char *cli_dir_names(const char *dir, const char *const *prefixes)
{
	size_t len = 0;
	char *acc = calloc(1, 1);
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(acc);
	if (!d)
		return acc;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!has_prefix(de->d_name, prefixes))
			continue;
		size_t n = strlen(de->d_name) + 1;
		acc = realloc(acc, len + n + 1);
		ck_assert_ptr_nonnull(acc);
		memcpy(acc + len, de->d_name, n);
		len += n;
		acc[len] = '\0';
	}
	closedir(d);
	return acc;
}

bool cli_in_names(const char *names, const char *name)
{
	for (const char *p = names; *p; p += strlen(p) + 1)
		if (strcmp(p, name) == 0)
			return true;
	return false;
}

char *cli_shm_names(void)
{
	return cli_dir_names("/dev/shm", (const char *const[]){ "ptlab.", NULL });
}

int cli_shm_left_behind(const char *before)
{
	char *after = cli_shm_names();
	int left = 0;
	for (const char *p = after; *p; p += strlen(p) + 1) {
		if (cli_in_names(before, p))
			continue;
		long owner = strtol(p + 6, NULL, 10);
		if (owner > 0 && kill((pid_t)owner, 0) != 0 && errno == ESRCH)
			left++;
	}
	free(after);
	return left;
}

bool cli_reap_all(uint64_t limit_ns, int *reaped)
{
	uint64_t end = clock_now_ns() + limit_ns;
	for (;;) {
		pid_t got = waitpid(-1, NULL, WNOHANG);
		if (got > 0) {
			(*reaped)++;
			continue;
		}
		if (got < 0 && errno == ECHILD)
			return true;
		if (clock_now_ns() >= end)
			return false;
		cli_sleep_ns(5000000);
	}
}

void cli_kill_my_children(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	char *s = cli_slurp(path);
	for (char *p = s; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		kill((pid_t)pid, SIGKILL);
		waitpid((pid_t)pid, NULL, 0);
		p = end;
	}
	free(s);
}

int cli_each_real_run(void (*each)(const char *name, const char *json, void *arg), void *arg)
{
	static const char *const dirs[] = { PTLAB_SRCDIR "/tests/fixtures/runs",
					    PTLAB_SRCDIR "/../shared/runs" };
	char dir[] = "/tmp/ptlab-real-XXXXXX", json[400], cmd[1200];
	int seen = 0;
	if (system("command -v xz >/dev/null 2>&1") != 0)
		return -1;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(json, sizeof(json), "%s/run.json", dir);
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char *names = cli_dir_names(dirs[d], NULL);
		for (const char *n = names; *n; n += strlen(n) + 1) {
			size_t len = strlen(n);
			if (len < 8 || strcmp(n + len - 8, ".json.xz") != 0)
				continue;
			snprintf(cmd, sizeof(cmd), "xz -dc '%s/%s' > '%s'", dirs[d], n, json);
			ck_assert_msg(system(cmd) == 0, "%s", cmd);
			each(n, json, arg);
			seen++;
		}
		free(names);
	}
	unlink(json);
	rmdir(dir);
	return seen;
}
