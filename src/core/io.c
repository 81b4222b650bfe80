// SPDX-License-Identifier: MIT
/* io: the one place that loops over partial I/O. See io.h. */
#include "core/io.h"

#include <errno.h>
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

/* The test build moves at most a few bytes per call to drive the partial paths. */
#ifdef PTLAB_TESTING
#define IO_CHUNK 7
#else
#define IO_CHUNK ((size_t)1 << 30)
#endif

int io_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len < IO_CHUNK ? len : IO_CHUNK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t io_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		size_t want = len - got < IO_CHUNK ? len - got : IO_CHUNK;
		ssize_t n = read(fd, p + got, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int io_random_hex(char *out, size_t bytes)
{
	unsigned char rnd[32];
	ssize_t n;
	if (bytes > sizeof(rnd))
		return -EINVAL;
	while ((n = getrandom(rnd, bytes, 0)) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)bytes)
		return n < 0 ? -errno : -EIO;
	for (size_t i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", rnd[i]);
	return 0;
}

void io_block_stops(sigset_t *old)
{
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, old);
}
