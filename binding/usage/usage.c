/* Platform-free helpers for usage.h: the member list and its sums. */
#include <stdlib.h>
#include <string.h>

#include "usage/usage.h"

bool bw_usage_push(bw_usage* u, const bw_usage_member* m) {
  if (u->count == u->cap) {
    size_t cap = u->cap ? u->cap * 2 : 16;
    bw_usage_member* grown = realloc(u->members, cap * sizeof(*grown));
    if (grown == NULL) return false;
    u->members = grown;
    u->cap = cap;
  }
  u->members[u->count++] = *m;
  u->cpu_ms += m->cpu_ms;
  u->rss_bytes += m->rss_bytes;
  return true;
}

void bw_usage_free(bw_usage* u) {
  free(u->members);
  memset(u, 0, sizeof(*u));
}
