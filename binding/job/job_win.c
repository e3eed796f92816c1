/* Windows supervised spawn: a per-backend job object with
 * JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE and no breakaway, whose only,
 * non-inheritable handle the host holds. The child is created suspended,
 * assigned to the job, then resumed, so it runs no instruction outside the
 * job (libuv assigns after the child already runs, and allows silent
 * breakaway: why grandchildren escape Node's own spawn). Only its stdio
 * handles are inherited (PROC_THREAD_ATTRIBUTE_HANDLE_LIST). The child gets
 * its own windowless console (CREATE_NO_WINDOW, and no new process group, so
 * Ctrl+C stays enabled): backend_warden_ctrlc.exe attaches to it for the
 * polite stop (ctrlc_main_win.c). One waiter thread per job — never a libuv
 * pool thread — drains the job's completion port for the job's whole life
 * (each message the kernel queues costs kernel memory until it is taken),
 * keeps the member list the messages describe, and reports the root's exit
 * (a thread-pool wait posts it to the same port) and the job's emptiness
 * (with a polling fallback after the root's exit). Nested
 * jobs need Windows 8 or later; on Windows 7 a host that is itself in a job
 * without breakaway makes the assignment fail, and the spawn fails loudly. */
#include <windows.h>

#include <stdlib.h>
#include <string.h>

#include "job/job.h"
#include "os/wintime.h"

#define BW_STOP_KEY ((ULONG_PTR)1)
#define BW_JOB_KEY ((ULONG_PTR)2)
#define BW_ROOT_KEY ((ULONG_PTR)3)

struct bw_job {
  HANDLE job;
  HANDLE process;
  HANDLE port;
  HANDLE thread;
  HANDLE root_wait; /* RegisterWaitForSingleObject on process */
  DWORD pid;
  bw_job_notify notify;
  void* ctx;
  bool closed;
  /* Written by the waiter thread, read by the JS thread. */
  CRITICAL_SECTION lock;
  uint32_t* members; /* PIDs the job's messages say are running */
  size_t nmembers, cap;
  uint64_t messages; /* job messages taken off the port */
  bool limit_hit;    /* JOB_OBJECT_MSG_JOB_MEMORY_LIMIT came */
  double limit_at;   /* the job's committed bytes then */
};

static void members_add(bw_job* j, uint32_t pid) {
  size_t i;
  for (i = 0; i < j->nmembers; i++)
    if (j->members[i] == pid) return;
  if (j->nmembers == j->cap) {
    size_t cap = j->cap ? j->cap * 2 : 16;
    uint32_t* grown = realloc(j->members, cap * sizeof(*grown));
    if (grown == NULL) return; /* the job's own list still has it */
    j->members = grown;
    j->cap = cap;
  }
  j->members[j->nmembers++] = pid;
}

static void members_remove(bw_job* j, uint32_t pid) {
  size_t i;
  for (i = 0; i < j->nmembers; i++) {
    if (j->members[i] == pid) {
      j->members[i] = j->members[--j->nmembers];
      return;
    }
  }
}

/* The job's committed memory when the limit was hit: the violation record
 * (Windows 8+), else the job's peak. */
static double committed_at_limit(bw_job* j) {
  JOBOBJECT_LIMIT_VIOLATION_INFORMATION viol;
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION ext;
  memset(&viol, 0, sizeof(viol));
  if (QueryInformationJobObject(j->job, JobObjectLimitViolationInformation, &viol, sizeof(viol),
                                NULL) &&
      (viol.ViolationLimitFlags & JOB_OBJECT_LIMIT_JOB_MEMORY) && viol.JobMemory > 0)
    return (double)viol.JobMemory;
  memset(&ext, 0, sizeof(ext));
  if (QueryInformationJobObject(j->job, JobObjectExtendedLimitInformation, &ext, sizeof(ext), NULL))
    return (double)ext.PeakJobMemoryUsed;
  return 0;
}

/* One message of the job: for process messages (and the memory limit's)
 * the "overlapped" pointer is the PID. */
