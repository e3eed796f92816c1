/* Windows process facts: Toolhelp snapshots for parent and image name,
 * GetProcessTimes for the creation time that is a process's identity. */
#include <windows.h>
#include <tlhelp32.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tree.h"

/* 100 ns intervals between 1601-01-01 and 1970-01-01. */
#define BW_EPOCH_DIFF_100NS 116444736000000000ULL

static double filetime_to_ms(const FILETIME* ft) {
  ULARGE_INTEGER u;
  u.LowPart = ft->dwLowDateTime;
  u.HighPart = ft->dwHighDateTime;
  return (double)(u.QuadPart - BW_EPOCH_DIFF_100NS) / 10000.0;
}

static void wide_to_utf8(const WCHAR* w, char* out, size_t size) {
  int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)size, NULL, NULL);
  if (n <= 0) out[0] = '\0';
}

bool bw_proc_info_get(int64_t pid, bw_proc_info* out, bw_error* err) {
  HANDLE snap, proc;
  PROCESSENTRY32W entry;
  BOOL more;
  bool found = false;
  FILETIME created, exited, kernel, user;

  if (pid <= 0 || pid > 0xFFFFFFFFLL) {
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "OpenProcess");
    return false;
  }
  snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snap == INVALID_HANDLE_VALUE) {
    bw_error_from_os(err, "CreateToolhelp32Snapshot");
    return false;
  }
  entry.dwSize = sizeof(entry);
  for (more = Process32FirstW(snap, &entry); more; more = Process32NextW(snap, &entry)) {
    if ((int64_t)entry.th32ProcessID == pid) {
      out->pid = pid;
      out->ppid = (int64_t)entry.th32ParentProcessID;
      wide_to_utf8(entry.szExeFile, out->name, sizeof(out->name));
      found = true;
      break;
    }
  }
  CloseHandle(snap);
  if (!found) {
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "OpenProcess");
    return false;
  }
  out->start_time = -1;
  proc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
  if (proc != NULL) {
    if (GetProcessTimes(proc, &created, &exited, &kernel, &user))
      out->start_time = filetime_to_ms(&created);
    CloseHandle(proc);
  }
  return true;
}
