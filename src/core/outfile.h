// SPDX-License-Identifier: MIT
/*
 * outfile: how every file ptlab is asked to write (--json, --html, --csv,
 * --openmetrics) is written, safely when ptlab runs as root. One rule
 * decides, once, from what the path names:
 *
 *   "-", a link to the standard output
 *       (/dev/stdout), or the regular file
 *       stdout is redirected to           -> written to stdout, in place;
 *   nothing yet                           -> a new file, made atomically;
 *   a regular file                        -> replaced atomically; its
 *                                            mode (and, as root, owner) kept;
 *   a character device or a FIFO          -> written into, in place: never
 *                                            created, truncated or renamed
 *                                            over (/dev/null stays a device);
 *   a symbolic link                       -> followed only when it belongs
 *                                            to the user or to root, leads
 *                                            straight (no chain of links) to
 *                                            stdout, a device or a FIFO;
 *   anything else (a folder, a block device, a socket, a file of /proc or
 *   /sys, a link to a file)               -> refused, with the reason.
 *
 * "Atomically": the data goes into a temporary file in the target's folder,
 * made with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600 and a random name (so a
 * link planted at any name is never followed), synced, given its final
 * mode, then renamed over the target (a new file is never renamed over
 * something that appeared meanwhile). A reader never sees half a file and
 * no temporary file outlives a failure or an interruption: SIGINT, SIGTERM
 * and SIGHUP are held off meanwhile (not while a device, a FIFO or stdout
 * is written, which may block). The folder is looked up once and held
 * open; every step after is made relative to it, and a device is opened
 * without following a link it was not named through, then checked to be
 * the file that was looked at.
 */
#ifndef PTLAB_CORE_OUTFILE_H
#define PTLAB_CORE_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>

enum outfile_way {
	OUTFILE_STDOUT,	  /* to the standard output */
	OUTFILE_CREATE,	  /* a new file */
	OUTFILE_REPLACE,  /* an existing regular file, replaced */
	OUTFILE_IN_PLACE, /* a character device or a FIFO, written into */
};

/*
 * Decides how path would be written and checks, without creating or
 * changing anything that stays, that it can be: the names fit NAME_MAX and
 * PATH_MAX with the temporary name, the folder takes a new file (a trial
 * file is made and removed), an existing file is writable. Returns 0 with
 * *way set, or -errno; when the refusal is ptlab's rule rather than the
 * system's, *why (nullable) points to an untranslated N_() sentence that
 * says it, else NULL.
 */
int outfile_check(const char *path, enum outfile_way *way, const char **why);

/*
 * Writes the len bytes of data to path as outfile_check() decides (it is
 * checked again: the path may have changed since). Returns 0 or -errno of
 * the call that failed (-ENOSPC on a full disk); *why as above.
 */
int outfile_write(const char *path, const void *data, size_t len, const char **why);

/* The name of the temporary files, for tests: "<folder>/.ptlab-XXXXXXXXXXXX". */
#define OUTFILE_TMP_PREFIX ".ptlab-"

#endif
