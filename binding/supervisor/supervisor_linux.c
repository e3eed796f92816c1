/* Linux parts of the supervisor: child subreaper (orphaned descendants are
 * re-parented to us, so "no children left" means "tree gone") and the
 * parent-death signal. The host's pidfd watch is os/procwatch_linux.c's. */
#define _GNU_SOURCE

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "supervisor/supervisor.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

bool bw__sup_os_init(pid_t host, int sig, bool* subreaper) {
  /* Test-only switch: BACKEND_WARDEN_NO_SUBREAPER=1 skips the subreaper, so
   * that Linux runs the path macOS (and arm64 under qemu-user, which refuses
   * the call) always takes, and the tests can check it here. */
  const char* no_subreaper = getenv("BACKEND_WARDEN_NO_SUBREAPER");
  *subreaper = !(no_subreaper != NULL && strcmp(no_subreaper, "1") == 0) &&
               prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
  /* PR_SET_PDEATHSIG fires when the *thread* that forked us exits; Node
   * spawns from the JS thread, which lives as long as the host. */
  prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0);
  /* The host may have died before prctl: then we were re-parented. */
  return getppid() == host;
}

bool bw__sup_close_from(int fd) {
  return syscall(SYS_close_range, (unsigned)fd, ~0U, 0) == 0;
}
