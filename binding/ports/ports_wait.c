/* The readiness waiter's loop behind waitForPort, once for every OS: which
 * address to try when, the deadline, and what ends the wait. The OS file
 * (ports_posix.c, ports_win.c) runs it on its own thread and supplies the
 * connect, the clock and the sleep (ports_os.h). */
#include <errno.h>

#include "ports/ports_os.h"

/* The longest a single connect waits for its answer: a SYN dropped without
 * a reply (a firewall, a full backlog) is then sent again on the next try. */
#define BW_WAIT_CONNECT_MAX_MS 1000

/* Whole milliseconds left until deadline (µs), rounded up; 0 or less once
 * it has passed. Microseconds underneath: whole milliseconds would wake the
 * thread twice per sleep whenever truncation leaves "1 ms to go". */
static int64_t ms_until(int64_t deadline_us) {
  return (deadline_us - bw__wait_now_us() + 999) / 1000;
}

static int64_t connect_budget(int64_t deadline_us) {
  int64_t ms = deadline_us < 0 ? BW_WAIT_CONNECT_MAX_MS : ms_until(deadline_us);
  if (ms > BW_WAIT_CONNECT_MAX_MS) return BW_WAIT_CONNECT_MAX_MS;
  return ms < 1 ? 1 : ms;
}

void bw__wait_run(bw_port_waiter* w, const bw__wait_job* job, const char* exit_syscall) {
  const bw_wait_request* req = &job->req;
  int64_t deadline = req->timeout_ms < 0 ? -1 : bw__wait_now_us() + req->timeout_ms * 1000;
  bw_wait_status status = BW_WAIT_FAILED;
  const bw_addr* connected = NULL;
  bw_error err;
  bw_error_clear(&err);

  for (;;) {
    size_t i;
    int64_t left;
    for (i = 0; i < req->naddrs && connected == NULL; i++) {
      bw__attempt r =
          bw__wait_attempt(w, &req->addrs[i], req->port, connect_budget(deadline), &status, &err);
      if (r == BW__ATTEMPT_STOP) goto done;
      if (r == BW__ATTEMPT_CONNECTED) connected = &req->addrs[i];
    }
    /* A listener seen after the process died is someone else's. */
    if (bw__wait_process_gone(w)) {
      status = BW_WAIT_EXITED;
      goto done;
    }
    if (connected != NULL) {
      status = BW_WAIT_CONNECTED;
      goto done;
    }
    left = deadline < 0 ? BW_WAIT_INTERVAL_MS : ms_until(deadline);
    if (left <= 0) {
      status = BW_WAIT_TIMED_OUT;
      goto done;
    }
    if (bw__wait_sleep(w, left < BW_WAIT_INTERVAL_MS ? left : BW_WAIT_INTERVAL_MS, &status) < 0)
      goto done;
  }

done:
  if (status == BW_WAIT_EXITED) bw_error_set(&err, BW_ERR_POSIX, ESRCH, exit_syscall);
  if (status == BW_WAIT_TIMED_OUT) bw_error_set(&err, BW_ERR_POSIX, ETIMEDOUT, "connect");
  if (bw__wait_cancelled(w)) status = BW_WAIT_CANCELLED;
  job->done(job->ctx, status, status == BW_WAIT_CONNECTED ? connected : NULL, &err);
}
