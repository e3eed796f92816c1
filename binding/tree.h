/* Process trees: identity of a process, and (grown by the tree issue)
 * listing, termination and supervised spawn. Neutral C types only; the OS
 * files (tree_linux.c, tree_darwin.c, tree_win.c, tree_posix.c) fill them and
 * never touch napi_env. */
#ifndef BW_TREE_H
#define BW_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

#define BW_PROC_NAME_MAX 260

typedef struct bw_proc_info {
  int64_t pid;
  int64_t ppid;
  /* Identity of this incarnation of pid; compare for equality only.
   * Linux: starttime (clock ticks after boot) from /proc/pid/stat.
   * Windows: creation time, ms since the Unix epoch (fractional).
   * macOS: start time, ms since the Unix epoch (fractional).
   * Negative when the OS would not tell (access denied). */
  double start_time;
  char name[BW_PROC_NAME_MAX];
} bw_proc_info;

/* Fills out for pid. Fails with ESRCH when no such process exists. */
bool bw_proc_info_get(int64_t pid, bw_proc_info* out, bw_error* err);

#endif
