/* allot_sys.h: the Linux system calls Glibc's Swift module does not export (epoll, accept4,
 * signalfd, eventfd), for the allotd event loop. Plain declarations from the system headers, nothing else. */
#ifndef ALLOT_SYS_H
#define ALLOT_SYS_H


#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

/* accept4 is declared only under _GNU_SOURCE, which would make this module's view of the
 * system headers differ from Dispatch's; declare it here as glibc defines it. */
extern int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);

/* accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC (a static inline, so no symbol is needed). */
static inline int allot_sys_accept_nonblocking(int fd) {
  return accept4(fd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

static inline int allot_sys_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

/* Registers (op EPOLL_CTL_ADD), changes (EPOLL_CTL_MOD) or removes (EPOLL_CTL_DEL) fd with
 * the events mask, the fd itself as the data. */
static inline int allot_sys_epoll_ctl(int ep, int op, int fd, unsigned int events) {
  struct epoll_event ev;
  ev.events = events;
  ev.data.fd = fd;
  return epoll_ctl(ep, op, fd, &ev);
}

/* Waits; fills fds[i] and events[i] for up to max ready descriptors. */
static inline int allot_sys_epoll_wait(int ep, int *fds, unsigned int *events, int max,
                                       int timeout) {
  struct epoll_event evs[256];
  if (max > 256) max = 256;
  int n = epoll_wait(ep, evs, max, timeout);
  for (int i = 0; i < n; i++) {
    fds[i] = evs[i].data.fd;
    events[i] = evs[i].events;
  }
  return n;
}

/* Raises the soft limit on open files to the hard limit; returns the soft limit now in
 * force (-1 if it cannot be read; the largest long for no limit). */
static inline long allot_sys_raise_open_file_limit(void) {
  struct rlimit r;
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return -1;
  if (r.rlim_cur < r.rlim_max) {
    struct rlimit raised = r;
    raised.rlim_cur = r.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) r = raised;
  }
  return r.rlim_cur == RLIM_INFINITY || r.rlim_cur > (rlim_t)__LONG_MAX__ ? __LONG_MAX__
                                                                          : (long)r.rlim_cur;
}

/* Makes SIGTERM and SIGINT readable from a descriptor instead of interrupting: resets their
 * disposition to the default (an inherited "ignore" would discard them), blocks them in the
 * calling thread (threads created later inherit the mask: call it before starting any), and
 * returns a non-blocking, close-on-exec signalfd that reads them; -1 on failure (nothing
 * blocked then). */
static inline int allot_sys_stop_signal_fd(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  if (pthread_sigmask(SIG_BLOCK, &set, 0) != 0) return -1;
  int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) pthread_sigmask(SIG_UNBLOCK, &set, 0);
  return fd;
}

/* Reads one signal from a signalfd: its number, or -1 when none is pending. */
static inline int allot_sys_read_signal(int fd) {
  struct signalfd_siginfo info;
  ssize_t n = read(fd, &info, sizeof info);
  return n == (ssize_t)sizeof info ? (int)info.ssi_signo : -1;
}

/* A non-blocking, close-on-exec eventfd (-1 on failure). */
static inline int allot_sys_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

/* Adds one to an eventfd's counter, making it readable. */
static inline void allot_sys_eventfd_signal(int fd) {
  uint64_t one = 1;
  ssize_t n = write(fd, &one, sizeof one);
  (void)n;
}

/* The event bits as plain numbers (glibc defines them through an enum Swift can't reach). */
#define ALLOT_SYS_EPOLLIN 0x001u
#define ALLOT_SYS_EPOLLOUT 0x004u
#define ALLOT_SYS_EPOLLERR 0x008u
#define ALLOT_SYS_EPOLLHUP 0x010u
#define ALLOT_SYS_EPOLLRDHUP 0x2000u
_Static_assert(ALLOT_SYS_EPOLLIN == EPOLLIN && ALLOT_SYS_EPOLLOUT == EPOLLOUT &&
                   ALLOT_SYS_EPOLLERR == EPOLLERR && ALLOT_SYS_EPOLLHUP == EPOLLHUP &&
                   ALLOT_SYS_EPOLLRDHUP == EPOLLRDHUP,
               "epoll event bits");

#endif
