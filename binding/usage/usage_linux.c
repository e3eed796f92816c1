/* Linux tree usage from procfs, walking the tree itself: per member one read
 * of /proc/<pid>/stat (identity, parent link, CPU ticks, RSS pages and
 * thread count together, parsed by tree/procfs.h) and one read of its
 * children list, /proc/<pid>/task/<tid>/children — just task/<pid>/ for a
 * single-threaded member, every thread's for the others (a child belongs to
 * the thread that forked it). So the cost follows the tree, not the machine:
 * about six system calls per member, relative to one open /proc, with one
 * stat buffer and one growing list buffer reused throughout. A kernel
 * without CONFIG_PROC_CHILDREN gets one pass over every /proc/<pid>/stat
 * instead. */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tree/procfs.h"
#include "usage/usage.h"

typedef struct walk {
  int proc_fd;     /* /proc */
  char stat[1024]; /* one stat line */
  char* list;      /* one children list; grows */
  size_t list_cap;
  double tick_ms;
  double page;
} walk;

/* Reads the file at name (relative to /proc) into buf, growing it when
 * *grow is set (else a full buffer is a failure). Returns the length, or -1
 * with errno. procfs hands a short file over in one read. */
static ssize_t read_at(walk* w, const char* name, char** buf, size_t* cap, bool grow) {
  size_t len = 0;
  ssize_t n;
  int fd;
  do fd = openat(w->proc_fd, name, O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return -1;
  for (;;) {
    if (len + 1 >= *cap) {
      char* bigger;
      if (!grow || (bigger = realloc(*buf, *cap * 2)) == NULL) {
        close(fd);
        errno = grow ? ENOMEM : EFBIG;
        return -1;
      }
      *buf = bigger;
      *cap *= 2;
    }
    do n = read(fd, *buf + len, *cap - 1 - len);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      int e = errno;
      close(fd);
      errno = e;
      return -1;
    }
    len += (size_t)n;
    if (n == 0 || len + 1 < *cap) break; /* a short read is the end */
  }
  close(fd);
  (*buf)[len] = '\0';
  return (ssize_t)len;
}

/* One member's stat: its identity and figures. False when it is gone. */
static bool read_member(walk* w, int64_t pid, bw_usage_member* m) {
  char name[32];
  char* buf = w->stat;
  size_t cap = sizeof(w->stat);
  bw_proc_info info;
  bw_procfs_usage u;
  ssize_t len;
  snprintf(name, sizeof(name), "%lld/stat", (long long)pid);
  len = read_at(w, name, &buf, &cap, false);
  if (len <= 0 || !bw_procfs_parse_stat_usage(buf, (size_t)len, &info, &u)) return false;
  memset(m, 0, sizeof(*m));
  m->pid = info.pid;
  m->ppid = info.ppid;
  m->start_time = info.start_time;
  memcpy(m->name, info.name, sizeof(m->name));
  /* A zombie holds no memory and its times went to its parent. */
  if (info.state != 'Z' && info.state != 'X') {
    m->cpu_ms = (double)(u.utime + u.stime) * w->tick_ms;
    m->rss_bytes = (double)u.rss_pages * w->page;
  }
  m->threads = u.threads;
  return true;
}

static bool listed(const bw_usage* out, int64_t pid) {
  size_t i;
  for (i = 0; i < out->count; i++)
    if (out->members[i].pid == pid) return true;
  return false;
}

/* The children of out->members[at] from one thread's children list, at
 * "<pid>/task/<tid>" (relative to /proc) + "/children". 1 done (a thread
 * that has exited has none), 0 no such list while the thread exists (a
 * kernel without CONFIG_PROC_CHILDREN), -1 out of memory. */
static int add_children(walk* w, bw_usage* out, size_t at, char* task) {
  const int64_t parent = out->members[at].pid;
  const double parent_start = out->members[at].start_time;
  size_t n = strlen(task);
  ssize_t len;
  const char *p, *end;
  int64_t child;
  snprintf(task + n, 16, "/children");
  len = read_at(w, task, &w->list, &w->list_cap, true);
  task[n] = '\0';
  if (len < 0) {
    if (errno == ENOMEM) return -1;
    return errno == ENOENT && faccessat(w->proc_fd, task, F_OK, 0) == 0 ? 0 : 1;
  }
  end = w->list + len; /* the stat reads below use their own buffer */
  for (p = w->list; bw_procfs_next_pid(&p, end, &child);) {
    bw_usage_member m;
    if (listed(out, child) || !read_member(w, child, &m)) continue;
    /* Still our child, not a PID reused since the list was read? */
    if (m.ppid != parent || !bw_started_not_before(m.start_time, parent_start)) continue;
    if (!bw_usage_push(out, &m)) return -1;
  }
  return 1;
}

