/* macOS process facts from libproc (proc_pidinfo PROC_PIDTBSDINFO). */
#include <errno.h>
#include <libproc.h>
#include <stdio.h>
#include <string.h>
#include <sys/proc_info.h>

#include "tree.h"

bool bw_proc_info_get(int64_t pid, bw_proc_info* out, bw_error* err) {
  struct proc_bsdinfo info;
  int n = proc_pidinfo((int)pid, PROC_PIDTBSDINFO, 0, &info, sizeof(info));
  if (n != (int)sizeof(info)) {
    if (n <= 0 && errno != EPERM)
      bw_error_set(err, BW_ERR_POSIX, ESRCH, "proc_pidinfo");
    else
      bw_error_from_os(err, "proc_pidinfo");
    return false;
  }
  out->pid = pid;
  out->ppid = (int64_t)info.pbi_ppid;
  out->start_time =
      (double)info.pbi_start_tvsec * 1000.0 + (double)info.pbi_start_tvusec / 1000.0;
  snprintf(out->name, sizeof(out->name), "%s",
           info.pbi_name[0] ? info.pbi_name : info.pbi_comm);
  return true;
}
