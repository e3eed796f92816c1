/* macOS parts of the supervisor: no subreaper or parent-death signal exist,
 * so the host is known dead only through its exit watch (os/procwatch.h, a
 * kqueue) and the control socket; the tree is found by process group and
 * parent links. Not built in this project's CI. */
#include <unistd.h>

#include "supervisor/supervisor.h"

bool bw__sup_os_init(pid_t host, int sig, bool* subreaper) {
  (void)sig;
  *subreaper = false; /* macOS has none: orphans go to launchd */
  return getppid() == host;
}

bool bw__sup_close_from(int fd) {
  (void)fd;
  return false;
}
