/* Windows tree usage: the tree from tree.h (one Toolhelp snapshot, creation
 * times as identity), then per member GetProcessTimes (kernel + user) and
 * K32GetProcessMemoryInfo (working set). A backend in a job object has its
 * CPU figure from the job's accounting too (lib/usage.js, jobUsage), which
 * counts the members that already exited. */
#include <windows.h>
#include <psapi.h>

#include <string.h>

#include "os/wintime.h"
#include "usage/usage.h"

static double ft_100ns(const FILETIME* ft) {
  ULARGE_INTEGER u;
  u.LowPart = ft->dwLowDateTime;
  u.HighPart = ft->dwHighDateTime;
  return (double)u.QuadPart;
}

static void member_figures(bw_usage_member* m, void* ctx) {
  FILETIME created, exited, kernel, user;
  PROCESS_MEMORY_COUNTERS pmc;
  HANDLE proc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)m->pid);
  (void)ctx;
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
  bool ok;
  memset(out, 0, sizeof(*out));
  if (!bw_tree_list(pid, start_time, &list, err)) return false;
  GetSystemTimeAsFileTime(&now);
  ok = bw_usage_from_list(&list, bw_filetime_to_ms(&now), member_figures, NULL, out, err);
  bw_proc_list_free(&list);
  return ok;
}
