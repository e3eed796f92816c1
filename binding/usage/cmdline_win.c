/* Windows command lines: NtQueryInformationProcess with
 * ProcessCommandLineInformation (60, Windows 8.1 and later; resolved from
 * ntdll at run time) needs only PROCESS_QUERY_LIMITED_INFORMATION, no read
 * of the other process's memory. Where that class is unknown (Wine 8
 * answers STATUS_INVALID_INFO_CLASS) the line is read from the process's
 * PEB: ProcessBasicInformation, then ReadProcessMemory of the PEB, its
 * RTL_USER_PROCESS_PARAMETERS and the CommandLine buffer (needs
 * PROCESS_VM_READ). The one string is split into arguments by
 * CommandLineToArgvW (the MSVC rules), then each converted to UTF-8. */
#include <windows.h>
#include <shellapi.h>
#include <winternl.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "usage/cmdline.h"

typedef LONG(NTAPI* query_fn)(HANDLE, ULONG, PVOID, ULONG, PULONG);

#define BW_PROCESS_COMMAND_LINE 60

/* n wide characters at remote address at, as a malloc'ed NUL-terminated
 * string, or NULL. */
static wchar_t* read_remote(HANDLE proc, const void* at, size_t n) {
  wchar_t* line = malloc((n + 1) * sizeof(wchar_t));
  SIZE_T got = 0;
  if (line == NULL) return NULL;
  if (n > 0 && (!ReadProcessMemory(proc, at, line, n * sizeof(wchar_t), &got) ||
                got != n * sizeof(wchar_t))) {
    free(line);
    return NULL;
  }
  line[n] = L'\0';
  return line;
}

/* The PEB's copy of the command line (the process may have changed it). */
static wchar_t* peb_line(query_fn query, DWORD pid) {
  PROCESS_BASIC_INFORMATION basic;
  PEB peb;
  RTL_USER_PROCESS_PARAMETERS params;
  SIZE_T got = 0;
  wchar_t* line = NULL;
  HANDLE proc = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, pid);
  if (proc == NULL) return NULL;
  memset(&basic, 0, sizeof(basic));
  if (query(proc, ProcessBasicInformation, &basic, sizeof(basic), NULL) >= 0 &&
      basic.PebBaseAddress != NULL &&
      ReadProcessMemory(proc, basic.PebBaseAddress, &peb, sizeof(peb), &got) &&
      got == sizeof(peb) && peb.ProcessParameters != NULL &&
      ReadProcessMemory(proc, peb.ProcessParameters, &params, sizeof(params), &got) &&
      got == sizeof(params) && params.CommandLine.Buffer != NULL &&
      params.CommandLine.Length < 65535)
    line =
        read_remote(proc, params.CommandLine.Buffer, params.CommandLine.Length / sizeof(wchar_t));
  CloseHandle(proc);
  return line;
}

/* The process's command line as a malloc'ed NUL-terminated wide string, or
 * NULL (err set, or nothing to tell with err clear). */
static wchar_t* query_line(DWORD pid, bw_error* err) {
  query_fn query =
      (query_fn)(void*)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryInformationProcess");
  HANDLE proc;
  ULONG size = 0;
  UNICODE_STRING* info = NULL;
  wchar_t* line = NULL;
  LONG status;
  if (query == NULL) return NULL;
  proc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (proc == NULL) {
    DWORD code = GetLastError();
    bw_error_set(err, BW_ERR_POSIX, code == ERROR_ACCESS_DENIED ? EPERM : ESRCH, "OpenProcess");
    return NULL;
  }
  status = query(proc, BW_PROCESS_COMMAND_LINE, NULL, 0, &size);
  if (size > 0 && size < (64u << 20) && (info = malloc(size)) != NULL &&
      (status = query(proc, BW_PROCESS_COMMAND_LINE, info, size, &size)) >= 0 &&
      info->Buffer != NULL) {
    size_t n = info->Length / sizeof(wchar_t);
    line = malloc((n + 1) * sizeof(wchar_t));
    if (line != NULL) {
      memcpy(line, info->Buffer, n * sizeof(wchar_t));
      line[n] = L'\0';
    }
  }
  free(info);
  CloseHandle(proc);
  if (line == NULL && status == (LONG)0xC0000003) line = peb_line(query, pid); /* unknown class */
  return line;
}

bool bw_cmdline_get(int64_t pid, bw_cmdline* out, bw_error* err) {
  wchar_t* line;
  wchar_t** argv;
  int argc = 0, i;
  size_t total = 0;
  memset(out, 0, sizeof(*out));
  bw_error_clear(err);
  if (pid <= 0 || pid > 0xFFFFFFFFLL) {
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "OpenProcess");
    return false;
  }
  line = query_line((DWORD)pid, err);
  if (line == NULL) return err->kind == BW_OK;
  /* An empty line would give the caller's own path. */
  argv = line[0] == L'\0' ? NULL : CommandLineToArgvW(line, &argc);
  free(line);
  if (argv == NULL) return true;
  for (i = 0; i < argc; i++)
    total += (size_t)WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, NULL, 0, NULL, NULL);
  out->data = malloc(total > 0 ? total : 1);
  if (out->data == NULL) {
    LocalFree(argv);
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "malloc");
    return false;
  }
  for (i = 0; i < argc; i++) {
    int n = WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, out->data + out->len,
                                (int)(total - out->len), NULL, NULL);
    if (n <= 0) break;
    out->len += (size_t)n;
    out->argc++;
  }
  LocalFree(argv);
  return true;
}

void bw_cmdline_free(bw_cmdline* c) {
  free(c->data);
  memset(c, 0, sizeof(*c));
}