static void record(bw_job* j, DWORD msg, LPOVERLAPPED ov) {
  uint32_t pid = (uint32_t)(ULONG_PTR)ov;
  double at = msg == JOB_OBJECT_MSG_JOB_MEMORY_LIMIT ? committed_at_limit(j) : 0;
  EnterCriticalSection(&j->lock);
  j->messages++;
  if (msg == JOB_OBJECT_MSG_JOB_MEMORY_LIMIT) {
    j->limit_hit = true;
    if (at > j->limit_at) j->limit_at = at;
  }
  if (msg == JOB_OBJECT_MSG_NEW_PROCESS)
    members_add(j, pid);
  else if (msg == JOB_OBJECT_MSG_EXIT_PROCESS || msg == JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS)
    members_remove(j, pid);
  LeaveCriticalSection(&j->lock);
}

static bool job_empty(bw_job* j) {
  JOBOBJECT_BASIC_ACCOUNTING_INFORMATION acct;
  return QueryInformationJobObject(j->job, JobObjectBasicAccountingInformation, &acct, sizeof(acct),
                                   NULL) &&
         acct.ActiveProcesses == 0;
}

/* Runs on a thread-pool wait thread: hands the root's exit to the waiter. */
static VOID CALLBACK root_exited(PVOID arg, BOOLEAN timed_out) {
  bw_job* j = arg;
  (void)timed_out;
  PostQueuedCompletionStatus(j->port, 0, BW_ROOT_KEY, NULL);
}

static DWORD WINAPI waiter(LPVOID arg) {
  bw_job* j = arg;
  DWORD code = 0;
  bool root_done = false, zero = false;
  for (;;) {
    DWORD msg = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;
    /* Blocks until the next message; polls only once the root is gone, for
     * systems that do not post job messages. */
    BOOL got = GetQueuedCompletionStatus(j->port, &msg, &key, &ov, root_done ? 50 : INFINITE);
    if (got && key == BW_STOP_KEY) return 0;
    if (!got && ov == NULL && GetLastError() != WAIT_TIMEOUT) return 0; /* port closed */
    if (got && key == BW_JOB_KEY) {
      record(j, msg, ov);
      if (msg == JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO) zero = true;
      /* Before the root's exit, which the allocation failure may cause. */
      if (msg == JOB_OBJECT_MSG_JOB_MEMORY_LIMIT)
        j->notify(j->ctx, BW_JOB_LIMIT, (uint32_t)(ULONG_PTR)ov);
    }
    if (got && key == BW_ROOT_KEY && !root_done) {
      root_done = true;
      GetExitCodeProcess(j->process, &code);
      j->notify(j->ctx, BW_JOB_EXIT, code);
    }
    if (root_done && (zero || job_empty(j))) break;
  }
  j->notify(j->ctx, BW_JOB_EMPTY, code);
  return 0;
}

static HANDLE open_stdio(const bw_job_spawn_opts* o, int i, bool* owned, bw_error* err) {
  SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
  HANDLE h;
  *owned = true;
  if (o->inherit[i]) {
    HANDLE src = GetStdHandle(i == 0   ? STD_INPUT_HANDLE
                              : i == 1 ? STD_OUTPUT_HANDLE
                                       : STD_ERROR_HANDLE);
    if (src == NULL || src == INVALID_HANDLE_VALUE ||
        !DuplicateHandle(GetCurrentProcess(), src, GetCurrentProcess(), &h, 0, TRUE,
                         DUPLICATE_SAME_ACCESS)) {
      /* The host has no such handle (a GUI process): the child gets NUL. */
      h = CreateFileW(L"NUL", i == 0 ? GENERIC_READ : GENERIC_WRITE,
                      FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING, 0, NULL);
    }
  } else if (o->stdio[i] != NULL) {
    h = CreateFileW(o->stdio[i], i == 0 ? GENERIC_READ : GENERIC_WRITE, 0, &sa, OPEN_EXISTING, 0,
                    NULL);
  } else {
    h = CreateFileW(L"NUL", i == 0 ? GENERIC_READ : GENERIC_WRITE,
                    FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING, 0, NULL);
  }
  if (h == INVALID_HANDLE_VALUE) {
    bw_error_from_os(err, "CreateFileW");
    *owned = false;
  }
  return h;
}

