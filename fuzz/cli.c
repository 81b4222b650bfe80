// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the command line. The input is an argument vector, its
 * arguments separated by NUL bytes ("run\0--set\0create.budget=5ms");
 * argv[0] is "ptlab". It goes through ptlab_fuzz_args() (src/main.c, built
 * with -DPTLAB_FUZZ): every check main() makes before it acts (--lang, the
 * options, --cpus, the names and values of --set, each experiment's joint
 * check, the server model) and the commands that only print (list,
 * claims, explain, --help, --version). Nothing reads, writes or removes a
 * file and nothing is run, so any vector is safe to try.
 *
 * Besides memory safety and undefined behaviour, one contract is checked:
 * a bad command line is a usage error, exit status 2, never 1 (which here
 * could only mean a built-in default that does not parse).
 *
 * What the program prints goes to /dev/null: stdout and stderr are
 * pointed at it, which glibc allows ("stdin, stdout, and stderr are normal
 * variables which you can set", the glibc manual, Standard Streams).
 * libFuzzer and the sanitizers keep writing to file descriptor 2, and so
 * does this file's own report of a broken contract. LANGUAGE is cleared
 * before each input, because --lang id sets it for the rest of the
 * process and the next input must not inherit it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ptlab_fuzz_args(int argc, char **argv); /* src/main.c, -DPTLAB_FUZZ */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ARGS_MAX 128 /* more arguments than that are cut off */

static FILE *report; /* the real stderr */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	report = stderr;
	stdout = fopen("/dev/null", "w");
	stderr = fopen("/dev/null", "w");
	if (!stdout || !stderr)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[ARGS_MAX + 2];
	int argc = 0;
	/* One copy, NUL-terminated: every argument is a string inside it. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	argv[argc++] = "ptlab";
	for (char *p = text; p < text + size && argc <= ARGS_MAX; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	unsetenv("LANGUAGE");
	int status = ptlab_fuzz_args(argc, argv);
	if (status != 0 && status != 2) {
		fprintf(report, "fuzz/cli: exit status %d, not 0 or 2 (usage)\n", status);
		abort();
	}
	fflush(stdout);
	fflush(stderr);
	free(text);
	return 0;
}
