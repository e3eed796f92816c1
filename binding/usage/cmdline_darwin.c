/* macOS command lines: sysctl KERN_PROCARGS2 — argc (an int), the
 * executable's path, NUL padding, then argc NUL-terminated arguments (and
 * the environment after them, not read). Compiled in CI with zig; not run
 * there (no macOS machine). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysctl.h>
#include <sys/types.h>

#include "usage/cmdline.h"

bool bw_cmdline_get(int64_t pid, bw_cmdline* out, bw_error* err) {
  int mib[3] = {CTL_KERN, KERN_ARGMAX, 0};
  int argmax = 0, argc = 0;
  size_t size = sizeof(argmax);
  char *buf, *p, *end, *start;
  memset(out, 0, sizeof(*out));
  if (sysctl(mib, 2, &argmax, &size, NULL, 0) != 0 || argmax <= 0) argmax = 256 * 1024;
  buf = malloc((size_t)argmax);
  if (buf == NULL) {
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "malloc");
    return false;
  }
  mib[1] = KERN_PROCARGS2;
  mib[2] = (int)pid;
  size = (size_t)argmax;
  if (sysctl(mib, 3, buf, &size, NULL, 0) != 0) {
    /* EINVAL: a zombie, or a process of another user (macOS hides both). */
    int e = errno;
    free(buf);
    if (e == EINVAL) return true;
    bw_error_set(err, BW_ERR_POSIX, e, "sysctl");
    return false;
  }
  if (size < sizeof(int)) {
    free(buf);
    return true;
  }
  memcpy(&argc, buf, sizeof(int));
  end = buf + size;
  p = buf + sizeof(int);
  while (p < end && *p != '\0') p++; /* the executable's path */
  while (p < end && *p == '\0') p++; /* padding */
  start = p;
  while (p < end && (int)out->argc < argc) {
    while (p < end && *p != '\0') p++;
    if (p == end) break; /* cut off: the last argument is incomplete */
    p++;
    out->argc++;
  }
  out->len = (size_t)(p - start);
  memmove(buf, start, out->len);
  out->data = buf;
  if (out->argc == 0) {
    free(buf);
    memset(out, 0, sizeof(*out));
  }
  return true;
}

void bw_cmdline_free(bw_cmdline* c) {
  free(c->data);
  memset(c, 0, sizeof(*c));
}
