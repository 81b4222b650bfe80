// SPDX-License-Identifier: MIT
/*
 * save: every report file is rendered into memory, then handed to
 * outfile_write() (core/outfile.h), which decides from what the path names
 * how it is written (atomically through a temporary file, into a device or
 * a FIFO in place, or to stdout) and holds SIGINT, SIGTERM and SIGHUP off
 * meanwhile. Rendering first means a write error is the real one (ENOSPC
 * says no space), not a stdio stream's lost errno.
 */
#include "report/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/outfile.h"

int report_save(const char *path, const struct renderer *rd, const struct run *r,
		const struct verdict *v, const struct report_opts *o, const char **why)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return -errno;
	int err = rd->render(m, r, v, o);
	if (fclose(m) != 0 && !err)
		err = -ENOMEM;
	if (!err)
		err = outfile_write(path, buf, len, why);
	free(buf);
	return err;
}
