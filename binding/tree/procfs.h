/* Pure parsers for Linux procfs text (no system calls, so they are fuzzed on
 * their own: fuzz/). */
#ifndef BW_PROCFS_H
#define BW_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tree/tree.h"

/* Parses one /proc/<pid>/stat line of len bytes (need not be NUL-terminated).
 * The comm field is in parentheses and may itself contain spaces and ')',
 * so fields are counted from the last ')'. False when the text is not a
 * complete stat line. */
bool bw_procfs_parse_stat(const char* text, size_t len, bw_proc_info* out);

/* The figures of a stat line that resource usage needs (usage_linux.c):
 * fields 14 utime and 15 stime (clock ticks), 20 num_threads, 24 rss
 * (pages). */
typedef struct bw_procfs_usage {
  uint64_t utime;
  uint64_t stime;
  int64_t threads;
  int64_t rss_pages;
} bw_procfs_usage;

/* bw_procfs_parse_stat, and those figures; false also when the line ends
 * before field 24. */
bool bw_procfs_parse_stat_usage(const char* text, size_t len, bw_proc_info* out,
                                bw_procfs_usage* usage);

/* The next PID of a /proc/<pid>/task/<tid>/children list read whole (len
 * bytes from *p up to end): only a complete token — decimal digits, ended by
 * a space, a newline or the end of the file — in 1..INT32_MAX is a PID.
 * Advances *p past it. False when no PID is left; a malformed token ends
 * the list (never a partial number). */
bool bw_procfs_next_pid(const char** p, const char* end, int64_t* pid);

#endif
