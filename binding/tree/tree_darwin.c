/* macOS process facts for the POSIX kill engine, from libproc
 * (proc_listallpids, proc_listpids PROC_PPID_ONLY, proc_pidinfo
 * PROC_PIDTBSDINFO). Exit watches are os/procwatch_darwin.c's. Not built or
 * tested in this project's CI (no macOS machine). */
#include <errno.h>
#include <libproc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/proc.h> /* SZOMB */
#include <sys/proc_info.h>
#include <unistd.h>

#include "tree/tree.h"
#include "tree/tree_posix.h"

static bool fill(int64_t pid, bw_proc_info* out) {
  struct proc_bsdinfo info;
  int n = proc_pidinfo((int)pid, PROC_PIDTBSDINFO, 0, &info, sizeof(info));
  if (n != (int)sizeof(info)) return false;
  memset(out, 0, sizeof(*out));
  out->pid = pid;
  out->ppid = (int64_t)info.pbi_ppid;
  out->pgid = (int64_t)info.pbi_pgid;
  out->sid = (int64_t)getsid((pid_t)pid);
  out->start_time = (double)info.pbi_start_tvsec * 1000.0 + (double)info.pbi_start_tvusec / 1000.0;
  out->state = info.pbi_status == SZOMB ? 'Z' : 'R';
  snprintf(out->name, sizeof(out->name), "%s", info.pbi_name[0] ? info.pbi_name : info.pbi_comm);
  return true;
}

bool bw_proc_info_get(int64_t pid, bw_proc_info* out, bw_error* err) {
  if (fill(pid, out)) return true;
  if (errno == EPERM)
    bw_error_from_os(err, "proc_pidinfo");
  else
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "proc_pidinfo");
  return false;
}

bool bw__proc_scan(bw_proc_list* out, bw_error* err) {
  int n = proc_listallpids(NULL, 0);
  pid_t* pids;
  int i, got;
  if (n <= 0) {
    bw_error_from_os(err, "proc_listallpids");
    return false;
  }
  n += 64; /* room for processes started meanwhile */
  pids = calloc((size_t)n, sizeof(pid_t));
  if (pids == NULL) {
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "calloc");
    return false;
  }
  got = proc_listallpids(pids, n * (int)sizeof(pid_t));
  for (i = 0; i < got; i++) {
    bw_proc_info info;
    if (pids[i] <= 0 || !fill(pids[i], &info)) continue;
    if (!bw_proc_list_push(out, &info)) {
      free(pids);
      bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
      return false;
    }
  }
  free(pids);
  return true;
}

int bw__proc_children(int64_t pid, bw_proc_list* out, bw_error* err) {
  pid_t pids[4096];
  int bytes = proc_listpids(PROC_PPID_ONLY, (uint32_t)pid, pids, (int)sizeof(pids));
  int i, n;
  if (bytes < 0) return 1;
  n = bytes / (int)sizeof(pid_t);
  for (i = 0; i < n; i++) {
    bw_proc_info info;
    if (pids[i] <= 0 || !fill(pids[i], &info)) continue;
    if (!bw_proc_list_push(out, &info)) {
      bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
      return -1;
    }
  }
  return 1;
}

int bw__alive(int64_t pid, double start_time) {
  bw_proc_info info;
  /* libproc reads need no descriptor: a failed read means no process. */
  if (!fill(pid, &info) || info.state == 'Z') return 0;
  return start_time < 0 || info.start_time == start_time ? 1 : 0;
}