bool bw_job_spawn(const bw_job_spawn_opts* o, bw_job** out, uint32_t* pid, double* start_time,
                  bw_error* err) {
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
  JOBOBJECT_ASSOCIATE_COMPLETION_PORT assoc;
  STARTUPINFOEXW si;
  PROCESS_INFORMATION pi;
  HANDLE stdio[3] = {INVALID_HANDLE_VALUE, INVALID_HANDLE_VALUE, INVALID_HANDLE_VALUE};
  HANDLE inherit[3];
  bool owned[3] = {false, false, false};
  DWORD ninherit = 0, flags;
  SIZE_T attr_size = 0;
  LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
  bw_job* j = calloc(1, sizeof(*j));
  bool ok = false;
  int i;

  memset(&pi, 0, sizeof(pi));
  if (j == NULL) {
    bw_error_set(err, BW_ERR_WIN32, ERROR_NOT_ENOUGH_MEMORY, "calloc");
    return false;
  }
  j->notify = o->notify;
  j->ctx = o->ctx;
  InitializeCriticalSection(&j->lock);

  /* The job: kill on close, no breakaway of any kind. */
  j->job = CreateJobObjectW(NULL, NULL);
  if (j->job == NULL) {
    bw_error_from_os(err, "CreateJobObjectW");
    goto fail;
  }
  memset(&limits, 0, sizeof(limits));
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (o->memory_limit > 0) {
    limits.BasicLimitInformation.LimitFlags |= JOB_OBJECT_LIMIT_JOB_MEMORY;
    limits.JobMemoryLimit = (SIZE_T)o->memory_limit;
  }
  if (!SetInformationJobObject(j->job, JobObjectExtendedLimitInformation, &limits,
                               sizeof(limits))) {
    bw_error_from_os(err, "SetInformationJobObject");
    goto fail;
  }
  j->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
  if (j->port == NULL) {
    bw_error_from_os(err, "CreateIoCompletionPort");
    goto fail;
  }
  assoc.CompletionKey = (PVOID)BW_JOB_KEY;
  assoc.CompletionPort = j->port;
  /* Best effort: the waiter polls the job's accounting when no message comes. */
  SetInformationJobObject(j->job, JobObjectAssociateCompletionPortInformation, &assoc,
                          sizeof(assoc));

  for (i = 0; i < 3; i++) {
    DWORD k;
    bool dup = false;
    stdio[i] = open_stdio(o, i, &owned[i], err);
    if (stdio[i] == INVALID_HANDLE_VALUE) goto fail;
    for (k = 0; k < ninherit; k++) dup = dup || inherit[k] == stdio[i];
    if (!dup) inherit[ninherit++] = stdio[i];
  }

  /* Only the stdio handles are inherited, whatever else the host has. */
  InitializeProcThreadAttributeList(NULL, 1, 0, &attr_size);
  attrs = malloc(attr_size);
  if (attrs == NULL || !InitializeProcThreadAttributeList(attrs, 1, 0, &attr_size)) {
    bw_error_from_os(err, "InitializeProcThreadAttributeList");
    free(attrs);
    attrs = NULL;
    goto fail;
  }
  if (!UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit,
                                 ninherit * sizeof(HANDLE), NULL, NULL)) {
    bw_error_from_os(err, "UpdateProcThreadAttribute");
    goto fail;
  }
  memset(&si, 0, sizeof(si));
  si.StartupInfo.cb = sizeof(si);
  si.StartupInfo.dwFlags = STARTF_USESTDHANDLES | STARTF_USESHOWWINDOW;
  si.StartupInfo.wShowWindow = SW_HIDE;
  si.StartupInfo.hStdInput = stdio[0];
  si.StartupInfo.hStdOutput = stdio[1];
  si.StartupInfo.hStdError = stdio[2];
  si.lpAttributeList = attrs;
  /* Its own hidden console, never the host's: Ctrl+C sent to it (the polite
   * stop) reaches the backend's tree and not the host. No new process group:
   * that would disable Ctrl+C in the child. GUI programs ignore the flag. */
  flags = EXTENDED_STARTUPINFO_PRESENT | CREATE_UNICODE_ENVIRONMENT | CREATE_SUSPENDED |
          CREATE_NO_WINDOW;
  if (!CreateProcessW(o->app, o->cmdline, NULL, NULL, TRUE, flags, (LPVOID)o->env, o->cwd,
                      &si.StartupInfo, &pi)) {
    bw_error_from_os(err, "CreateProcessW");
    goto fail;
  }
  if (!AssignProcessToJobObject(j->job, pi.hProcess)) {
    bw_error_from_os(err, "AssignProcessToJobObject");
    TerminateProcess(pi.hProcess, 1);
    WaitForSingleObject(pi.hProcess, 5000);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    pi.hProcess = NULL;
    goto fail;
  }
  j->process = pi.hProcess;
  j->pid = pi.dwProcessId;
  j->thread = CreateThread(NULL, 64 * 1024, waiter, j, 0, NULL);
  if (j->thread == NULL) {
    bw_error_from_os(err, "CreateThread");
    TerminateJobObject(j->job, 1);
    CloseHandle(pi.hThread);
    goto fail;
  }
  if (!RegisterWaitForSingleObject(&j->root_wait, j->process, root_exited, j, INFINITE,
                                   WT_EXECUTEONLYONCE)) {
    bw_error_from_os(err, "RegisterWaitForSingleObject");
    j->root_wait = NULL;
    TerminateJobObject(j->job, 1);
    CloseHandle(pi.hThread);
    goto fail;
  }
  ResumeThread(pi.hThread);
  CloseHandle(pi.hThread);
  *pid = pi.dwProcessId;
  *start_time = bw_process_start_ms(pi.hProcess);
  *out = j;
  ok = true;

