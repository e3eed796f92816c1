/* Windows supervised spawn: a per-backend job object with
 * JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE and no breakaway, whose only,
 * non-inheritable handle the host holds. The child is created suspended,
 * assigned to the job, then resumed, so it runs no instruction outside the
 * job (libuv assigns after the child already runs, and allows silent
 * breakaway: why grandchildren escape Node's own spawn). Only its stdio
 * handles are inherited (PROC_THREAD_ATTRIBUTE_HANDLE_LIST). One waiter
 * thread per job — never a libuv pool thread — reports the root's exit and
 * the job's emptiness (IO completion port, with a polling fallback). Nested
 * jobs need Windows 8 or later; on Windows 7 a host that is itself in a job
 * without breakaway makes the assignment fail, and the spawn fails loudly. */
#include <windows.h>

#include <stdlib.h>
#include <string.h>

#include "job/job.h"
#include "os/wintime.h"

#define BW_STOP_KEY ((ULONG_PTR)1)
#define BW_JOB_KEY ((ULONG_PTR)2)

struct bw_job {
  HANDLE job;
  HANDLE process;
  HANDLE port;
  HANDLE stop;
  HANDLE thread;
  DWORD pid;
  bw_job_notify notify;
  void* ctx;
  bool closed;
};

static DWORD WINAPI waiter(LPVOID arg) {
  bw_job* j = arg;
  HANDLE hs[2] = {j->process, j->stop};
  DWORD code = 0;
  if (WaitForMultipleObjects(2, hs, FALSE, INFINITE) != WAIT_OBJECT_0) return 0;
  GetExitCodeProcess(j->process, &code);
  j->notify(j->ctx, BW_JOB_EXIT, code);
  for (;;) {
    DWORD msg = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION acct;
    BOOL got = GetQueuedCompletionStatus(j->port, &msg, &key, &ov, 50);
    if (got && key == BW_STOP_KEY) return 0;
    if (WaitForSingleObject(j->stop, 0) == WAIT_OBJECT_0) return 0;
    if (got && key == BW_JOB_KEY && msg == JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO) break;
    /* Fallback for systems that do not post job messages. */
    if (QueryInformationJobObject(j->job, JobObjectBasicAccountingInformation, &acct, sizeof(acct),
                                  NULL) &&
        acct.ActiveProcesses == 0)
      break;
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

/* Whether the host has a console a child can share (Ctrl+Break needs it). */
static bool host_has_console(void) {
  return GetConsoleWindow() != NULL;
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

  /* The job: kill on close, no breakaway of any kind. */
  j->job = CreateJobObjectW(NULL, NULL);
  if (j->job == NULL) {
    bw_error_from_os(err, "CreateJobObjectW");
    goto fail;
  }
  memset(&limits, 0, sizeof(limits));
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
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
  j->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (j->stop == NULL) {
    bw_error_from_os(err, "CreateEventW");
    goto fail;
  }

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
  /* A new process group makes Ctrl+Break target the backend alone; without
   * a host console the child gets its own hidden one. */
  flags = EXTENDED_STARTUPINFO_PRESENT | CREATE_UNICODE_ENVIRONMENT | CREATE_SUSPENDED |
          CREATE_NEW_PROCESS_GROUP | (host_has_console() ? 0 : CREATE_NO_WINDOW);
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
    if (j->process) CloseHandle(j->process);
    if (j->stop) CloseHandle(j->stop);
    if (j->port) CloseHandle(j->port);
    if (j->job) CloseHandle(j->job); /* kills anything that made it in */
    free(j);
  }
  return ok;
}

size_t bw_job_pids(bw_job* j, uint32_t* pids, size_t max) {
  struct {
    JOBOBJECT_BASIC_PROCESS_ID_LIST list;
    ULONG_PTR more[1024];
  } buf;
  size_t i, n;
  if (j->closed) return 0;
  memset(&buf, 0, sizeof(buf));
  if (!QueryInformationJobObject(j->job, JobObjectBasicProcessIdList, &buf, sizeof(buf), NULL) &&
      GetLastError() != ERROR_MORE_DATA)
    return 0;
  n = buf.list.NumberOfProcessIdsInList;
  if (n > max) n = max;
  for (i = 0; i < n; i++) pids[i] = (uint32_t)buf.list.ProcessIdList[i];
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
  /* Ctrl+Break reaches the backend's process group only through a console
   * the host shares with it (none in a GUI host such as Electron). */
  if (host_has_console() && GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, j->pid)) delivered = true;
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
  SetEvent(j->stop);
  PostQueuedCompletionStatus(j->port, 0, BW_STOP_KEY, NULL);
  WaitForSingleObject(j->thread, INFINITE);
  CloseHandle(j->thread);
  CloseHandle(j->job); /* KILL_ON_JOB_CLOSE: nothing of the tree outlives this */
  CloseHandle(j->process);
  CloseHandle(j->port);
  CloseHandle(j->stop);
}

void bw_job_destroy(bw_job* j) {
  bw_job_close(j);
  free(j);
}
