/* Process trees: identity of a process, listing a tree, and terminating a
 * whole tree (graceful signal, wait on the processes themselves, then
 * force). Neutral C types only; the OS files fill them and never touch
 * napi_env: tree_posix.c (the Linux/macOS kill engine) over tree_linux.c or
 * tree_darwin.c, and tree_win.c. tree_walk.c holds the platform-free tree
 * logic. */
#ifndef BW_TREE_H
#define BW_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os/error.h"

#define BW_PROC_NAME_MAX 260
/* How far up the parent chain the "is this our own ancestor?" refusal
 * looks, on every OS. */
#define BW_ANCESTOR_DEPTH 128

typedef struct bw_proc_info {
  int64_t pid;
  int64_t ppid;
  int64_t pgid; /* POSIX process group; 0 on Windows */
  int64_t sid;  /* POSIX session; 0 on Windows */
  /* Identity of this incarnation of pid; compare for equality only.
   * Linux: starttime (clock ticks after boot) from /proc/pid/stat.
   * Windows: creation time, ms since the Unix epoch (fractional).
   * macOS: start time, ms since the Unix epoch (fractional).
   * Negative when the OS would not tell (access denied). */
  double start_time;
  char state; /* Linux: the /proc state letter ('Z' = zombie); else 0 */
  char name[BW_PROC_NAME_MAX];
} bw_proc_info;

typedef struct bw_proc_list {
  bw_proc_info* items;
  size_t count;
  size_t cap;
} bw_proc_list;

/* Fills out for pid. Fails with ESRCH when no such process exists. */
bool bw_proc_info_get(int64_t pid, bw_proc_info* out, bw_error* err);

/* The tree rooted at pid, root first, then breadth-first. When start_time
 * is >= 0 the root must have that identity (else ESRCH). */
bool bw_tree_list(int64_t pid, double start_time, bw_proc_list* out, bw_error* err);

typedef struct bw_kill_opts {
  int signal;            /* polite signal (POSIX number; ignored on Windows) */
  int64_t grace_ms;      /* wait this long before forcing; 0 = force at once */
  int64_t force_wait_ms; /* how long to wait for the forced processes */
  double start_time;     /* identity of pid, or < 0 to take pid as it is now */
  bool exclude_root;     /* kill the descendants only (the supervisor itself) */
  bool allow_self;       /* the supervisor may name its own pid */
  /* The caller is a child subreaper (the Linux supervisor): orphans of the
   * tree come back to it, so a member that exits by itself loses nothing. */
  bool subreaper;
  /* Called on every wake-up while waiting; the supervisor reaps its
   * children here. May be NULL. */
  void (*on_wake)(void* ctx);
  void* ctx;
} bw_kill_opts;

typedef struct bw_kill_result {
  int64_t* killed; /* members signalled that are gone */
  size_t killed_count;
  int64_t* survivors; /* members still alive at the end */
  size_t survivor_count;
  bool forced; /* some member outlived the grace period */
  /* Every member was followed to its end: false when a member exited by
   * itself where orphans cannot be followed (no subreaper), so a process it
   * started in its last moments may have escaped. */
  bool complete;
} bw_kill_result;

void bw_kill_opts_init(bw_kill_opts* o);

/* Terminates the tree rooted at pid (and its process group when pid leads
 * one): polite signal, wait for the processes themselves up to grace_ms,
 * then force. Descendants seen while their ancestor lived stay members even
 * after they detach (setsid, double fork). Blocks; run it off the JS thread
 * unless grace_ms is 0. Fails with ESRCH (no such process or identity
 * mismatch), EPERM (may not signal pid; nothing touched) or
 * ERR_INVALID_ARG_VALUE (pid 1, the caller or one of its ancestors). */
bool bw_tree_kill(int64_t pid, const bw_kill_opts* opts, bw_kill_result* out, bw_error* err);

void bw_kill_result_free(bw_kill_result* r);

/* --- tree_walk.c: platform-free helpers --------------------------------- */

bool bw_proc_list_push(bw_proc_list* list, const bw_proc_info* info);
void bw_proc_list_free(bw_proc_list* list);
const bw_proc_info* bw_proc_list_find(const bw_proc_list* list, int64_t pid);

/* Appends to out the descendants of the processes already in out, found in
 * the scan `all` by parent links, breadth-first. A process counts as a
 * child only if it did not start before its parent (so a PID reused by an
 * older process is never taken for a child). Processes already in out are
 * not added twice. identity, when not NULL, is called on each candidate
 * child before that rule is applied: an OS that looks start times up
 * lazily (Windows: OpenProcess per process is costly) fills them there. */
typedef void (*bw_identity_fn)(bw_proc_info* p);
bool bw_tree_collect(bw_proc_list* all, bw_proc_list* out, bw_identity_fn identity);

/* The end of a kill engine's rescan: frees the scan and the tree built
 * from it; added < 0 means an allocation failed (ENOMEM into err).
 * Returns added. */
long bw_rescan_end(bw_proc_list* all, bw_proc_list* tree, long added, bw_error* err);

/* The result of a kill, built member by member: alloc makes room for n
 * (false on allocation failure, then nothing is left to free; forced is
 * kept); add files a member under killed (gone) or survivors. */
bool bw_kill_result_alloc(bw_kill_result* out, size_t n);
void bw_kill_result_add(bw_kill_result* out, int64_t pid, bool gone);

/* Whether a started at or after b, when both identities are known and
 * comparable; true when either is unknown. */
bool bw_started_not_before(double a, double b);

#endif
