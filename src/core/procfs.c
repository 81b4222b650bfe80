// SPDX-License-Identifier: MIT
/*
 * procfs: reads a process's memory and scheduling counters from /proc.
 *
 * Most of what is read here is a "Key:   value [kB]" file (status,
 * smaps_rollup, smaps, meminfo), so one parser serves all of them: it takes
 * a table of wanted keys, adds up every line whose key matches exactly
 * (adding is what summing /proc/PID/smaps needs, and is harmless for files
 * where a key appears once) and converts kB to bytes. /proc/PID/stat is the
 * exception: its second field is the command name in parentheses, which may
 * itself contain spaces and ')', so it is split only after the last ')'.
 *
 * Caveats worth knowing when reading the figures:
 * - the context-switch counts in /proc/PID/status belong to the task whose
 *   id is PID (the main thread), not to the whole thread group, while the
 *   fault counts in /proc/PID/stat cover every live and exited thread;
 * - smaps_rollup appeared in Linux 4.14; before that /proc/PID/smaps is
 *   summed, which is slower but gives the same totals;
 * - a process that exits while being read turns into -ENOENT (the kernel
 *   may answer ESRCH from read(); it is mapped so callers see one code).
 */
#include "core/procfs.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One wanted key of a "Key: value" file and where its value is added. */
struct procfs_key {
	const char *name;
	uint64_t *value;
	bool seen;
};

/* errno after a failed open or read, as the -errno this module returns. */
static int procfs_err(int err)
{
	if (err == ESRCH)
		return -ENOENT;
	return err ? -err : -EIO;
}

/*
 * Opens /proc/PID/name (/proc/self/name when pid is 0) for reading.
 * Returns 0 and sets *fp, or -errno (-ENOENT when the process is gone).
 */
static int procfs_open(pid_t pid, const char *name, FILE **fp)
{
	char path[64];

	if (pid < 0)
		return -EINVAL;
	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/%s", name);
	else
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);

	*fp = fopen(path, "re");
	if (!*fp)
		return procfs_err(errno);
	return 0;
}

/*
 * Parses "value" or "value kB" after a key's colon into *out, in bytes when
 * the unit is kB and as a plain count otherwise. Returns 0 or -EINVAL.
 */
static int procfs_parse_value(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	while (*end == ' ' || *end == '\t')
		end++;
	if (strncmp(end, "kB", 2) == 0) {
		if (v > UINT64_MAX / 1024)
			return -EINVAL;
		v *= 1024;
	}
	*out = v;
	return 0;
}

/*
 * Reads every line of f and, for each line whose key (the text before the
 * first ':') equals one in keys[0..n), adds its value to *keys[i].value.
 * Values are not reset first: callers zero them. Returns 0 when every key
 * was seen at least once, -EINVAL when one was missing or a value did not
 * parse, or -errno when reading failed.
 */
static int procfs_parse_keys(FILE *f, struct procfs_key *keys, size_t n)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	errno = 0;
	while (getline(&line, &cap, f) >= 0) {
		char *colon = strchr(line, ':');
		uint64_t v;

		if (!colon)
			continue;
		for (size_t i = 0; i < n; i++) {
			size_t klen = strlen(keys[i].name);

			if ((size_t)(colon - line) != klen || memcmp(line, keys[i].name, klen) != 0)
				continue;
			if (procfs_parse_value(colon + 1, &v)) {
				ret = -EINVAL;
				goto out_free;
			}
			*keys[i].value += v;
			keys[i].seen = true;
			break;
		}
	}
	if (ferror(f)) {
		ret = procfs_err(errno);
		goto out_free;
	}
	for (size_t i = 0; i < n; i++) {
		if (!keys[i].seen) {
			ret = -EINVAL;
			break;
		}
	}
out_free:
	free(line);
	return ret;
}

/* Opens /proc/PID/name and runs procfs_parse_keys() on it. */
static int procfs_read_keys(pid_t pid, const char *name, struct procfs_key *keys, size_t n)
{
	FILE *f;
	int ret = procfs_open(pid, name, &f);

	if (ret)
		return ret;
	ret = procfs_parse_keys(f, keys, n);
	fclose(f);
	return ret;
}

/*
 * Fills *out with Rss, Pss and Anonymous from smaps_rollup (or the sum over
 * smaps on kernels without it) and VmPTE from status. Returns 0, -ENOENT
 * when the process is gone, -EINVAL when a field is missing (a zombie or a
 * kernel thread has no memory map to report), or another -errno.
 */