fail:
  if (attrs != NULL) {
    DeleteProcThreadAttributeList(attrs);
    free(attrs);
  }
  for (i = 0; i < 3; i++)
    if (owned[i] && stdio[i] != INVALID_HANDLE_VALUE) CloseHandle(stdio[i]);
  if (!ok) {
    if (j->thread) {
      PostQueuedCompletionStatus(j->port, 0, BW_STOP_KEY, NULL);
      WaitForSingleObject(j->thread, INFINITE);
      CloseHandle(j->thread);
    }
    if (j->process) CloseHandle(j->process);
    if (j->port) CloseHandle(j->port);
    if (j->job) CloseHandle(j->job); /* kills anything that made it in */
    DeleteCriticalSection(&j->lock);
    free(j->members);
    free(j);
  }
  return ok;
}

size_t bw_job_pids(bw_job* j, uint32_t* pids, size_t max) {
  struct {
    JOBOBJECT_BASIC_PROCESS_ID_LIST list;
    ULONG_PTR more[1024];
  } buf;
  size_t i, k, n = 0, listed;
  if (j->closed) return 0;
  memset(&buf, 0, sizeof(buf));
  if (QueryInformationJobObject(j->job, JobObjectBasicProcessIdList, &buf, sizeof(buf), NULL) ||
      GetLastError() == ERROR_MORE_DATA) {
    listed = buf.list.NumberOfProcessIdsInList;
    for (i = 0; i < listed && n < max; i++)
      if (buf.list.ProcessIdList[i] != 0) pids[n++] = (uint32_t)buf.list.ProcessIdList[i];
  }
  /* And what the job's messages said (Wine's list names one PID only). */
  EnterCriticalSection(&j->lock);
  for (i = 0; i < j->nmembers && n < max; i++) {
    bool seen = false;
    for (k = 0; k < n && !seen; k++) seen = pids[k] == j->members[i];
    if (!seen) pids[n++] = j->members[i];
  }
  LeaveCriticalSection(&j->lock);
  return n;
}

