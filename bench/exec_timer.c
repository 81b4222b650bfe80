// SPDX-License-Identifier: MIT
/*
 * exec_timer: the peer of create's fork_exec, posix_spawn and fork figures
 * for bench/all.sh. It times the same operation on the same program the
 * way ptlab's sampler does, with none of ptlab around it: batches grown
 * until one lasts 100 us, 50 ms of warm-up thrown away, then one sample
 * per batch until the budget is spent (at least 20), and the median time
 * per operation printed in nanoseconds. Pinning is left to taskset.
 *
 *   exec_timer fork_exec|posix_spawn|fork PROGRAM BUDGET_MS
 *
 * Built by bench/all.sh (cc -O2); not part of ptlab.
 */
#include <errno.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *prog;
static int (*op)(void);

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Waits for pid; 0 when it exited with 0. */
static int reap(pid_t pid)
{
	int status;
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int op_fork_exec(void)
{
	char *argv[] = { (char *)prog, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		execve(prog, argv, environ);
		_exit(127);
	}
	return reap(pid);
}

static int op_posix_spawn(void)
{
	char *argv[] = { (char *)prog, NULL };
	pid_t pid;
	return posix_spawn(&pid, prog, NULL, NULL, argv, environ) ? -1 : reap(pid);
}

static int op_fork(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	return reap(pid);
}

/* One batch of n operations: its duration, or 0 when one failed. */
static uint64_t batch(uint64_t n)
{
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		if (op())
			return 0;
	return now_ns() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: exec_timer fork_exec|posix_spawn|fork PROGRAM BUDGET_MS\n");
		return 2;
	}
	prog = argv[2];
	op = strcmp(argv[1], "fork_exec") == 0	   ? op_fork_exec
	     : strcmp(argv[1], "posix_spawn") == 0 ? op_posix_spawn
	     : strcmp(argv[1], "fork") == 0	   ? op_fork
						   : NULL;
	if (!op) {
		fprintf(stderr, "exec_timer: unknown method %s\n", argv[1]);
		return 2;
	}
	uint64_t budget = strtoull(argv[3], NULL, 10) * 1000000u, n = 1, t;
	/* Calibrate (counted as warm-up), then warm up. */
	while ((t = batch(n)) != 0 && t < 100000)
		n *= 2;
	for (uint64_t end = now_ns() + 50000000u; t != 0 && now_ns() < end;)
		t = batch(n);
	size_t cap = 1 << 16, k = 0;
	double *per_op = malloc(cap * sizeof(*per_op));
	if (t == 0 || !per_op) {
		fprintf(stderr, "exec_timer: %s of %s failed\n", argv[1], prog);
		return 1;
	}
	for (uint64_t end = now_ns() + budget; k < cap && (now_ns() < end || k < 20); k++) {
		if ((t = batch(n)) == 0) {
			fprintf(stderr, "exec_timer: %s of %s failed\n", argv[1], prog);
			return 1;
		}
		per_op[k] = (double)t / (double)n;
	}
	qsort(per_op, k, sizeof(*per_op), cmp_double);
	printf("%.0f\n", k % 2 ? per_op[k / 2] : (per_op[k / 2 - 1] + per_op[k / 2]) / 2);
	free(per_op);
	return 0;
}
