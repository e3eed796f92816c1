/* Windows times as the rest of the code counts them: milliseconds since the
 * Unix epoch, fractional. The one FILETIME conversion, used for process
 * identity by tree_win.c and job_win.c. Windows builds only. */
#ifndef BW_WINTIME_H
#define BW_WINTIME_H

#include <windows.h>

/* 100 ns intervals between 1601-01-01 and 1970-01-01. */
#define BW_EPOCH_DIFF_100NS 116444736000000000ULL

static inline double bw_filetime_to_ms(const FILETIME* ft) {
  ULARGE_INTEGER u;
  u.LowPart = ft->dwLowDateTime;
  u.HighPart = ft->dwHighDateTime;
  return (double)(u.QuadPart - BW_EPOCH_DIFF_100NS) / 10000.0;
}

/* A process's creation time (its identity), or -1 when the handle does not
 * allow the query. */
static inline double bw_process_start_ms(HANDLE proc) {
  FILETIME created, exited, kernel, user;
  if (!GetProcessTimes(proc, &created, &exited, &kernel, &user)) return -1;
  return bw_filetime_to_ms(&created);
}

#endif
