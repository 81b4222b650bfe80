// SPDX-License-Identifier: MIT
/*
 * save: every report file is written the same way: into a temporary file
 * beside the target, then renamed over it, with SIGINT, SIGTERM and SIGHUP
 * held off meanwhile, so that an interrupted or failed write never leaves a
 * half file or a temporary one behind.
 */
#include "report/report.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/json.h"
#include "util/xalloc.h"

/* Renders into a temporary file and renames it over path. Signals are the caller's. */
static int save_atomically(const char *path, const struct renderer *rd, const struct run *r,
			   const struct verdict *v, const struct report_opts *o)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int err = 0, fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		err = -errno;
		goto out_tmp;
	}
	FILE *fp = fdopen(fd, "w");
	if (!fp) {
		err = -errno;
		close(fd);
		goto out_unlink;
	}
	err = rd->render(fp, r, v, o);
	if (fflush(fp) != 0 && !err)
		err = -errno;
	if (!err && fsync(fileno(fp)) != 0)
		err = -errno;
	if (fclose(fp) != 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) != 0)
		err = -errno;
out_unlink:
	if (err)
		unlink(tmp);
out_tmp:
	free(tmp);
	return err;
}

int report_save(const char *path, const struct renderer *rd, const struct run *r,
		const struct verdict *v, const struct report_opts *o)
{
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	int err = rd == &render_json ? report_save_json(path, r, v)
				     : save_atomically(path, rd, r, v, o);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}
