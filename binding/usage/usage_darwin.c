/* macOS tree usage: the tree from tree.h (libproc), then proc_pidinfo
 * PROC_PIDTASKINFO per member for CPU time and resident size. Task times
 * are in Mach absolute time units (nanoseconds on Intel, not on Apple
 * silicon), converted with mach_timebase_info. Compiled in CI with zig;
 * not run there (no macOS machine). */
#include <libproc.h>
#include <mach/mach_time.h>
#include <string.h>
#include <sys/proc_info.h>
#include <sys/time.h>

#include "usage/usage.h"

static void member_figures(bw_usage_member* m, void* ctx) {
  const double unit_ms = *(const double*)ctx;
  struct proc_taskinfo ti;
  if (proc_pidinfo((int)m->pid, PROC_PIDTASKINFO, 0, &ti, sizeof(ti)) != (int)sizeof(ti)) return;
  m->cpu_ms = (double)(ti.pti_total_user + ti.pti_total_system) * unit_ms;
  m->rss_bytes = (double)ti.pti_resident_size;
  m->threads = ti.pti_threadnum;
}

bool bw_usage_tree(int64_t pid, double start_time, bw_usage* out, bw_error* err) {
  bw_proc_list list = {0};
  mach_timebase_info_data_t tb;
  double unit_ms;
  struct timeval now;
  bool ok;
  memset(out, 0, sizeof(*out));
  if (mach_timebase_info(&tb) != KERN_SUCCESS || tb.denom == 0) tb.numer = tb.denom = 1;
  unit_ms = (double)tb.numer / (double)tb.denom / 1e6;
  if (!bw_tree_list(pid, start_time, &list, err)) return false;
  gettimeofday(&now, NULL);
  ok = bw_usage_from_list(&list, (double)now.tv_sec * 1000.0 + (double)now.tv_usec / 1000.0,
                          member_figures, &unit_ms, out, err);
  bw_proc_list_free(&list);
  return ok;
}
