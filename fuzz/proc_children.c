/* libFuzzer harness: /proc/<pid>/task/<tid>/children lists. Oracle: every PID
 * the parser yields is a complete token of the input (digits with a space, a
 * newline or an end on both sides), never a cut-off prefix. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tree/procfs.h"

static int sep(char c) {
  return c == ' ' || c == '\n';
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* buf = (const char*)data;
  const char* end = buf + size;
  const char* p = buf;
  int64_t pid;
  size_t rounds = 0;
  while (bw_procfs_next_pid(&p, end, &pid)) {
    const char* tok = p;
    char text[32];
    int n;
    assert(p > buf && p <= end);
    assert(p == end || sep(*p));
    while (tok > buf && tok[-1] >= '0' && tok[-1] <= '9') tok--;
    assert(tok == buf || sep(tok[-1]));
    while (*tok == '0') tok++; /* the kernel writes none; accepted all the same */
    assert(pid >= 1 && pid <= INT32_MAX);
    n = snprintf(text, sizeof(text), "%lld", (long long)pid);
    assert(n == p - tok && memcmp(text, tok, (size_t)n) == 0);
    assert(++rounds <= size);
  }
  return 0;
}
