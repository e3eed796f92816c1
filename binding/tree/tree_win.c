/* Windows process trees: Toolhelp snapshots for parent links and image
 * names, creation times (GetProcessTimes) as identity, so a process whose
 * parent PID was reused is never counted as a child, and tree termination
 * for any PID: WM_CLOSE to the members' windows, wait on the process
 * handles themselves, then TerminateProcess, rescanning for new children.
 * Handles are opened while the identity is checked, and held, so a PID
 * cannot be reused under us. Job-object spawns live in job_win.c. */
#include <windows.h>
#include <tlhelp32.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/wintime.h"
#include "tree/tree.h"

#define BW_RESCAN_MS 50
#define BW_TERMINATE_ROUNDS 16

static void wide_to_utf8(const WCHAR* w, char* out, size_t size) {
  int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)size, NULL, NULL);
  if (n <= 0) out[0] = '\0';
}

static double pid_creation_ms(DWORD pid) {
  double ms = -1;
  HANDLE proc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (proc != NULL) {
    ms = bw_process_start_ms(proc);
    CloseHandle(proc);
  }
  return ms;
}

/* Every process, with parent and name; start times are filled only for
 * the processes a tree needs (OpenProcess per process is costly). */
static bool scan(bw_proc_list* out, bw_error* err) {
  PROCESSENTRY32W entry;
  BOOL more;
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snap == INVALID_HANDLE_VALUE) {
    bw_error_from_os(err, "CreateToolhelp32Snapshot");
    return false;
  }
  entry.dwSize = sizeof(entry);
  for (more = Process32FirstW(snap, &entry); more; more = Process32NextW(snap, &entry)) {
    bw_proc_info info;
    memset(&info, 0, sizeof(info));
    info.pid = (int64_t)entry.th32ProcessID;
    info.ppid = (int64_t)entry.th32ParentProcessID;
    info.start_time = -2; /* not looked up yet */
    wide_to_utf8(entry.szExeFile, info.name, sizeof(info.name));
    if (!bw_proc_list_push(out, &info)) {
      CloseHandle(snap);
      bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
      return false;
    }
  }
  CloseHandle(snap);
  return true;
}

/* bw_tree_collect's identity hook: start times are looked up only for
 * the processes a tree needs. */
static void fill_start_time(bw_proc_info* p) {
  if (p->start_time == -2) p->start_time = pid_creation_ms((DWORD)p->pid);
}

bool bw_proc_info_get(int64_t pid, bw_proc_info* out, bw_error* err) {
  bw_proc_list all = {0};
  const bw_proc_info* p;
  if (pid <= 0 || pid > 0xFFFFFFFFLL) {
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "OpenProcess");
    return false;
  }
  if (!scan(&all, err)) return false;
  p = bw_proc_list_find(&all, pid);
  if (p == NULL) {
    bw_proc_list_free(&all);
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "OpenProcess");
    return false;
  }
  *out = *p;
  bw_proc_list_free(&all);
  out->start_time = pid_creation_ms((DWORD)pid);
  return true;
}

bool bw_tree_list(int64_t pid, double start_time, bw_proc_list* out, bw_error* err) {
  bw_proc_list all = {0};
  bw_proc_info root;
  bool ok = false;
  const bw_proc_info* p;
  if (!scan(&all, err)) return false;
  p = bw_proc_list_find(&all, pid);
  if (p == NULL) {
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "OpenProcess");
    goto done;
  }
  root = *p;
  root.start_time = pid_creation_ms((DWORD)pid);
  if (start_time >= 0 && root.start_time != start_time) {
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "OpenProcess");
    goto done;
  }
  if (!bw_proc_list_push(out, &root) || !bw_tree_collect(&all, out, fill_start_time)) {
    bw_proc_list_free(out);
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
    goto done;
  }
  ok = true;
done:
  bw_proc_list_free(&all);
  return ok;
}

/* --- termination --------------------------------------------------------- */

typedef struct member {
  DWORD pid;
  double start;
  HANDLE h; /* SYNCHRONIZE | PROCESS_TERMINATE | QUERY_LIMITED; NULL if denied */
  bool gone;
} member;

/* A member we hold a handle on and that has not exited. A member the OS
 * would not let us open is never waited on or terminated and ends among the
 * survivors (as a member POSIX will not let us signal does). */
