// SPDX-License-Identifier: MIT
#include "util/msg.h"

#include <stdio.h>

#include "util/i18n.h"

__attribute__((format(printf, 2, 0))) static void vsay(const char *prefix, const char *fmt,
						       va_list ap)
{
	fputs("ptlab: ", stderr);
	if (prefix)
		fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void msg_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(NULL, fmt, ap);
	va_end(ap);
}

void msg_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(_("warning: "), fmt, ap);
	va_end(ap);
}