int procfs_mem(pid_t pid, struct procfs_mem *out)
{
	struct procfs_mem m = { 0 };
	struct procfs_key map_keys[] = {
		{ .name = "Rss", .value = &m.rss_bytes },
		{ .name = "Pss", .value = &m.pss_bytes },
		{ .name = "Anonymous", .value = &m.anon_bytes },
	};
	struct procfs_key status_keys[] = {
		{ .name = "VmPTE", .value = &m.page_table_bytes },
	};
	int ret;

	ret = procfs_read_keys(pid, "smaps_rollup", map_keys, 3);
	if (ret == -ENOENT) {
		/* Pre-4.14 kernel, or the process is gone: smaps tells which. */
		ret = procfs_read_keys(pid, "smaps", map_keys, 3);
	}
	if (ret)
		return ret;
	ret = procfs_read_keys(pid, "status", status_keys, 1);
	if (ret)
		return ret;
	*out = m;
	return 0;
}

/*
 * The comm field is skipped by looking for the last ')' (a name may hold
 * spaces and parentheses); the tokens after it start with field 3 (the
 * state letter), so field k is token k - 3.
 */
int procfs_stat_fields(pid_t pid, const int *fields, uint64_t *out, size_t n)
{
	char *line = NULL, *p, *tok, *save, *end;
	size_t cap = 0, found = 0;
	FILE *f;
	int ret, field = 3;

	ret = procfs_open(pid, "stat", &f);
	if (ret)
		return ret;
	errno = 0;
	if (getline(&line, &cap, f) < 0) {
		ret = ferror(f) ? procfs_err(errno) : -EINVAL;
		goto out_close;
	}
	p = strrchr(line, ')');
	if (!p) {
		ret = -EINVAL;
		goto out_close;
	}
	for (tok = strtok_r(p + 1, " \n", &save); tok && found < n;
	     tok = strtok_r(NULL, " \n", &save), field++)
		for (size_t i = 0; i < n; i++) {
			if (fields[i] != field)
				continue;
			errno = 0;
			out[i] = strtoull(tok, &end, 10);
			if (errno || *end != '\0' || *tok < '0' || *tok > '9') {
				ret = -EINVAL;
				goto out_close;
			}
			found++;
		}
	if (found < n)
		ret = -EINVAL;
out_close:
	free(line);
	fclose(f);
	return ret;
}

/*
 * Fills *out with the fault counts (whole thread group) and, from status,
 * the context switches (the main thread's) and the number of threads.
 * Returns 0, -ENOENT when the process is gone, -EINVAL or -errno.
 */
int procfs_sched(pid_t pid, struct procfs_sched *out)
{
	struct procfs_sched s = { 0 };
	uint64_t threads = 0;
	struct procfs_key keys[] = {
		{ .name = "voluntary_ctxt_switches", .value = &s.voluntary_switches },
		{ .name = "nonvoluntary_ctxt_switches", .value = &s.involuntary_switches },
		{ .name = "Threads", .value = &threads },
	};
	int ret;

	uint64_t faults[2] = { 0, 0 };
	ret = procfs_stat_fields(pid, (const int[]){ 10, 12 }, faults, 2); /* minflt, majflt */
	s.minor_faults = faults[0];
	s.major_faults = faults[1];
	if (ret)
		return ret;
	ret = procfs_read_keys(pid, "status", keys, 3);
	if (ret)
		return ret;
	if (threads > INT32_MAX)
		return -EINVAL;
	s.threads = (int)threads;
	*out = s;
	return 0;
}

/*
 * One field of /proc/meminfo. Fields given in kB come back in bytes; the
 * few without a unit (HugePages_Total...) come back as they are.
 */
int procfs_meminfo(const char *field, uint64_t *bytes)
{
	uint64_t v = 0;
	struct procfs_key key = { .name = field, .value = &v };
	FILE *f;
	int ret;

	if (!field || !*field)
		return -EINVAL;
	f = fopen("/proc/meminfo", "re");
	if (!f)
		return procfs_err(errno);
	ret = procfs_parse_keys(f, &key, 1);
	fclose(f);
	if (ret == -EINVAL && !key.seen)
		return -ENOENT;
	if (ret)
		return ret;
	*bytes = v;
	return 0;
}

/*
 * Counts the entries of /proc/PID/task, one per live thread. The count is
 * a snapshot: threads may start or end while the directory is read.
 */
int procfs_task_count(pid_t pid, int *count)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int n = 0, ret = 0;

	if (pid < 0)
		return -EINVAL;
	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/task");
	else
		snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);

	d = opendir(path);
	if (!d)
		return procfs_err(errno);
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			n++;
		errno = 0;
	}
	if (errno)
		ret = procfs_err(errno);
	closedir(d);
	if (ret)
		return ret;
	*count = n;
	return 0;
}
