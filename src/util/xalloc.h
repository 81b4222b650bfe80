// SPDX-License-Identifier: MIT
/*
 * xalloc: allocation that cannot fail quietly. ptlab's own bookkeeping
 * (result model, renderers) is tiny; running out of memory there is not a
 * condition worth a recovery path, so these print one message and abort.
 * Experiments that allocate on purpose (large working sets) use mmap and
 * turn failure into a skip instead.
 */
#ifndef PTLAB_UTIL_XALLOC_H
#define PTLAB_UTIL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows *p (an array of *cap elements of size elem) to hold at least need. */
void xgrow(void **p, size_t *cap, size_t need, size_t elem);

#endif
