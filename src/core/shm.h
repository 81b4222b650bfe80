// SPDX-License-Identifier: MIT
/*
 * shm: the shared arena. One mapping made with MAP_SHARED | MAP_ANONYMOUS
 * before any unit starts: a process unit inherits it at fork, a thread unit
 * simply shares the address space, so the same pointer names the same
 * bytes for both kinds. Tokens, counters and the results of process units
 * live here. Nothing is named, so nothing can be left behind.
 */
#ifndef PTLAB_CORE_SHM_H
#define PTLAB_CORE_SHM_H

#include <stddef.h>

struct shm_arena {
	void *base;
	size_t size;
	size_t used;
};

/* Maps size bytes (rounded up to pages), zero-filled. Returns 0 or -errno. */
int shm_arena_create(struct shm_arena *a, size_t size);

/*
 * Carves n bytes aligned to align (a power of two; 64 keeps hot words on
 * their own cache line) out of the arena. NULL when it is full.
 */
void *shm_arena_alloc(struct shm_arena *a, size_t n, size_t align);

void shm_arena_destroy(struct shm_arena *a);

#endif
