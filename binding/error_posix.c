/* POSIX error text: errno names from the shared list, messages from
 * strerror_r (the XSI variant, so this file must not see _GNU_SOURCE). */
#undef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

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

void bw_error_from_os(bw_error* e, const char* syscall) {
  bw_error_set(e, BW_ERR_POSIX, errno, syscall);
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
      if (strerror_r(e->num, out->message, sizeof(out->message)) != 0)
        snprintf(out->message, sizeof(out->message), "Unknown system error %d", (int)e->num);
      out->errnum = -(double)e->num;
      break;
    case BW_ERR_WIN32:
    case BW_ERR_HRESULT:
      /* Windows codes never arise in a POSIX build; describe them plainly. */
      snprintf(out->code, sizeof(out->code), "UNKNOWN");
      snprintf(out->message, sizeof(out->message), "Windows error 0x%08x", (unsigned)e->num);
      out->errnum = e->num;
      break;
  }
}
