/* Linux process facts from procfs: /proc/<pid>/stat parsing. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readfile.h"
#include "tree.h"

/* Parses one /proc/<pid>/stat line. The comm field is in parentheses and may
 * itself contain spaces and ')', so fields are counted from the last ')'. */
static bool parse_stat(const char* text, bw_proc_info* out) {
  const char* open = strchr(text, '(');
  const char* close = strrchr(text, ')');
  const char* p;
  size_t n;
  int field;
  if (open == NULL || close == NULL || close < open) return false;
  out->pid = strtoll(text, NULL, 10);
  n = (size_t)(close - open - 1);
  if (n >= sizeof(out->name)) n = sizeof(out->name) - 1;
  memcpy(out->name, open + 1, n);
  out->name[n] = '\0';
  /* After ") ": field 3 is state, 4 ppid, ..., 22 starttime. */
  p = close + 1;
  for (field = 3; field <= 22; field++) {
    while (*p == ' ') p++;
    if (*p == '\0') return false;
    if (field == 4) out->ppid = strtoll(p, NULL, 10);
    if (field == 22) out->start_time = (double)strtoull(p, NULL, 10);
    while (*p != ' ' && *p != '\0') p++;
  }
  return true;
}

bool bw_proc_info_get(int64_t pid, bw_proc_info* out, bw_error* err) {
  char path[64];
  char buf[1024];
  size_t len;
  snprintf(path, sizeof(path), "/proc/%lld/stat", (long long)pid);
  if (!bw_read_file(path, buf, sizeof(buf), &len, err)) {
    /* A vanished process is ESRCH to the caller, whatever open said. */
    if (err->kind == BW_ERR_POSIX && err->num == ENOENT)
      bw_error_set(err, BW_ERR_POSIX, ESRCH, "open");
    return false;
  }
  if (!parse_stat(buf, out)) {
    bw_error_lib(err, "ERR_PROC_PARSE", "unexpected /proc/<pid>/stat format", "read");
    return false;
  }
  return true;
}
