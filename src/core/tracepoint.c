// SPDX-License-Identifier: MIT
/* tracepoint: count a kernel tracepoint per CPU through perf. See tracepoint.h. */
#include "core/tracepoint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include "core/io.h"

static const char *const tracefs_roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing",
					     NULL };

/* A small file read whole into buf (NUL-terminated). Returns 0 or -errno. */
static int read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = io_read_full(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	return 0;
}

static int id_at(const char *root, const char *group, const char *name, uint64_t *id)
{
	char path[512], text[32], *end;
	struct stat st;
	snprintf(path, sizeof(path), "%s/events", root);
	if (stat(path, &st) != 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENODEV : -errno;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, group, name);
	int err = read_small(path, text, sizeof(text));
	if (err)
		return err;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || end == text)
		return -EINVAL;
	*id = v;
	return 0;
}

int tracepoint_id(const char *root, const char *group, const char *name, uint64_t *id)
{
	if (root)
		return id_at(root, group, name, id);
	int err = -ENODEV;
	/* The first place with a tracefs decides; an empty mount point does not. */
	for (size_t i = 0; tracefs_roots[i] && err == -ENODEV; i++)
		err = id_at(tracefs_roots[i], group, name, id);
	return err;
}

int tracepoint_open_cpu(uint64_t id, int cpu)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = id;
	long fd = syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

int tracepoint_read(int fd, uint64_t *count)
{
	/* One read of the whole value: perf refuses a shorter buffer (ENOSPC). */
	ssize_t n;
	do
		n = read(fd, count, sizeof(*count));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(*count) ? 0 : -EIO;
}

int tracepoint_paranoid(void)
{
	char text[32];
	if (read_small("/proc/sys/kernel/perf_event_paranoid", text, sizeof(text)) != 0)
		return INT32_MIN;
	return atoi(text);
}
