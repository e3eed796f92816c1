/* Linux command lines: /proc/<pid>/cmdline, the arguments NUL-separated
 * (the last one NUL-terminated unless the process rewrote its memory). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/readfile.h"
#include "usage/cmdline.h"

bool bw_cmdline_get(int64_t pid, bw_cmdline* out, bw_error* err) {
  char path[64];
  char* buf;
  size_t len, i;
  memset(out, 0, sizeof(*out));
  snprintf(path, sizeof(path), "/proc/%lld/cmdline", (long long)pid);
  if (!bw_read_file_alloc(path, &buf, &len, err)) {
    if (err->kind == BW_ERR_POSIX && err->num == ENOENT)
      bw_error_set(err, BW_ERR_POSIX, ESRCH, "open");
    return false;
  }
  if (len > 0 && buf[len - 1] != '\0') buf[len++] = '\0'; /* the reader leaves room */
  for (i = 0; i < len; i++)
    if (buf[i] == '\0') out->argc++;
  out->data = buf;
  out->len = len;
  return true;
}

void bw_cmdline_free(bw_cmdline* c) {
  free(c->data);
  memset(c, 0, sizeof(*c));
}
