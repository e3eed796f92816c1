/* macOS parts of the supervisor: no subreaper or parent-death signal exist,
 * so the host is watched with kqueue (EVFILT_PROC NOTE_EXIT); the tree is
 * found by process group and parent links. Not built in this project's CI. */
#include <sys/event.h>
#include <unistd.h>

#include "supervisor.h"

bool bw__sup_os_init(pid_t host, int sig, bool* subreaper) {
  (void)sig;
  *subreaper = false; /* macOS has none: orphans go to launchd */
  return getppid() == host;
}

bool bw__sup_close_from(int fd) {
  (void)fd;
  return false;
}

int bw__sup_host_watch(pid_t host) {
  struct kevent ev;
  int kq = kqueue();
  if (kq < 0) return -1;
  EV_SET(&ev, (uintptr_t)host, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, NULL);
  if (kevent(kq, &ev, 1, NULL, 0, NULL) < 0) {
    close(kq);
    return -1;
  }
  return kq;
}
