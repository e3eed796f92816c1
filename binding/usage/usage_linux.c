/* Linux tree usage from procfs in one pass: every /proc/<pid>/stat is read
 * once, giving parent link, identity, CPU ticks (utime + stime) and RSS
 * pages together; the tree is then collected from that one scan. */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>

#include "usage/usage.h"

typedef struct stat_row {
  bw_proc_info info;
  double ticks;
  double rss_pages;
} stat_row;

typedef struct scan {
  bw_proc_list procs; /* for bw_tree_collect */
  stat_row* rows;     /* parallel to procs.items */
  size_t cap;
} scan;

/* Fields after the comm's closing ')': 3 state, 4 ppid, 5 pgrp, 6 session,
 * 14 utime, 15 stime, 22 starttime, 24 rss (pages). The comm may contain
 * spaces and ')', so fields are counted from the last ')'. */
static bool parse_stat(const char* text, stat_row* out) {
  const char* open = strchr(text, '(');
  const char* close = strrchr(text, ')');
  const char* p;
  size_t n;
  int field;
  if (open == NULL || close == NULL || close < open) return false;
  memset(out, 0, sizeof(*out));
  out->info.pid = strtoll(text, NULL, 10);
  n = (size_t)(close - open - 1);
  if (n >= sizeof(out->info.name)) n = sizeof(out->info.name) - 1;
  memcpy(out->info.name, open + 1, n);
  out->info.name[n] = '\0';
  p = close + 1;
  for (field = 3; field <= 24; field++) {
    while (*p == ' ') p++;
    if (*p == '\0') return false;
    switch (field) {
      case 3:
        out->info.state = *p;
        break;
      case 4:
        out->info.ppid = strtoll(p, NULL, 10);
        break;
      case 5:
        out->info.pgid = strtoll(p, NULL, 10);
        break;
      case 6:
        out->info.sid = strtoll(p, NULL, 10);
        break;
      case 14:
      case 15:
        out->ticks += (double)strtoull(p, NULL, 10);
        break;
      case 22:
        out->info.start_time = (double)strtoull(p, NULL, 10);
        break;
      case 24:
        out->rss_pages = (double)strtoll(p, NULL, 10);
        break;
      default:
        break;
    }
    while (*p != ' ' && *p != '\0') p++;
  }
  return true;
}

static bool scan_push(scan* s, const stat_row* row) {
  if (s->procs.count == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 256;
    stat_row* grown = realloc(s->rows, cap * sizeof(*grown));
    if (grown == NULL) return false;
    s->rows = grown;
    s->cap = cap;
  }
  if (!bw_proc_list_push(&s->procs, &row->info)) return false;
  s->rows[s->procs.count - 1] = *row;
  return true;
}

/* One /proc/<pid>/stat, relative to the open /proc: procfs hands over the
 * whole (short) file in one read, so this is three system calls. */
static bool read_stat_at(int proc_fd, long long pid, char* buf, size_t size) {
  char name[32];
  ssize_t n;
  int fd;
  snprintf(name, sizeof(name), "%lld/stat", pid);
  do fd = openat(proc_fd, name, O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return false;
  do n = read(fd, buf, size - 1);
  while (n < 0 && errno == EINTR);
  close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  return true;
}

static bool scan_all(scan* s, bw_error* err) {
  DIR* dir = opendir("/proc");
  struct dirent* ent;
  if (dir == NULL) {
    bw_error_from_os(err, "opendir");
    return false;
  }
  while ((ent = readdir(dir)) != NULL) {
    char buf[1024];
    stat_row row;
    char* end;
    long long pid;
    if (ent->d_name[0] < '1' || ent->d_name[0] > '9') continue;
    pid = strtoll(ent->d_name, &end, 10);
    if (*end != '\0') continue;
    /* Processes vanish between readdir and open; skip them. */
    if (!read_stat_at(dirfd(dir), pid, buf, sizeof(buf)) || !parse_stat(buf, &row)) continue;
    if (row.info.state == 'Z' || row.info.state == 'X') row.ticks = row.rss_pages = 0;
    if (!scan_push(s, &row)) {
      closedir(dir);
      bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
      return false;
    }
  }
  closedir(dir);
  return true;
}

static const stat_row* scan_find(const scan* s, int64_t pid) {
  size_t i;
  for (i = 0; i < s->procs.count; i++)
    if (s->rows[i].info.pid == pid) return &s->rows[i];
  return NULL;
}

static double now_ms(clockid_t clock) {
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0) return -1;
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

bool bw_usage_tree(int64_t pid, double start_time, bw_usage* out, bw_error* err) {
  scan s = {{0}, NULL, 0};
  bw_proc_list members = {0};
  const stat_row* root;
  double tick_ms = 1000.0 / (double)sysconf(_SC_CLK_TCK);
  double page = (double)sysconf(_SC_PAGESIZE);
  double boot_ms = now_ms(CLOCK_BOOTTIME);
  bool ok = false;
  size_t i;
  memset(out, 0, sizeof(*out));
  if (!scan_all(&s, err)) goto done;
  root = scan_find(&s, pid);
  if (root == NULL || (start_time >= 0 && root->info.start_time != start_time)) {
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "open");
    goto done;
  }
  if (!bw_proc_list_push(&members, &root->info) || !bw_tree_collect(&s.procs, &members, NULL)) {
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
    goto done;
  }
  out->age_ms = boot_ms < 0 ? -1 : boot_ms - root->info.start_time * tick_ms;
  for (i = 0; i < members.count; i++) {
    const stat_row* row = scan_find(&s, members.items[i].pid);
    bw_usage_member m;
    if (row == NULL) continue;
    memset(&m, 0, sizeof(m));
    m.pid = row->info.pid;
    m.ppid = row->info.ppid;
    m.start_time = row->info.start_time;
    m.cpu_ms = row->ticks * tick_ms;
    m.rss_bytes = row->rss_pages * page;
    memcpy(m.name, row->info.name, sizeof(m.name));
    if (!bw_usage_push(out, &m)) {
      bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
      goto done;
    }
  }
  ok = true;
done:
  if (!ok) bw_usage_free(out);
  bw_proc_list_free(&members);
  bw_proc_list_free(&s.procs);
  free(s.rows);
  return ok;
}
