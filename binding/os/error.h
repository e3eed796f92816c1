/* The project's error record: what failed (syscall), how (errno, Win32 error,
 * HRESULT or a library code), captured at the failure site by OS code that
 * never touches napi_env. napi_util.c turns it into a Node-style Error. */
#ifndef BW_ERROR_H
#define BW_ERROR_H

#include <stddef.h>
#include <stdint.h>

typedef enum bw_error_kind {
  BW_OK = 0,
  BW_ERR_POSIX,   /* num is an errno value */
  BW_ERR_WIN32,   /* num is a Win32 error (GetLastError, WSAGetLastError) */
  BW_ERR_HRESULT, /* num is an HRESULT */
  BW_ERR_LIB      /* code and message are the library's own static strings */
} bw_error_kind;

typedef struct bw_error {
  bw_error_kind kind;
  int32_t num;
  const char* syscall; /* static string or NULL */
  const char* code;    /* BW_ERR_LIB only */
  const char* message; /* BW_ERR_LIB only */
} bw_error;

/* A described error, ready to become a JS Error. */
typedef struct bw_error_text {
  char code[48];
  char message[512];
  double errnum; /* -errno on POSIX (as Node does), Win32 error, or HRESULT */
} bw_error_text;

/* errno names shared by every POSIX build; X-macro so one list serves both
 * the name table and any later reverse lookup. */
// clang-format off
#define BW_ERRNO_NAMES(X)                                                      \
  X(EPERM) X(ENOENT) X(ESRCH) X(EINTR) X(EIO) X(ENXIO) X(E2BIG) X(ENOEXEC)     \
  X(EBADF) X(ECHILD) X(EAGAIN) X(ENOMEM) X(EACCES) X(EFAULT) X(EBUSY)          \
  X(EEXIST) X(EXDEV) X(ENOTDIR) X(EISDIR) X(EINVAL) X(ENFILE) X(EMFILE)        \
  X(ETXTBSY) X(EFBIG) X(ENOSPC) X(ESPIPE) X(EROFS) X(EMLINK) X(EPIPE)          \
  X(ERANGE) X(EDEADLK) X(ENAMETOOLONG) X(ENOSYS) X(ENOTEMPTY) X(ELOOP)         \
  X(ENOTSOCK) X(EMSGSIZE) X(EPROTONOSUPPORT) X(ENOTSUP) X(EAFNOSUPPORT)        \
  X(EADDRINUSE) X(EADDRNOTAVAIL) X(ENETDOWN) X(ENETUNREACH) X(ECONNABORTED)    \
  X(ECONNRESET) X(ENOBUFS) X(EISCONN) X(ENOTCONN) X(ETIMEDOUT)                 \
  X(ECONNREFUSED) X(EHOSTUNREACH) X(EALREADY) X(EINPROGRESS) X(ECANCELED)
// clang-format on

static inline void bw_error_clear(bw_error* e) {
  e->kind = BW_OK;
  e->num = 0;
  e->syscall = NULL;
  e->code = NULL;
  e->message = NULL;
}

static inline void bw_error_set(bw_error* e, bw_error_kind kind, int32_t num, const char* syscall) {
  e->kind = kind;
  e->num = num;
  e->syscall = syscall;
  e->code = NULL;
  e->message = NULL;
}

static inline void bw_error_lib(bw_error* e, const char* code, const char* message,
                                const char* syscall) {
  e->kind = BW_ERR_LIB;
  e->num = 0;
  e->syscall = syscall;
  e->code = code;
  e->message = message;
}

/* Captures the calling thread's last OS error (errno, or GetLastError on
 * Windows) for syscall. Call it right after the failing call. */
void bw_error_from_os(bw_error* e, const char* syscall);

/* Fills code, message and errnum. Thread-safe (error.c). */
void bw_error_describe(const bw_error* e, bw_error_text* out);

/* Per OS family (error_posix.c, error_win.c), for error.c: the system's
 * message for an errno value, and the description of Win32 and HRESULT
 * errors (which only arise in Windows builds). */
void bw__strerror(int err, char* buf, size_t size);
void bw__describe_windows(const bw_error* e, bw_error_text* out);

#endif
