/* Error text shared by every platform: library codes, errno names from the
 * X-macro list, and the Node-style errno number. OS-specific kinds (Win32,
 * HRESULT) and system messages come from error_posix.c / error_win.c. */
#include <errno.h>
#include <stdio.h>

#include "os/error.h"

static const char* errno_name(int err) {
  switch (err) {
#define BW_ERRNO_CASE(name) \
  case name:                \
    return #name;
    BW_ERRNO_NAMES(BW_ERRNO_CASE)
#undef BW_ERRNO_CASE
    default:
      return NULL;
  }
}

void bw_error_describe(const bw_error* e, bw_error_text* out) {
  const char* name;
  out->code[0] = '\0';
  out->message[0] = '\0';
  out->errnum = 0;
  switch (e->kind) {
    case BW_OK:
      snprintf(out->code, sizeof(out->code), "%s", "OK");
      break;
    case BW_ERR_LIB:
      snprintf(out->code, sizeof(out->code), "%s", e->code ? e->code : "UNKNOWN");
      snprintf(out->message, sizeof(out->message), "%s", e->message ? e->message : "unknown error");
      break;
    case BW_ERR_POSIX:
      name = errno_name(e->num);
      snprintf(out->code, sizeof(out->code), "%s", name ? name : "UNKNOWN");
      bw__strerror(e->num, out->message, sizeof(out->message));
      out->errnum = -(double)e->num;
      break;
    case BW_ERR_WIN32:
    case BW_ERR_HRESULT:
      bw__describe_windows(e, out);
      break;
  }
}
