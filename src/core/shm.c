// SPDX-License-Identifier: MIT
/* shm: a bump allocator over one shared anonymous mapping. See shm.h. */
#include "core/shm.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

int shm_arena_create(struct shm_arena *a, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size = (size + page - 1) / page * page;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	a->base = p;
	a->size = size;
	a->used = 0;
	return 0;
}

void *shm_arena_alloc(struct shm_arena *a, size_t n, size_t align)
{
	uintptr_t start = ((uintptr_t)a->base + a->used + align - 1) & ~(uintptr_t)(align - 1);
	size_t off = start - (uintptr_t)a->base;
	if (off > a->size || n > a->size - off)
		return NULL;
	a->used = off + n;
	return (void *)start;
}

void shm_arena_destroy(struct shm_arena *a)
{
	if (a->base)
		munmap(a->base, a->size);
	a->base = NULL;
	a->size = a->used = 0;
}
