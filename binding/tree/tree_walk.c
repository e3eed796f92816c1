/* Platform-free process-tree logic, shared by every OS: a growable list of
 * process records, the breadth-first collection of descendants from a
 * whole-system scan, and the kill options and result. */
#include <errno.h>
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

bool bw_tree_collect(bw_proc_list* all, bw_proc_list* out, bw_identity_fn identity) {
  size_t head = 0, i;
  /* out doubles as the breadth-first queue: every member is visited once
   * and its children are appended behind it. */
  while (head < out->count) {
    const bw_proc_info parent = out->items[head++];
    for (i = 0; i < all->count; i++) {
      bw_proc_info* p = &all->items[i];
      if (p->ppid != parent.pid || p->pid == parent.pid || p->pid <= 0) continue;
      if (identity != NULL) identity(p);
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

bool bw_kill_result_alloc(bw_kill_result* out, size_t n) {
  out->killed_count = out->survivor_count = 0;
  out->killed = calloc(n + 1, sizeof(int64_t));
  out->survivors = calloc(n + 1, sizeof(int64_t));
  if (out->killed == NULL || out->survivors == NULL) {
    bw_kill_result_free(out);
    return false;
  }
  return true;
}

void bw_kill_result_add(bw_kill_result* out, int64_t pid, bool gone) {
  if (gone)
    out->killed[out->killed_count++] = pid;
  else
    out->survivors[out->survivor_count++] = pid;
}

long bw_rescan_end(bw_proc_list* all, bw_proc_list* tree, long added, bw_error* err) {
  bw_proc_list_free(all);
  bw_proc_list_free(tree);
  if (added < 0) bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
  return added;
}
