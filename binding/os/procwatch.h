/* The process-exit watch, the one OS fact the tree engine, the port waiter
 * and the supervisor share: a descriptor that poll() reports readable once
 * a process has exited. procwatch_linux.c: a pidfd (pidfd_open, Linux >=
 * 5.3); procwatch_darwin.c: a kqueue holding EVFILT_PROC NOTE_EXIT. POSIX
 * builds only; Windows waits on process handles. */
#ifndef BW_PROCWATCH_H
#define BW_PROCWATCH_H

#include <stdint.h>

/* Opens a watch on pid. Returns the descriptor (close-on-exec where the OS
 * allows), or -1 with errno set: ESRCH when there is no such process, any
 * other value when the OS offers no watch (old kernel, seccomp) and the
 * caller must poll instead. A watch names the process that had pid when it
 * was opened: callers that took pid from a scan re-check its identity. */
int bw_procwatch_open(int64_t pid);

void bw_procwatch_close(int fd);

/* Sends sig to the watched process through the watch (Linux:
 * pidfd_send_signal, immune to PID reuse). Returns 0 or an errno value;
 * ENOSYS when the OS cannot signal through a watch (macOS, old kernels). */
int bw_procwatch_signal(int fd, int sig);

#endif
