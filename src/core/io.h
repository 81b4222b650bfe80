// SPDX-License-Identifier: MIT
/*
 * io: short reads, short writes and EINTR, handled once. Everything in
 * ptlab that moves bytes through a file descriptor and needs all of them
 * goes through these two. Beside them, the random names ptlab makes.
 */
#ifndef PTLAB_CORE_IO_H
#define PTLAB_CORE_IO_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/* Writes all len bytes. Returns 0 or -errno. */
int io_write_all(int fd, const void *buf, size_t len);

/*
 * Reads up to len bytes, retrying on EINTR and short reads until len bytes
 * or end of file. Returns the count read (< len only at end of file) or
 * -errno.
 */
ssize_t io_read_full(int fd, void *buf, size_t len);

/*
 * Writes `bytes` random bytes from getrandom() as 2 * bytes lowercase hex
 * digits and a NUL into out (at least 2 * bytes + 1). Returns 0 or -errno.
 */
int io_random_hex(char *out, size_t bytes);

/*
 * Blocks SIGINT, SIGTERM and SIGHUP, the signals that stop a run, around
 * what must not be cut in two; *old receives the mask to restore with
 * sigprocmask(SIG_SETMASK, old, NULL).
 */
void io_block_stops(sigset_t *old);

#endif
