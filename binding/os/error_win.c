/* Windows error text: Win32 errors translated to the POSIX-style names Node
 * users already handle (one flat switch, as libuv's src/win/error.c does),
 * HRESULTs named where a caller may act on them, messages from the system
 * (FormatMessageW, converted to UTF-8). */
#include <windows.h>
#include <winsock2.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "os/error.h"

static const char* win32_name(DWORD err) {
  switch (err) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_MOD_NOT_FOUND:
    case ERROR_INVALID_NAME:
    case ERROR_BAD_PATHNAME:
      return "ENOENT";
    case ERROR_ACCESS_DENIED:
    case ERROR_PRIVILEGE_NOT_HELD:
      return "EPERM";
    case ERROR_INVALID_HANDLE:
      return "EBADF";
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_NO_SYSTEM_RESOURCES:
      return "ENOMEM";
    case ERROR_INVALID_PARAMETER:
    case ERROR_INVALID_FLAGS:
    case WSAEINVAL:
      return "EINVAL";
    case ERROR_INSUFFICIENT_BUFFER:
    case WSAENOBUFS:
      return "ENOBUFS";
    case ERROR_BAD_EXE_FORMAT:
    case ERROR_EXE_MACHINE_TYPE_MISMATCH:
      return "ENOEXEC";
    case ERROR_DIRECTORY:
      return "ENOTDIR";
    case ERROR_FILENAME_EXCED_RANGE:
      return "ENAMETOOLONG";
    case ERROR_BROKEN_PIPE:
    case ERROR_NO_DATA:
      return "EPIPE";
    case ERROR_PIPE_BUSY:
    case ERROR_SHARING_VIOLATION:
    case ERROR_BUSY:
      return "EBUSY";
    case ERROR_ALREADY_EXISTS:
    case ERROR_FILE_EXISTS:
      return "EEXIST";
    case ERROR_NOT_SUPPORTED:
    case ERROR_CALL_NOT_IMPLEMENTED:
      return "ENOTSUP";
    case ERROR_OPERATION_ABORTED:
      return "ECANCELED";
    case WAIT_TIMEOUT:
    case ERROR_TIMEOUT:
    case ERROR_SEM_TIMEOUT:
    case WSAETIMEDOUT:
      return "ETIMEDOUT";
    case WSAEACCES:
      return "EACCES";
    case WSAEADDRINUSE:
      return "EADDRINUSE";
    case WSAEADDRNOTAVAIL:
      return "EADDRNOTAVAIL";
    case WSAEAFNOSUPPORT:
      return "EAFNOSUPPORT";
    case WSAECONNREFUSED:
    case ERROR_CONNECTION_REFUSED:
      return "ECONNREFUSED";
    case WSAECONNRESET:
      return "ECONNRESET";
    case WSAECONNABORTED:
      return "ECONNABORTED";
    case WSAEHOSTUNREACH:
    case ERROR_HOST_UNREACHABLE:
      return "EHOSTUNREACH";
    case WSAENETUNREACH:
    case ERROR_NETWORK_UNREACHABLE:
      return "ENETUNREACH";
    case WSAENOTSOCK:
      return "ENOTSOCK";
    case WSAEWOULDBLOCK:
      return "EAGAIN";
    case WSAEINPROGRESS:
      return "EINPROGRESS";
    case WSAEMFILE:
      return "EMFILE";
    default:
      return NULL;
  }
}

static const char* hresult_name(HRESULT hr) {
  switch ((unsigned long)hr) {
    case 0x80004001UL:
      return "E_NOTIMPL";
    case 0x80004002UL:
      return "E_NOINTERFACE";
    case 0x80004005UL:
      return "E_FAIL";
    case 0x80070005UL:
      return "E_ACCESSDENIED";
    case 0x8007000EUL:
      return "E_OUTOFMEMORY";
    case 0x80070057UL:
      return "E_INVALIDARG";
    case 0x80040154UL:
      return "REGDB_E_CLASSNOTREG";
    case 0x800401F0UL:
      return "CO_E_NOTINITIALIZED";
    case 0x800706BAUL:
      return "RPC_S_SERVER_UNAVAILABLE";
    case 0x800706D9UL:
      return "EPT_S_NOT_REGISTERED"; /* the firewall service is stopped */
    case 0x80070422UL:
      return "ERROR_SERVICE_DISABLED";
    default:
      return NULL;
  }
}

/* The system's text for code, UTF-8, without the trailing period and CRLF. */
static void system_message(DWORD code, char* buf, size_t size) {
  WCHAR wide[512];
  DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code,
                           0, wide, (DWORD)(sizeof(wide) / sizeof(wide[0])), NULL);
  while (n > 0 && (wide[n - 1] == L'\r' || wide[n - 1] == L'\n' || wide[n - 1] == L' ' ||
                   wide[n - 1] == L'.'))
    n--;
  buf[0] = '\0';
  if (n > 0) {
    int len = WideCharToMultiByte(CP_UTF8, 0, wide, (int)n, buf, (int)size - 1, NULL, NULL);
    if (len > 0) {
      buf[len] = '\0';
      return;
    }
  }
  snprintf(buf, size, "Windows error 0x%08lx", (unsigned long)code);
}

void bw_error_from_os(bw_error* e, const char* syscall) {
  bw_error_set(e, BW_ERR_WIN32, (int32_t)GetLastError(), syscall);
}

void bw__strerror(int err, char* buf, size_t size) {
  if (strerror_s(buf, size, err) != 0) snprintf(buf, size, "Unknown system error %d", err);
}

void bw__describe_windows(const bw_error* e, bw_error_text* out) {
  const char* name;
  if (e->kind == BW_ERR_WIN32) {
    name = win32_name((DWORD)e->num);
    snprintf(out->code, sizeof(out->code), "%s", name ? name : "UNKNOWN");
    system_message((DWORD)e->num, out->message, sizeof(out->message));
    out->errnum = (double)(DWORD)e->num;
    return;
  }
  name = hresult_name((HRESULT)e->num);
  if (name)
    snprintf(out->code, sizeof(out->code), "%s", name);
  else
    snprintf(out->code, sizeof(out->code), "HRESULT_0x%08lx", (unsigned long)e->num);
  system_message((DWORD)e->num, out->message, sizeof(out->message));
  out->errnum = (double)e->num;
}
