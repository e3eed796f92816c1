/* Resource usage of a process tree: CPU time and resident memory of every
 * live member, and their sums. Neutral C types; the OS files fill them and
 * never touch napi_env: usage_linux.c (/proc, one pass), usage_darwin.c
 * (libproc PROC_PIDTASKINFO), usage_win.c (Toolhelp tree, GetProcessTimes
 * and K32GetProcessMemoryInfo per member). usage.c holds the shared list
 * helpers. */
#ifndef BW_USAGE_H
#define BW_USAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os/error.h"
#include "tree/tree.h"

typedef struct bw_usage_member {
  int64_t pid;
  int64_t ppid;
  double start_time; /* identity, as bw_proc_info.start_time */
  double cpu_ms;     /* user + system time of the process itself */
  double rss_bytes;  /* resident set (Windows: working set) */
  int64_t threads;   /* Linux: its thread count (whose children lists to read) */
  char name[BW_PROC_NAME_MAX];
} bw_usage_member;

typedef struct bw_usage {
  bw_usage_member* members; /* root first, then breadth-first */
  size_t count;
  size_t cap;
  double cpu_ms;    /* sum over members */
  double rss_bytes; /* sum over members */
  double age_ms;    /* wall-clock time since the root started; < 0 if unknown */
} bw_usage;

/* The tree rooted at pid. When start_time is >= 0 the root must have that
 * identity (else ESRCH). Members the caller may not inspect are listed
 * with zero figures. Blocks briefly; callers run it off the JS thread. */
bool bw_usage_tree(int64_t pid, double start_time, bw_usage* out, bw_error* err);

/* --- usage.c ------------------------------------------------------------ */

/* Appends m and adds its figures to the sums; false on allocation failure. */
bool bw_usage_push(bw_usage* u, const bw_usage_member* m);
void bw_usage_free(bw_usage* u);

/* The usage of a tree listed by bw_tree_list (root first): every member
 * with the figures figures(m, ctx) fills in from the OS's per-process
 * counters (left at zero when it may not look), summed. now_ms: wall-clock
 * ms since the epoch, for age_ms (tree.h start times on macOS and Windows).
 * ENOMEM into err on allocation failure. (macOS and Windows; Linux reads
 * its figures while it walks the tree.) */
typedef void (*bw_usage_figures_fn)(bw_usage_member* m, void* ctx);
bool bw_usage_from_list(const bw_proc_list* list, double now_ms, bw_usage_figures_fn figures,
                        void* ctx, bw_usage* out, bw_error* err);

#endif
