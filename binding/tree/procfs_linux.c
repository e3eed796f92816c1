/* Pure procfs text parsers (see procfs.h). */
#include <string.h>

#include "tree/procfs.h"

/* A decimal field of [p, end): digits up to a space or the end. */
static bool field_u64(const char* p, const char* end, uint64_t* out) {
  uint64_t v = 0;
  const char* start = p;
  while (p < end && *p >= '0' && *p <= '9') {
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + (uint64_t)(*p - '0');
    p++;
  }
  if (p == start || (p < end && *p != ' ' && *p != '\n')) return false;
  *out = v;
  return true;
}

static bool field_i64(const char* p, const char* end, int64_t* out) {
  uint64_t v;
  bool neg = p < end && *p == '-';
  if (!field_u64(p + (neg ? 1 : 0), end, &v) || v > (uint64_t)INT64_MAX) return false;
  *out = neg ? -(int64_t)v : (int64_t)v;
  return true;
}

/* Fields up to 22 into out; with usage, up to 24 and those figures too. */
static bool parse_stat(const char* text, size_t len, bw_proc_info* out, bw_procfs_usage* usage) {
  const char* end = text + len;
  const char* open = memchr(text, '(', len);
  const char* close = NULL;
  const char* p;
  uint64_t u;
  size_t n;
  int field;
  for (p = end; p > text; p--)
    if (p[-1] == ')') {
      close = p - 1;
      break;
    }
  if (open == NULL || close == NULL || close < open) return false;
  memset(out, 0, sizeof(*out));
  if (open == text || open[-1] != ' ') return false;
  if (!field_u64(text, open, &u) || u == 0 || u > INT32_MAX) return false;
  out->pid = (int64_t)u;
  n = (size_t)(close - open - 1);
  if (n >= sizeof(out->name)) n = sizeof(out->name) - 1;
  memcpy(out->name, open + 1, n);
  out->name[n] = '\0';
  /* After ") ": 3 state, 4 ppid, 5 pgrp, 6 session, ..., 22 starttime. */
  if (usage != NULL) memset(usage, 0, sizeof(*usage));
  p = close + 1;
  for (field = 3; field <= (usage != NULL ? 24 : 22); field++) {
    if (p >= end || *p != ' ') return false;
    p++;
    if (p >= end || *p == ' ' || *p == '\n') return false;
    switch (field) {
      case 3:
        out->state = *p;
        break;
      case 4:
        if (!field_i64(p, end, &out->ppid)) return false;
        break;
      case 5:
        if (!field_i64(p, end, &out->pgid)) return false;
        break;
      case 6:
        if (!field_i64(p, end, &out->sid)) return false;
        break;
      case 22:
        if (!field_u64(p, end, &u)) return false;
        out->start_time = (double)u;
        break;
      case 14:
      case 15:
        if (usage != NULL && !field_u64(p, end, field == 14 ? &usage->utime : &usage->stime))
          return false;
        break;
      case 20:
        if (usage != NULL && !field_i64(p, end, &usage->threads)) return false;
        break;
      case 24:
        if (usage != NULL && !field_i64(p, end, &usage->rss_pages)) return false;
        break;
      default:
        break;
    }
    while (p < end && *p != ' ' && *p != '\n') p++;
  }
  return true;
}

bool bw_procfs_parse_stat(const char* text, size_t len, bw_proc_info* out) {
  return parse_stat(text, len, out, NULL);
}

bool bw_procfs_parse_stat_usage(const char* text, size_t len, bw_proc_info* out,
                                bw_procfs_usage* usage) {
  return parse_stat(text, len, out, usage);
}

bool bw_procfs_next_pid(const char** p, const char* end, int64_t* pid) {
  const char* s = *p;
  uint64_t v = 0;
  const char* start;
  while (s < end && (*s == ' ' || *s == '\n')) s++;
  start = s;
  while (s < end && *s >= '0' && *s <= '9') {
    if (v > INT32_MAX) break;
    v = v * 10 + (uint64_t)(*s - '0');
    s++;
  }
  *p = end; /* unless a PID is found, the list ends here */
  if (s == start || v == 0 || v > INT32_MAX) return false;
  if (s < end && *s != ' ' && *s != '\n') return false;
  *pid = (int64_t)v;
  *p = s;
  return true;
}