uint64_t bw_job_messages(bw_job* j) {
  uint64_t n;
  if (j->closed) return 0;
  EnterCriticalSection(&j->lock);
  n = j->messages;
  LeaveCriticalSection(&j->lock);
  return n;
}

/* pids[0] holds the count, pids[1..] the members; pids[1025] counts posts. */
static BOOL CALLBACK close_windows_in(HWND hwnd, LPARAM lparam) {
  uint32_t* pids = (uint32_t*)lparam;
  DWORD owner = 0;
  size_t i;
  GetWindowThreadProcessId(hwnd, &owner);
  for (i = 1; i <= pids[0]; i++)
    if (pids[i] == owner && PostMessageW(hwnd, WM_CLOSE, 0, 0)) pids[1025]++;
  return TRUE;
}

bool bw_job_ask_to_stop(bw_job* j) {
  uint32_t pids[1026];
  bool delivered;
  if (j->closed) return false;
  pids[0] = (uint32_t)bw_job_pids(j, pids + 1, 1024);
  pids[1025] = 0;
  EnumWindows(close_windows_in, (LPARAM)pids);
  delivered = pids[1025] > 0;
  return delivered;
}

bool bw_job_terminate(bw_job* j, uint32_t exit_code, bw_error* err) {
  if (j->closed) return true;
  if (!TerminateJobObject(j->job, exit_code)) {
    bw_error_from_os(err, "TerminateJobObject");
    return false;
  }
  return true;
}

bool bw_job_wait_root(bw_job* j, uint32_t ms) {
  if (j->closed) return true;
  return WaitForSingleObject(j->process, ms) == WAIT_OBJECT_0;
}

void bw_job_close(bw_job* j) {
  if (j->closed) return;
  j->closed = true;
  /* Waits for a running root_exited callback: it uses the port. */
  UnregisterWaitEx(j->root_wait, INVALID_HANDLE_VALUE);
  PostQueuedCompletionStatus(j->port, 0, BW_STOP_KEY, NULL);
  WaitForSingleObject(j->thread, INFINITE);
  CloseHandle(j->thread);
  CloseHandle(j->job); /* KILL_ON_JOB_CLOSE: nothing of the tree outlives this */
  CloseHandle(j->process);
  CloseHandle(j->port);
}

void bw_job_destroy(bw_job* j) {
  bw_job_close(j);
  DeleteCriticalSection(&j->lock);
  free(j->members);
  free(j);
}

bool bw_job_get_usage(bw_job* j, bw_job_usage* out, bw_error* err) {
  JOBOBJECT_BASIC_ACCOUNTING_INFORMATION acct;
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION ext;
  memset(out, 0, sizeof(*out));
  if (j->closed) return true;
  if (!QueryInformationJobObject(j->job, JobObjectBasicAccountingInformation, &acct, sizeof(acct),
                                 NULL)) {
    bw_error_from_os(err, "QueryInformationJobObject");
    return false;
  }
  out->cpu_ms = (double)(acct.TotalUserTime.QuadPart + acct.TotalKernelTime.QuadPart) / 10000.0;
  out->active = acct.ActiveProcesses;
  out->total = acct.TotalProcesses;
  memset(&ext, 0, sizeof(ext));
  if (QueryInformationJobObject(j->job, JobObjectExtendedLimitInformation, &ext, sizeof(ext),
                                NULL)) {
    out->peak_memory = (double)ext.PeakJobMemoryUsed;
    if (ext.BasicLimitInformation.LimitFlags & JOB_OBJECT_LIMIT_JOB_MEMORY)
      out->memory_limit = (double)ext.JobMemoryLimit;
  }
  EnterCriticalSection(&j->lock);
  out->memory_limit_hit = j->limit_hit;
  out->memory_at_hit = j->limit_at;
  LeaveCriticalSection(&j->lock);
  return true;
}
