// SPDX-License-Identifier: MIT
/*
 * io: short reads, short writes and EINTR, handled once. Everything in
 * ptlab that moves bytes through a file descriptor and needs all of them
 * goes through these two.
 */
#ifndef PTLAB_CORE_IO_H
#define PTLAB_CORE_IO_H

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

#endif
