/* Linux process facts for the POSIX kill engine, from procfs:
 * /proc/<pid>/stat (identity, parent, group, state) and
 * /proc/<pid>/task/<tid>/children (the kernel's own child lists). Exit
 * watches are os/procwatch_linux.c's. */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os/readfile.h"
#include "tree/tree.h"
#include "tree/tree_posix.h"

/* Parses one /proc/<pid>/stat line. The comm field is in parentheses and may
 * itself contain spaces and ')', so fields are counted from the last ')'. */
static bool parse_stat(const char* text, bw_proc_info* out) {
  const char* open = strchr(text, '(');
  const char* close = strrchr(text, ')');
  const char* p;
  size_t n;
  int field;
  if (open == NULL || close == NULL || close < open) return false;
  memset(out, 0, sizeof(*out));
  out->pid = strtoll(text, NULL, 10);
  n = (size_t)(close - open - 1);
  if (n >= sizeof(out->name)) n = sizeof(out->name) - 1;
  memcpy(out->name, open + 1, n);
  out->name[n] = '\0';
  /* After ") ": 3 state, 4 ppid, 5 pgrp, 6 session, ..., 22 starttime. */
  p = close + 1;
  for (field = 3; field <= 22; field++) {
    while (*p == ' ') p++;
    if (*p == '\0') return false;
    switch (field) {
      case 3:
        out->state = *p;
        break;
      case 4:
        out->ppid = strtoll(p, NULL, 10);
        break;
      case 5:
        out->pgid = strtoll(p, NULL, 10);
        break;
      case 6:
        out->sid = strtoll(p, NULL, 10);
        break;
      case 22:
        out->start_time = (double)strtoull(p, NULL, 10);
        break;
      default:
        break;
    }
    while (*p != ' ' && *p != '\0') p++;
  }
  return true;
}

static bool read_stat(int64_t pid, bw_proc_info* out, bw_error* err) {
  char path[64];
  char buf[1024];
  size_t len;
  snprintf(path, sizeof(path), "/proc/%lld/stat", (long long)pid);
  if (!bw_read_file(path, buf, sizeof(buf), &len, err)) {
    /* A vanished process is ESRCH to the caller, whatever open said. */
    if (err->kind == BW_ERR_POSIX && (err->num == ENOENT || err->num == ESRCH))
      bw_error_set(err, BW_ERR_POSIX, ESRCH, "open");
    return false;
  }
  if (!parse_stat(buf, out)) {
    bw_error_lib(err, "ERR_PROC_PARSE", "unexpected /proc/<pid>/stat format", "read");
    return false;
  }
  return true;
}

bool bw_proc_info_get(int64_t pid, bw_proc_info* out, bw_error* err) {
  return read_stat(pid, out, err);
}

bool bw__proc_scan(bw_proc_list* out, bw_error* err) {
  DIR* dir = opendir("/proc");
  struct dirent* ent;
  if (dir == NULL) {
    bw_error_from_os(err, "opendir");
    return false;
  }
  while ((ent = readdir(dir)) != NULL) {
    bw_proc_info info;
    bw_error ignored;
    char* end;
    long long pid;
    if (ent->d_name[0] < '1' || ent->d_name[0] > '9') continue;
    pid = strtoll(ent->d_name, &end, 10);
    if (*end != '\0') continue;
    /* Processes vanish between readdir and open; skip them. */
    if (!read_stat(pid, &info, &ignored)) continue;
    if (!bw_proc_list_push(out, &info)) {
      closedir(dir);
      bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
      return false;
    }
  }
  closedir(dir);
  return true;
}

int bw__proc_children(int64_t pid, bw_proc_list* out, bw_error* err) {
  char path[96];
  DIR* tasks;
  struct dirent* ent;
  int result = 1;
  snprintf(path, sizeof(path), "/proc/%lld/task", (long long)pid);
  tasks = opendir(path);
  if (tasks == NULL) return 1; /* gone: no children */
  while (result == 1 && (ent = readdir(tasks)) != NULL) {
    char file[384];
    char buf[4096];
    size_t len;
    bw_error ignored;
    const char* p;
    if (ent->d_name[0] < '1' || ent->d_name[0] > '9') continue;
    snprintf(file, sizeof(file), "%s/%s/children", path, ent->d_name);
    if (!bw_read_file(file, buf, sizeof(buf), &len, &ignored)) {
      /* No such file while the thread exists: a kernel built without
       * CONFIG_PROC_CHILDREN. A thread that just exited has no file either. */
      if (ignored.kind == BW_ERR_POSIX && ignored.num == ENOENT) {
        snprintf(file, sizeof(file), "%s/%s", path, ent->d_name);
        if (access(file, F_OK) == 0) result = 0;
      }
      continue;
    }
    for (p = buf; *p != '\0';) {
      char* end;
      long long child = strtoll(p, &end, 10);
      bw_proc_info info;
      if (end == p) break;
      p = end;
      if (child > 0 && read_stat(child, &info, &ignored) && !bw_proc_list_push(out, &info)) {
        bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
        result = -1;
        break;
      }
    }
  }
  closedir(tasks);
  return result;
}

bool bw__alive(int64_t pid, double start_time) {
  bw_proc_info info;
  bw_error ignored;
  if (!read_stat(pid, &info, &ignored)) return false;
  if (info.state == 'Z' || info.state == 'X') return false;
  return start_time < 0 || info.start_time == start_time;
}
