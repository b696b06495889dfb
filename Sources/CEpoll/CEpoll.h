// Linux epoll and eventfd for the fetch core's socket-action event loop,
// the name of its thread, and closing inherited descriptors in spawned children.
//
// `struct epoll_event` is packed on x86-64, which Swift cannot import, so
// these wrappers keep it on the C side and hand Swift plain integers.
#ifndef ASYNCURL_CEPOLL_H
#define ASYNCURL_CEPOLL_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static const uint32_t asyncurl_epoll_in = EPOLLIN;
static const uint32_t asyncurl_epoll_out = EPOLLOUT;
static const uint32_t asyncurl_epoll_error = EPOLLERR | EPOLLHUP;

// glibc declares it only under _GNU_SOURCE, which would change other
// system headers for this module alone (and clash with the other C modules).
extern int pthread_setname_np(pthread_t thread, const char *name);

// glibc 2.34 and later; declared only under _GNU_SOURCE, as above.
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

// Declared only under _GNU_SOURCE, as above.
extern int pipe2(int fds[2], int flags);

/// A pipe whose two ends are close-on-exec from the start. 0 on success.
static inline int asyncurl_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

/// Makes a `posix_spawn` child close every descriptor from `lowest` up
/// before it runs its program, whatever its close-on-exec flag. 0 on success.
static inline int asyncurl_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

/// Names the calling thread (at most 15 bytes show, in `top -H` and debuggers).
static inline void asyncurl_name_current_thread(const char *name) {
    pthread_setname_np(pthread_self(), name);
}

/// A new epoll instance (close-on-exec), or -1.
static inline int asyncurl_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

/// A new non-blocking, close-on-exec eventfd, or -1.
static inline int asyncurl_eventfd_create(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

/// Adds (`add` != 0) or modifies the watch of `fd` for `events`. 0 on success.
static inline int asyncurl_epoll_watch(int epfd, int fd, uint32_t events, int add) {
    struct epoll_event event;
    event.events = events;
    event.data.fd = fd;
    return epoll_ctl(epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event);
}

/// Stops watching `fd`. 0 on success.
static inline int asyncurl_epoll_unwatch(int epfd, int fd) {
    struct epoll_event event = {0};
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &event);
}

/// Waits up to `timeout_ms` (-1: no limit) and writes up to `capacity` ready
/// descriptors and their events. Returns how many, 0 on time-out or EINTR, -1 on error.
static inline int asyncurl_epoll_wait(int epfd, int *fds, uint32_t *events, int capacity, int timeout_ms) {
    struct epoll_event ready[256];
    if (capacity > 256) capacity = 256;
    int count = epoll_wait(epfd, ready, capacity, timeout_ms);
    if (count < 0) return errno == EINTR ? 0 : -1;
    for (int i = 0; i < count; i++) {
        fds[i] = ready[i].data.fd;
        events[i] = ready[i].events;
    }
    return count;
}

/// Adds one to an eventfd's counter, waking its reader.
static inline void asyncurl_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t written = write(fd, &one, sizeof one);
    (void)written;
}

/// Resets an eventfd's counter.
static inline void asyncurl_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t got = read(fd, &value, sizeof value);
    (void)got;
}

#endif
