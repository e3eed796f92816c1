/* What the shared halves of the bind probe (ports_probe.c) and of the
 * readiness waiter (ports_wait.c) ask of the OS file that owns the
 * sockets, the thread and the sleeping (ports_posix.c, ports_win.c). Not
 * part of the neutral API. */
#ifndef BW_PORTS_OS_H
#define BW_PORTS_OS_H

#include <stdint.h>

#include "ports/ports.h"

/* --- bind probe ---------------------------------------------------------- */

/* A socket: a file descriptor on POSIX, a SOCKET on Windows. */
typedef intptr_t bw__sock;

typedef enum bw__socket_result {
  BW__SOCKET_OK,
  BW__SOCKET_NO_FAMILY, /* the family does not exist here (EAFNOSUPPORT); err is set */
  BW__SOCKET_FAILED     /* err says why */
} bw__socket_result;

/* Opens a TCP socket of family (4 or 6) that no child process inherits,
 * with the probe's options set: POSIX SO_REUSEADDR, Windows
 * SO_EXCLUSIVEADDRUSE, IPv6 dual-stack (see bw_port_probe in ports.h). */
bw__socket_result bw__probe_socket(int family, bw__sock* s, bw_error* err);

/* What a failed bind tells a probe, once the OS file has sorted its error
 * code into one of these. */
typedef enum bw__bind_error {
  BW__BIND_ERROR_OTHER,     /* an error to report */
  BW__BIND_ERROR_IN_USE,    /* EADDRINUSE */
  BW__BIND_ERROR_DENIED,    /* EACCES, EPERM: privileged or excluded port */
  BW__BIND_ERROR_NO_ADDRESS /* EADDRNOTAVAIL, EAFNOSUPPORT */
} bw__bind_error;

/* Binds s to addr:port. False when that fails: *kind says what the failure
 * means, err holds the OS error ("bind"). */
bool bw__sock_bind(bw__sock s, const bw_addr* addr, int port, bw__bind_error* kind, bw_error* err);

/* The local port s is bound to, or -1 with err set ("getsockname"). */
int bw__sock_port(bw__sock s, bw_error* err);

void bw__sock_close(bw__sock s);

/* --- readiness waiter ---------------------------------------------------- */

typedef enum bw__attempt {
  BW__ATTEMPT_CONNECTED,
  BW__ATTEMPT_NOT_YET, /* nobody accepted (refused, reset, no answer in time) */
  BW__ATTEMPT_STOP     /* *status says why: FAILED (err set), EXITED, CANCELLED */
} bw__attempt;

/* What a waiter was asked to do; the OS file's struct bw_port_waiter holds
 * it for the loop. */
typedef struct bw__wait_job {
  bw_wait_request req;
  bw_wait_done_fn done;
  void* ctx;
} bw__wait_job;

/* Microseconds on a monotonic clock. */
int64_t bw__wait_now_us(void);

/* One connect to addr:port, waiting at most budget_ms (1 to 1000) for the
 * answer; the wait also ends when the watched process exits or the waiter
 * is cancelled (STOP). */
bw__attempt bw__wait_attempt(bw_port_waiter* w, const bw_addr* addr, int port, int64_t budget_ms,
                             bw_wait_status* status, bw_error* err);

/* Whether the watched process is gone, without waiting (false when there
 * is none). */
bool bw__wait_process_gone(bw_port_waiter* w);

/* Sleeps ms (at most BW_WAIT_INTERVAL_MS), waking early when the watched
 * process exits or the waiter is cancelled: then -1 with *status set;
 * otherwise 0. */
int bw__wait_sleep(bw_port_waiter* w, int64_t ms, bw_wait_status* status);

/* Whether bw_port_waiter_cancel has been called. */
bool bw__wait_cancelled(bw_port_waiter* w);

/* The waiter thread's whole work: tries each address of job->req in turn
 * every BW_WAIT_INTERVAL_MS until one accepts, the timeout passes, the
 * process exits or w is cancelled, then calls job->done exactly once.
 * exit_syscall names the call an EXITED error reports (the OS's way of
 * watching a process). */
void bw__wait_run(bw_port_waiter* w, const bw__wait_job* job, const char* exit_syscall);

#endif
