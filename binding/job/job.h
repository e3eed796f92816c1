/* Windows job objects for the supervised spawn (job_win.c; Windows builds
 * only — Linux and macOS use the supervisor executable instead). A job has
 * JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE and no breakaway; its only handle is
 * the host's, so the backend's whole tree dies with the host (G2). */
#ifndef BW_JOB_H
#define BW_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "os/error.h"

typedef struct bw_job bw_job;

/* What the waiter thread reports: the root exited (code), then the job
 * became empty (the whole tree is gone). The waiter also drains the job's
 * messages for as long as the job lives. */
/* BW_JOB_LIMIT: the kernel refused a member's allocation because the job's
 * memory limit was reached (code: that member's PID). */
typedef enum bw_job_event { BW_JOB_EXIT = 1, BW_JOB_EMPTY = 2, BW_JOB_LIMIT = 3 } bw_job_event;
typedef void (*bw_job_notify)(void* ctx, bw_job_event event, uint32_t code);

typedef struct bw_job_spawn_opts {
  const wchar_t* app; /* resolved program path */
  wchar_t* cmdline;   /* quoted command line (CreateProcessW may edit it) */
  const wchar_t* cwd; /* or NULL */
  const wchar_t* env; /* double-NUL-terminated block, or NULL to inherit */
  /* Per stream: a named pipe path to open, NULL for the NUL device, or the
   * host's own handle when inherit[i] is true. */
  const wchar_t* stdio[3];
  bool inherit[3];
  bw_job_notify notify; /* called on the waiter thread */
  void* ctx;
  /* JOB_OBJECT_LIMIT_JOB_MEMORY: committed memory of the whole tree,
   * kernel-enforced; 0 = no limit (observe: options.limits). */
  uint64_t memory_limit;
} bw_job_spawn_opts;

/* Creates the job and the process (suspended, assigned, resumed), and
 * starts the waiter thread. On failure nothing is left running. */
bool bw_job_spawn(const bw_job_spawn_opts* o, bw_job** out, uint32_t* pid, double* start_time,
                  bw_error* err);

/* The windowed part of the polite stop: WM_CLOSE to every member's
 * top-level windows. Returns true if any was posted. (Console members get
 * Ctrl+C from backend_warden_ctrlc.exe, which the JS layer runs.) */
bool bw_job_ask_to_stop(bw_job* job);

/* TerminateJobObject: every process of the tree, at once. */
bool bw_job_terminate(bw_job* job, uint32_t exit_code, bw_error* err);

/* PIDs currently in the job (up to max): the job's own list and the
 * members its messages reported. Returns the count. */
size_t bw_job_pids(bw_job* job, uint32_t* pids, size_t max);

/* How many job messages the waiter has taken off the completion port. */
uint64_t bw_job_messages(bw_job* job);

/* Waits up to ms for the root process to exit. */
bool bw_job_wait_root(bw_job* job, uint32_t ms);

/* What the job has used (observe: backend.usage() and the memory limit). */
typedef struct bw_job_usage {
  double cpu_ms;         /* user + kernel time of every process that ran in the job */
  uint32_t active;       /* processes in the job now */
  uint32_t total;        /* processes that ever ran in it */
  double peak_memory;    /* PeakJobMemoryUsed: committed bytes */
  double memory_limit;   /* the JobMemoryLimit the job reports; 0 when none */
  bool memory_limit_hit; /* a JOB_OBJECT_MSG_JOB_MEMORY_LIMIT came */
  double memory_at_hit;  /* the job's committed memory when it did */
} bw_job_usage;

/* JobObjectBasicAccountingInformation and JobObjectExtendedLimitInformation
 * now, and what the limit message recorded. Does not block. */
bool bw_job_get_usage(bw_job* job, bw_job_usage* out, bw_error* err);

/* Stops the waiter thread (no more notifications) and closes every handle;
 * closing the job kills whatever still runs in it. Idempotent. */
void bw_job_close(bw_job* job);

/* bw_job_close, then frees the job. */
void bw_job_destroy(bw_job* job);

#endif
