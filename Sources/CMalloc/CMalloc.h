// glibc's malloc tuning (malloc.h is not part of Swift's Glibc module).
#ifndef ASYNCURL_CMALLOC_H
#define ASYNCURL_CMALLOC_H

#include <malloc.h>

/// Limits malloc to `count` arenas for the whole process. Call before other threads start.
static inline int asyncurl_limit_malloc_arenas(int count) {
    return mallopt(M_ARENA_MAX, count);
}

#endif