/* Every thread's children list of out->members[at]. */
static int member_children(walk* w, bw_usage* out, size_t at) {
  const long long pid = (long long)out->members[at].pid;
  const int64_t threads = out->members[at].threads;
  char name[96];
  DIR* tasks;
  struct dirent* ent;
  int fd, r = 1;
  if (threads <= 1) {
    snprintf(name, sizeof(name) - 16, "%lld/task/%lld", pid, pid);
    return add_children(w, out, at, name);
  }
  snprintf(name, sizeof(name), "%lld/task", pid);
  fd = openat(w->proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || (tasks = fdopendir(fd)) == NULL) {
    if (fd >= 0) close(fd);
    return 1; /* gone: no children */
  }
  while (r > 0 && (ent = readdir(tasks)) != NULL) {
    if (ent->d_name[0] < '1' || ent->d_name[0] > '9') continue;
    snprintf(name, sizeof(name) - 16, "%lld/task/%.20s", pid, ent->d_name);
    r = add_children(w, out, at, name);
  }
  closedir(tasks);
  return r;
}

/* Without children lists: every /proc/<pid>/stat once, then the tree by
 * parent links (tree_walk.c). out holds the root. */
static bool scan_all(walk* w, bw_usage* out, bw_error* err) {
  bw_proc_list all = {0}, tree = {0};
  bw_usage found = {0}; /* parallel to all */
  DIR* dir;
  struct dirent* ent;
  bool ok = true;
  size_t i;
  int fd = openat(w->proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
    bw_error_from_os(err, "opendir");
    if (fd >= 0) close(fd);
    return false;
  }
  while (ok && (ent = readdir(dir)) != NULL) {
    bw_usage_member m;
    bw_proc_info info;
    char* end;
    long long pid = strtoll(ent->d_name, &end, 10);
    if (ent->d_name[0] < '1' || ent->d_name[0] > '9' || *end != '\0') continue;
    if (!read_member(w, pid, &m)) continue; /* vanished */
    memset(&info, 0, sizeof(info));
    info.pid = m.pid;
    info.ppid = m.ppid;
    info.start_time = m.start_time;
    ok = bw_proc_list_push(&all, &info) && bw_usage_push(&found, &m);
  }
  closedir(dir);
  if (ok && bw_proc_list_find(&all, out->members[0].pid) != NULL) {
    ok = bw_proc_list_push(&tree, bw_proc_list_find(&all, out->members[0].pid)) &&
         bw_tree_collect(&all, &tree, NULL);
    for (i = 1; ok && i < tree.count; i++) {
      size_t k = (size_t)(bw_proc_list_find(&all, tree.items[i].pid) - all.items);
      ok = bw_usage_push(out, &found.members[k]);
    }
  }
  bw_proc_list_free(&all);
  bw_proc_list_free(&tree);
  bw_usage_free(&found);
  if (!ok) bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
  return ok;
}

static double now_ms(clockid_t clock) {
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0) return -1;
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

bool bw_usage_tree(int64_t pid, double start_time, bw_usage* out, bw_error* err) {
  walk w;
  bw_usage_member root;
  double boot_ms = now_ms(CLOCK_BOOTTIME);
  bool ok = false;
  size_t i;
  memset(out, 0, sizeof(*out));
  memset(&w, 0, sizeof(w));
  w.tick_ms = 1000.0 / (double)sysconf(_SC_CLK_TCK);
  w.page = (double)sysconf(_SC_PAGESIZE);
  w.list_cap = 4096;
  w.list = malloc(w.list_cap);
  w.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (w.list == NULL || w.proc_fd < 0) {
    if (w.list == NULL)
      bw_error_set(err, BW_ERR_POSIX, ENOMEM, "malloc");
    else
      bw_error_from_os(err, "open");
    goto done;
  }
  if (!read_member(&w, pid, &root) || (start_time >= 0 && root.start_time != start_time)) {
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "open");
    goto done;
  }
  out->age_ms = boot_ms < 0 ? -1 : boot_ms - root.start_time * w.tick_ms;
  if (!bw_usage_push(out, &root)) goto oom;
  /* out->members doubles as the breadth-first queue. */
  for (i = 0; i < out->count; i++) {
    int r = member_children(&w, out, i);
    if (r < 0) goto oom;
    if (r == 0) {
      /* No children lists on this kernel: the whole-/proc pass. */
      double age = out->age_ms;
      bw_usage_free(out);
      out->age_ms = age;
      if (!bw_usage_push(out, &root)) goto oom;
      ok = scan_all(&w, out, err);
      goto done;
    }
  }
  ok = true;
  goto done;
oom:
  bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
done:
  if (!ok) bw_usage_free(out);
  if (w.proc_fd >= 0) close(w.proc_fd);
  free(w.list);
  return ok;
}
