/* The supervisor's control lines from the host (see supervisor.h), parsed
 * without side effects so the parser is fuzzed on its own (fuzz/). */
#include <string.h>

#include "supervisor/protocol.h"

/* A decimal number of [p, end) that ends at end or a space; no sign. */
static const char* number(const char* p, const char* end, long long max, long long* out) {
  long long v = 0;
  const char* start = p;
  while (p < end && *p >= '0' && *p <= '9') {
    if (v > (max - (*p - '0')) / 10) return NULL;
    v = v * 10 + (*p - '0');
    p++;
  }
  if (p == start) return NULL;
  *out = v;
  return p;
}

bw_sup_cmd bw_sup_parse_control(const char* line, size_t len, int* sig, long long* grace_ms) {
  const char* end = line + len;
  const char* p;
  long long s, g;
  if (len == 4 && memcmp(line, "kill", 4) == 0) return BW_SUP_KILL;
  if (len < 5 || memcmp(line, "stop ", 5) != 0) return BW_SUP_UNKNOWN;
  p = number(line + 5, end, 64, &s);
  if (p == NULL || p >= end || *p != ' ' || s < 1) return BW_SUP_UNKNOWN;
  p = number(p + 1, end, 2147483647LL, &g);
  if (p == NULL || p != end) return BW_SUP_UNKNOWN;
  *sig = (int)s;
  *grace_ms = g;
  return BW_SUP_STOP;
}