static bool waitable(const member* m) {
  return !m->gone && m->h != NULL;
}

typedef struct engine {
  member* m;
  size_t n, cap;
} engine;

static member* find_member(engine* e, DWORD pid) {
  size_t i;
  for (i = 0; i < e->n; i++)
    if (e->m[i].pid == pid) return &e->m[i];
  return NULL;
}

/* Adds pid if its identity still matches; the open handle pins it. A
 * process we may not open is added without a handle (a survivor). */
static bool add_member(engine* e, DWORD pid, double start) {
  member* m;
  HANDLE h =
      OpenProcess(SYNCHRONIZE | PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (h == NULL && GetLastError() != ERROR_ACCESS_DENIED) return true; /* gone */
  if (h != NULL && start >= 0 && bw_process_start_ms(h) != start) {
    CloseHandle(h);
    return true;
  }
  if (e->n == e->cap) {
    size_t cap = e->cap ? e->cap * 2 : 64;
    member* grown = realloc(e->m, cap * sizeof(*grown));
    if (grown == NULL) {
      if (h != NULL) CloseHandle(h);
      return false;
    }
    e->m = grown;
    e->cap = cap;
  }
  m = &e->m[e->n++];
  m->pid = pid;
  m->start = start;
  m->h = h;
  m->gone = h != NULL && WaitForSingleObject(h, 0) == WAIT_OBJECT_0;
  return true;
}

/* Rescans for descendants of live members; returns how many were added. */
static long refresh(engine* e, bw_error* err) {
  bw_proc_list all = {0}, tree = {0};
  size_t i;
  long added = 0;
  if (!scan(&all, err)) return -1;
  for (i = 0; i < e->n; i++) {
    bw_proc_info seed;
    if (e->m[i].gone) continue;
    memset(&seed, 0, sizeof(seed));
    seed.pid = e->m[i].pid;
    seed.start_time = e->m[i].start;
    if (!bw_proc_list_push(&tree, &seed)) goto oom;
  }
  if (!bw_tree_collect(&all, &tree, fill_start_time)) goto oom;
  for (i = 0; i < tree.count; i++) {
    const bw_proc_info* p = &tree.items[i];
    if (find_member(e, (DWORD)p->pid) != NULL) continue;
    if (!add_member(e, (DWORD)p->pid, p->start_time)) goto oom;
    added++;
  }
  return bw_rescan_end(&all, &tree, added, err);
oom:
  return bw_rescan_end(&all, &tree, -1, err);
}

static size_t alive_count(engine* e) {
  size_t i, alive = 0;
  for (i = 0; i < e->n; i++) {
    if (waitable(&e->m[i]) && WaitForSingleObject(e->m[i].h, 0) == WAIT_OBJECT_0)
      e->m[i].gone = true;
    if (waitable(&e->m[i])) alive++;
  }
  return alive;
}

/* Asks a process to close its top-level windows: the polite stop Windows
 * offers any process (console programs without windows ignore it). */
static BOOL CALLBACK close_windows_of(HWND hwnd, LPARAM lparam) {
  DWORD owner = 0;
  GetWindowThreadProcessId(hwnd, &owner);
  if (owner == (DWORD)lparam) PostMessageW(hwnd, WM_CLOSE, 0, 0);
  return TRUE;
}

static void ask_to_close(engine* e) {
  size_t i;
  for (i = 0; i < e->n; i++)
    if (!e->m[i].gone) EnumWindows(close_windows_of, (LPARAM)e->m[i].pid);
}

/* Waits on the process handles (64 at a time) until all are gone or the
 * deadline passes, rescanning for new children every BW_RESCAN_MS. */
static bool wait_members(engine* e, ULONGLONG deadline, bool terminate_new, bw_error* err) {
  for (;;) {
    HANDLE hs[MAXIMUM_WAIT_OBJECTS];
    DWORD n = 0, timeout;
    size_t i;
    ULONGLONG now;
    long added = refresh(e, err);
    if (added < 0) return false;
    if (terminate_new)
      for (i = 0; i < e->n; i++)
        if (waitable(&e->m[i])) TerminateProcess(e->m[i].h, 1);
    if (alive_count(e) == 0) return true;
    now = GetTickCount64();
    if (now >= deadline) return true;
    timeout = (DWORD)(deadline - now);
    if (timeout > BW_RESCAN_MS) timeout = BW_RESCAN_MS;
    for (i = 0; i < e->n && n < MAXIMUM_WAIT_OBJECTS; i++)
      if (waitable(&e->m[i])) hs[n++] = e->m[i].h;
    WaitForMultipleObjects(n, hs, FALSE, timeout);
  }
}

static bool is_ancestor_of_self(int64_t pid) {
  bw_proc_list all = {0};
  bw_error ignored;
  int64_t cur = (int64_t)GetCurrentProcessId();
  double cur_start = pid_creation_ms((DWORD)cur);
  int depth;
  bool found = false;
  if (!scan(&all, &ignored)) return false;
  for (depth = 0; depth < BW_ANCESTOR_DEPTH; depth++) {
    const bw_proc_info* p = bw_proc_list_find(&all, cur);
    double parent_start;
    if (p == NULL || p->ppid == 0) break;
    /* A parent PID that was reused by a younger process is not our parent. */
    parent_start = pid_creation_ms((DWORD)p->ppid);
    if (parent_start < 0 || !bw_started_not_before(cur_start, parent_start)) break;
    if (p->ppid == pid) {
      found = true;
      break;
    }
    cur = p->ppid;
    cur_start = parent_start;
  }
  bw_proc_list_free(&all);
  return found;
}

bool bw_tree_kill(int64_t pid, const bw_kill_opts* o, bw_kill_result* out, bw_error* err) {
  engine e;
  bool ok = false;
  size_t i;
  HANDLE probe;
  double start;
  memset(&e, 0, sizeof(e));
  memset(out, 0, sizeof(*out));
  if (pid <= 4 || pid > 0xFFFFFFFFLL) {
    bw_error_lib(err, "ERR_INVALID_ARG_VALUE", "refusing to kill a system process",
                 "TerminateProcess");
    return false;
  }
  if (pid == (int64_t)GetCurrentProcessId() || is_ancestor_of_self(pid)) {
    bw_error_lib(err, "ERR_INVALID_ARG_VALUE",
                 "refusing to kill the calling process or one of its ancestors",
                 "TerminateProcess");
    return false;
  }
  probe = OpenProcess(SYNCHRONIZE | PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
                      (DWORD)pid);
  if (probe == NULL) {
    DWORD code = GetLastError();
    if (code == ERROR_ACCESS_DENIED)
      bw_error_set(err, BW_ERR_POSIX, EPERM, "OpenProcess");
    else
      bw_error_set(err, BW_ERR_POSIX, ESRCH, "OpenProcess");
    return false;
  }
  start = bw_process_start_ms(probe);
  CloseHandle(probe);
  if (o->start_time >= 0 && start != o->start_time) {
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "OpenProcess");
    return false;
  }
  if (!add_member(&e, (DWORD)pid, start)) goto oom;
  if (refresh(&e, err) < 0) goto done;

  if (o->grace_ms > 0) {
    ask_to_close(&e);
    if (!wait_members(&e, GetTickCount64() + (ULONGLONG)o->grace_ms, false, err)) goto done;
  }
  if (alive_count(&e) > 0) {
    out->forced = true;
    /* Terminating a parent does not stop a child it just created: rescan
     * and terminate until a round finds nothing new. */
    for (i = 0; i < BW_TERMINATE_ROUNDS; i++) {
      size_t j;
      long added;
      for (j = 0; j < e.n; j++)
        if (waitable(&e.m[j])) TerminateProcess(e.m[j].h, 1);
      added = refresh(&e, err);
      if (added < 0) goto done;
      if (added == 0) break;
    }
    if (!wait_members(&e, GetTickCount64() + (ULONGLONG)o->force_wait_ms, true, err)) goto done;
  }
  alive_count(&e);
  if (!bw_kill_result_alloc(out, e.n)) goto oom;
  for (i = 0; i < e.n; i++) bw_kill_result_add(out, (int64_t)e.m[i].pid, e.m[i].gone);
  ok = true;
  goto done;
oom:
  bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
done:
  for (i = 0; i < e.n; i++)
    if (e.m[i].h != NULL) CloseHandle(e.m[i].h);
  free(e.m);
  return ok;
}
