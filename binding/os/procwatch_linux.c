/* The process-exit watch on Linux: a pidfd (pidfd_open), readable once the
 * process exits, and pidfd_send_signal. Linux >= 5.3; older kernels and
 * seccomp filters answer ENOSYS and the callers poll. The one place that
 * wraps these system calls. */
#define _GNU_SOURCE

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "os/procwatch.h"

/* The same numbers on every architecture. */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

int bw_procwatch_open(int64_t pid) {
  if (pid <= 0 || pid > 0x7fffffff) {
    errno = ESRCH;
    return -1;
  }
  /* pidfds are always close-on-exec. */
  return (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
}

void bw_procwatch_close(int fd) {
  if (fd >= 0) close(fd);
}

int bw_procwatch_signal(int fd, int sig) {
  if (fd < 0) return ENOSYS;
  return syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) == 0 ? 0 : errno;
}
