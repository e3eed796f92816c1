/* Platform-free helpers for usage.h: the member list and its sums, and the
 * member-by-member builder macOS and Windows share. */
#include <errno.h>
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

bool bw_usage_from_list(const bw_proc_list* list, double now_ms, bw_usage_figures_fn figures,
                        void* ctx, bw_usage* out, bw_error* err) {
  size_t i;
  memset(out, 0, sizeof(*out));
  out->age_ms =
      list->count == 0 || list->items[0].start_time < 0 ? -1 : now_ms - list->items[0].start_time;
  for (i = 0; i < list->count; i++) {
    bw_usage_member m;
    memset(&m, 0, sizeof(m));
    m.pid = list->items[i].pid;
    m.ppid = list->items[i].ppid;
    m.start_time = list->items[i].start_time;
    memcpy(m.name, list->items[i].name, sizeof(m.name));
    figures(&m, ctx);
    if (!bw_usage_push(out, &m)) {
      bw_usage_free(out);
      bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
      return false;
    }
  }
  return true;
}
