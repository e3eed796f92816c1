/* Windows tree usage: the tree from tree.h (one Toolhelp snapshot, creation
 * times as identity), then per member GetProcessTimes (kernel + user) and
 * K32GetProcessMemoryInfo (working set). A backend in a job object has its
 * CPU figure from the job's accounting instead (lib/usage.js, jobUsage). */
#include <windows.h>
#include <psapi.h>

#include <errno.h>
#include <string.h>

#include "os/wintime.h"
#include "usage/usage.h"

static double ft_100ns(const FILETIME* ft) {
  ULARGE_INTEGER u;
  u.LowPart = ft->dwLowDateTime;
  u.HighPart = ft->dwHighDateTime;
  return (double)u.QuadPart;
}

static void member_figures(bw_usage_member* m) {
  FILETIME created, exited, kernel, user;
  PROCESS_MEMORY_COUNTERS pmc;
  HANDLE proc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)m->pid);
  if (proc == NULL) return;
  if (GetProcessTimes(proc, &created, &exited, &kernel, &user))
    m->cpu_ms = (ft_100ns(&kernel) + ft_100ns(&user)) / 10000.0;
  memset(&pmc, 0, sizeof(pmc));
  pmc.cb = sizeof(pmc);
  if (K32GetProcessMemoryInfo(proc, &pmc, sizeof(pmc))) m->rss_bytes = (double)pmc.WorkingSetSize;
  CloseHandle(proc);
}

bool bw_usage_tree(int64_t pid, double start_time, bw_usage* out, bw_error* err) {
  bw_proc_list list = {0};
  FILETIME now;
  size_t i;
  memset(out, 0, sizeof(*out));
  if (!bw_tree_list(pid, start_time, &list, err)) return false;
  GetSystemTimeAsFileTime(&now);
  out->age_ms =
      list.items[0].start_time < 0 ? -1 : bw_filetime_to_ms(&now) - list.items[0].start_time;
  for (i = 0; i < list.count; i++) {
    bw_usage_member m;
    memset(&m, 0, sizeof(m));
    m.pid = list.items[i].pid;
    m.ppid = list.items[i].ppid;
    m.start_time = list.items[i].start_time;
    memcpy(m.name, list.items[i].name, sizeof(m.name));
    member_figures(&m);
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
