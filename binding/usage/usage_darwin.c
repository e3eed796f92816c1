/* macOS tree usage: the tree from tree.h (libproc), then proc_pidinfo
 * PROC_PIDTASKINFO per member for CPU time and resident size. Task times
 * are in Mach absolute time units (nanoseconds on Intel, not on Apple
 * silicon), converted with mach_timebase_info. Compiled in CI with zig;
 * not run there (no macOS machine). */
#include <errno.h>
#include <libproc.h>
#include <mach/mach_time.h>
#include <string.h>
#include <sys/proc_info.h>
#include <sys/time.h>

#include "usage/usage.h"

bool bw_usage_tree(int64_t pid, double start_time, bw_usage* out, bw_error* err) {
  bw_proc_list list = {0};
  mach_timebase_info_data_t tb;
  double unit_ms;
  struct timeval now;
  size_t i;
  memset(out, 0, sizeof(*out));
  if (mach_timebase_info(&tb) != KERN_SUCCESS || tb.denom == 0) tb.numer = tb.denom = 1;
  unit_ms = (double)tb.numer / (double)tb.denom / 1e6;
  if (!bw_tree_list(pid, start_time, &list, err)) return false;
  gettimeofday(&now, NULL);
  out->age_ms =
      list.items[0].start_time < 0
          ? -1
          : (double)now.tv_sec * 1000.0 + (double)now.tv_usec / 1000.0 - list.items[0].start_time;
  for (i = 0; i < list.count; i++) {
    struct proc_taskinfo ti;
    bw_usage_member m;
    memset(&m, 0, sizeof(m));
    m.pid = list.items[i].pid;
    m.ppid = list.items[i].ppid;
    m.start_time = list.items[i].start_time;
    memcpy(m.name, list.items[i].name, sizeof(m.name));
    if (proc_pidinfo((int)m.pid, PROC_PIDTASKINFO, 0, &ti, sizeof(ti)) == (int)sizeof(ti)) {
      m.cpu_ms = (double)(ti.pti_total_user + ti.pti_total_system) * unit_ms;
      m.rss_bytes = (double)ti.pti_resident_size;
    }
    if (!bw_usage_push(out, &m)) {
      bw_proc_list_free(&list);
      bw_usage_free(out);
      bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
      return false;
    }
  }
  bw_proc_list_free(&list);
  return true;
}
