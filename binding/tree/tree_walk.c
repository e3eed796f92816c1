/* Platform-free process-tree logic: a growable list of process records and
 * the breadth-first collection of descendants from a whole-system scan. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "tree/tree.h"

bool bw_proc_list_push(bw_proc_list* list, const bw_proc_info* info) {
  if (list->count == list->cap) {
    size_t cap = list->cap ? list->cap * 2 : 64;
    bw_proc_info* items = realloc(list->items, cap * sizeof(*items));
    if (items == NULL) return false;
    list->items = items;
    list->cap = cap;
  }
  list->items[list->count++] = *info;
  return true;
}

void bw_proc_list_free(bw_proc_list* list) {
  free(list->items);
  list->items = NULL;
  list->count = 0;
  list->cap = 0;
}

const bw_proc_info* bw_proc_list_find(const bw_proc_list* list, int64_t pid) {
  size_t i;
  for (i = 0; i < list->count; i++)
    if (list->items[i].pid == pid) return &list->items[i];
  return NULL;
}

bool bw_started_not_before(double a, double b) {
  if (a < 0 || b < 0) return true;
  return a >= b;
}

bool bw_tree_collect(const bw_proc_list* all, bw_proc_list* out) {
  size_t head = 0, i;
  /* out doubles as the breadth-first queue: every member is visited once
   * and its children are appended behind it. */
  while (head < out->count) {
    const bw_proc_info parent = out->items[head++];
    for (i = 0; i < all->count; i++) {
      const bw_proc_info* p = &all->items[i];
      if (p->ppid != parent.pid || p->pid == parent.pid) continue;
      if (!bw_started_not_before(p->start_time, parent.start_time)) continue;
      if (bw_proc_list_find(out, p->pid) != NULL) continue;
      if (!bw_proc_list_push(out, p)) return false;
    }
  }
  return true;
}

void bw_kill_opts_init(bw_kill_opts* o) {
  memset(o, 0, sizeof(*o));
  o->signal = SIGTERM;
  o->grace_ms = 5000;
  o->force_wait_ms = 5000;
  o->start_time = -1;
}

void bw_kill_result_free(bw_kill_result* r) {
  free(r->killed);
  free(r->survivors);
  memset(r, 0, sizeof(*r));
}

bool bw_kill_result_from(bw_kill_result* out, const int64_t* pids, const bool* gone, size_t n) {
  size_t i;
  out->killed = calloc(n + 1, sizeof(int64_t));
  out->survivors = calloc(n + 1, sizeof(int64_t));
  if (out->killed == NULL || out->survivors == NULL) {
    bw_kill_result_free(out);
    return false;
  }
  for (i = 0; i < n; i++) {
    if (gone[i])
      out->killed[out->killed_count++] = pids[i];
    else
      out->survivors[out->survivor_count++] = pids[i];
  }
  return true;
}
