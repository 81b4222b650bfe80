// SPDX-License-Identifier: MIT
/*
 * msg: the one place that prints diagnostics. Every message goes to stderr
 * as "ptlab: <text>". Callers pass whole translated sentences (_()).
 */
#ifndef PTLAB_UTIL_MSG_H
#define PTLAB_UTIL_MSG_H

#include <stdarg.h>

void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
