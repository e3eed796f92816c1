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
#include "tree/procfs.h"
#include "tree/tree.h"
#include "tree/tree_posix.h"

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
  if (!bw_procfs_parse_stat(buf, len, out)) {
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
    /* Processes vanish between readdir and open; skip them. Any other
     * failure (EMFILE, ENFILE, ENOMEM) would hide a live process: fail. */
    if (!read_stat(pid, &info, &ignored)) {
      if (ignored.kind == BW_ERR_POSIX && ignored.num == ESRCH) continue;
      closedir(dir);
      *err = ignored;
      return false;
    }
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
  if (tasks == NULL) {
    if (errno == ENOENT || errno == ESRCH) return 1; /* gone: no children */
    bw_error_from_os(err, "opendir");
    return -1;
  }
  while (result == 1 && (ent = readdir(tasks)) != NULL) {
    char file[384];
    char* buf;
    size_t len;
    bw_error e;
    const char* p;
    int64_t child;
    if (ent->d_name[0] < '1' || ent->d_name[0] > '9') continue;
    snprintf(file, sizeof(file), "%s/%s/children", path, ent->d_name);
    /* The whole list, however wide the tree: a cut-off read would both miss
     * children and end in a partial number. */
    if (!bw_read_file_alloc(file, &buf, &len, &e)) {
      /* No such file while the thread exists: a kernel built without
       * CONFIG_PROC_CHILDREN. A thread that just exited has no file either. */
      if (e.kind == BW_ERR_POSIX && (e.num == ENOENT || e.num == ESRCH)) {
        snprintf(file, sizeof(file), "%s/%s", path, ent->d_name);
        if (access(file, F_OK) == 0) result = 0;
        continue;
      }
      *err = e;
      result = -1;
      break;
    }
    for (p = buf; bw_procfs_next_pid(&p, buf + len, &child);) {
      bw_proc_info info;
      if (!read_stat(child, &info, &e)) {
        if (e.kind == BW_ERR_POSIX && e.num == ESRCH) continue; /* exited meanwhile */
        *err = e;
        result = -1;
        break;
      }
      /* Still our child (not a PID reused since the list was read)? */
      if (info.ppid != pid) continue;
      if (!bw_proc_list_push(out, &info)) {
        bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
        result = -1;
        break;
      }
    }
    free(buf);
  }
  closedir(tasks);
  return result;
}

int bw__alive(int64_t pid, double start_time) {
  bw_proc_info info;
  bw_error e;
  if (!read_stat(pid, &info, &e)) {
    /* Out of descriptors or memory says nothing about the process. */
    return e.kind == BW_ERR_POSIX && e.num == ESRCH ? 0 : -1;
  }
  if (info.state == 'Z' || info.state == 'X') return 0;
  return start_time < 0 || info.start_time == start_time ? 1 : 0;
}
