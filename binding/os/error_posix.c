/* POSIX error text: the last OS error, and messages from strerror_r (the
 * XSI variant, so this file must not see _GNU_SOURCE). */
#undef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "os/error.h"

void bw_error_from_os(bw_error* e, const char* syscall) {
  bw_error_set(e, BW_ERR_POSIX, errno, syscall);
}

void bw__strerror(int err, char* buf, size_t size) {
  if (strerror_r(err, buf, size) != 0) snprintf(buf, size, "Unknown system error %d", err);
}

void bw__describe_windows(const bw_error* e, bw_error_text* out) {
  /* Windows codes never arise in a POSIX build; describe them plainly. */
  snprintf(out->code, sizeof(out->code), "UNKNOWN");
  snprintf(out->message, sizeof(out->message), "Windows error 0x%08x", (unsigned)e->num);
  out->errnum = e->num;
}
