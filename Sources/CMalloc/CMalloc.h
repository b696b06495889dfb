// glibc's malloc tuning (malloc.h is not part of Swift's Glibc module).
#ifndef ASYNCURL_CMALLOC_H
#define ASYNCURL_CMALLOC_H

#include <malloc.h>

/// Limits malloc to one arena for the whole process. Call before other threads start.
static inline int asyncurl_use_one_malloc_arena(void) {
    return mallopt(M_ARENA_MAX, 1);
}

#endif
