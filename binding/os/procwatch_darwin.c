/* The process-exit watch on macOS: a kqueue holding one EVFILT_PROC
 * NOTE_EXIT event, which poll() reports readable once the process exits.
 * The one place that registers it. macOS has no signal-through-a-watch.
 * Not built or tested in this project's CI (no macOS machine). */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/event.h>
#include <sys/time.h>
#include <unistd.h>

#include "os/procwatch.h"

int bw_procwatch_open(int64_t pid) {
  struct kevent ev;
  int kq, saved;
  if (pid <= 0 || pid > 0x7fffffff) {
    errno = ESRCH;
    return -1;
  }
  kq = kqueue();
  if (kq < 0) return -1;
  EV_SET(&ev, (uintptr_t)pid, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, NULL);
  if (kevent(kq, &ev, 1, NULL, 0, NULL) < 0) {
    saved = errno;
    close(kq);
    errno = saved;
    return -1;
  }
  fcntl(kq, F_SETFD, FD_CLOEXEC);
  return kq;
}

void bw_procwatch_close(int fd) {
  if (fd >= 0) close(fd);
}

int bw_procwatch_signal(int fd, int sig) {
  (void)fd;
  (void)sig;
  return ENOSYS;
}
