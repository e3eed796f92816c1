/* The Linux/macOS tree listing and kill engine. One engine serves killTree
 * in the host and the supervisor executable: snapshot the tree, signal it,
 * wait on the processes themselves (their exit watches wake it at once; a
 * rescan for new descendants runs on the 50 ms tick), then freeze (SIGSTOP
 * until no new member appears) and SIGKILL what is left. A process seen as a descendant stays a
 * member after it detaches (setsid, double fork), so daemonizing during the
 * kill does not save it. The host never reaps here: only the supervisor
 * passes an on_wake hook that reaps its own children. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "os/procwatch.h"
#include "tree/tree.h"
#include "tree/tree_posix.h"

/* How often the engine rescans for new descendants while it waits; exits
 * themselves wake it at once through the watches. */
#define BW_RESCAN_MS 50
#define BW_FREEZE_ROUNDS 16
/* Exit watches given back when descriptors run out, so that the engine can
 * still open /proc files (and the children lists) to look at members. */
#define BW_FD_RESERVE 16

typedef struct member {
  int64_t pid;
  double start;
  int fd;
  bool gone;
  bool stopped;
  bool skip; /* the excluded root: a seed for the walk, never signalled */
  bool eperm;
  bool was_stopped; /* stopped (SIGSTOP, a debugger) when first seen */
} member;

typedef struct engine {
  member* m;
  size_t n, cap;
  int64_t root;
  double root_start;
  bool leader;
  bool fd_short;   /* out of descriptors: new members are polled, not watched */
  bool unfollowed; /* a member exited by itself: its last children may be lost */
  const bw_kill_opts* o;
} engine;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An exit watch on a member (os/procwatch.h), or -1 when the OS offers none
 * (the engine then polls); *os_errno then says why (EMFILE/ENFILE: out of
 * descriptors). The identity is re-checked once the watch is open, so a
 * watch never refers to a PID reused under us; *gone is set only when pid
 * provably no longer has that identity (unknown is not gone). */
static int watch_open(int64_t pid, double start_time, bool* gone, int* os_errno) {
  int fd = bw_procwatch_open(pid);
  *gone = false;
  *os_errno = 0;
  if (fd < 0) {
    if (errno == ESRCH) {
      *gone = true;
    } else {
      *os_errno = errno;
      *gone = bw__alive(pid, start_time) == 0;
    }
    return -1;
  }
  switch (bw__alive(pid, start_time)) {
    case 1:
      return fd;
    case 0:
      *gone = true;
      break;
    default:
      *os_errno = EMFILE; /* the watch took the last descriptor */
      break;
  }
  bw_procwatch_close(fd);
  return -1;
}

/* Signals through the watch where the OS can (race-free), else kill(2).
 * Returns 0 or an errno value. */
static int signal_member(int64_t pid, int watch_fd, int sig) {
  int r = bw_procwatch_signal(watch_fd, sig);
  if (r != ENOSYS) return r;
  return kill((pid_t)pid, sig) == 0 ? 0 : errno;
}

static member* find_member(engine* e, int64_t pid) {
  size_t i;
  for (i = 0; i < e->n; i++)
    if (e->m[i].pid == pid) return &e->m[i];
  return NULL;
}

/* Out of descriptors: give back the newest watches (those members are
 * polled by identity from now on) and open no more. */
static void release_watches(engine* e) {
  size_t i, freed = 0;
  e->fd_short = true;
  for (i = e->n; i > 0 && freed < BW_FD_RESERVE; i--) {
    member* m = &e->m[i - 1];
    if (m->fd < 0) continue;
    bw_procwatch_close(m->fd);
    m->fd = -1;
    freed++;
  }
}

static void mark_gone(engine* e, member* m) {
  if (m->gone) return;
  m->gone = true;
  /* A member that exits by itself (not frozen and killed) may have started a
   * process in its last moments that no child list shows any more; only a
   * subreaper gets such orphans back. */
  if (!m->stopped && !e->o->subreaper) e->unfollowed = true;
}

static bool add_member(engine* e, const bw_proc_info* p, bool skip) {
  member* m;
  bool gone = false;
  int os_errno = 0;
  if (e->n == e->cap) {
    size_t cap = e->cap ? e->cap * 2 : 64;
    member* grown = realloc(e->m, cap * sizeof(*grown));
    if (grown == NULL) return false;
    e->m = grown;
    e->cap = cap;
  }
  m = &e->m[e->n];
  memset(m, 0, sizeof(*m));
  m->pid = p->pid;
  m->start = p->start_time;
  m->skip = skip;
  m->was_stopped = p->state == 'T' || p->state == 't';
  m->fd = -1;
  if (!skip && !e->fd_short) {
    m->fd = watch_open(p->pid, p->start_time, &gone, &os_errno);
    if (m->fd < 0 && (os_errno == EMFILE || os_errno == ENFILE)) release_watches(e);
  } else if (!skip) {
    gone = bw__alive(p->pid, p->start_time) == 0;
  }
  e->n++;
  if (gone) mark_gone(e, m);
  return true;
}

static void send_to(engine* e, member* m, int sig) {
  int r;
  if (m->skip || m->gone) return;
  if (m->fd < 0) {
    /* No watch pins it: signal the PID only while it has its identity. When
     * the look itself fails (no descriptor), it is left alone and ends up
     * among the survivors, never among the killed. */
    int alive = bw__alive(m->pid, m->start);
    if (alive == 0) mark_gone(e, m);
    if (alive != 1) return;
  }
  r = signal_member(m->pid, m->fd, sig);
  if (r == ESRCH)
    mark_gone(e, m);
  else if (r == EPERM)
    m->eperm = true;
}

/* Rescans the system and adds descendants of live members (and, when the
 * root leads a process group, the group's members). New members receive
 * sig when it is non-zero. Returns the number added, or -1 on failure. */
static long refresh(engine* e, int sig, bw_error* err) {
  bw_proc_list all = {0}, tree = {0};
  size_t i;
  long added = 0;
  if (!bw__proc_scan(&all, err)) return -1;
  for (i = 0; i < e->n; i++) {
    const bw_proc_info* p;
    if (e->m[i].gone && !e->m[i].skip) continue;
    p = bw_proc_list_find(&all, e->m[i].pid);
    if (p == NULL || p->start_time != e->m[i].start) continue;
    if (!bw_proc_list_push(&tree, p)) goto oom;
  }
  if (e->leader) {
    for (i = 0; i < all.count; i++) {
      const bw_proc_info* p = &all.items[i];
      if (p->pgid == e->root && bw_started_not_before(p->start_time, e->root_start) &&
          bw_proc_list_find(&tree, p->pid) == NULL && !bw_proc_list_push(&tree, p))
        goto oom;
    }
  }
  if (!bw_tree_collect(&all, &tree, NULL)) goto oom;
  for (i = 0; i < tree.count; i++) {
    const bw_proc_info* p = &tree.items[i];
    if (p->state == 'Z' || p->state == 'X') continue;
    if (find_member(e, p->pid) != NULL) continue;
    if (!add_member(e, p, false)) goto oom;
    if (sig) send_to(e, &e->m[e->n - 1], sig);
    added++;
  }
  return bw_rescan_end(&all, &tree, added, err);

oom:
  return bw_rescan_end(&all, &tree, -1, err);
}

/* The fast walk: each live member's own child list, breadth-first as
 * members are added. Returns the number added, -1 on failure, or -2 when the
 * OS keeps no child lists (the caller then scans everything). */
static long refresh_children(engine* e, int sig, bw_error* err) {
  size_t i;
  long added = 0;
  for (i = 0; i < e->n; i++) {
    bw_proc_list kids = {0};
    const int64_t pid = e->m[i].pid;
    const double start = e->m[i].start;
    size_t k;
    int r;
    if (e->m[i].gone && !e->m[i].skip) continue;
    r = bw__proc_children(pid, &kids, err);
    if (r <= 0) {
      bw_proc_list_free(&kids);
      return r == 0 ? -2 : -1;
    }
    for (k = 0; k < kids.count; k++) {
      const bw_proc_info* p = &kids.items[k];
      if (p->state == 'Z' || p->state == 'X') continue;
      if (!bw_started_not_before(p->start_time, start)) continue;
      if (find_member(e, p->pid) != NULL) continue;
      if (!add_member(e, p, false)) {
        bw_proc_list_free(&kids);
        bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
        return -1;
      }
      if (sig) send_to(e, &e->m[e->n - 1], sig);
      added++;
    }
    bw_proc_list_free(&kids);
  }
  return added;
}

/* The cheap walk where the OS allows it, else the whole-system scan. */
static long refresh_fast(engine* e, int sig, bw_error* err) {
  long added = refresh_children(e, sig, err);
  return added == -2 ? refresh(e, sig, err) : added;
}

/* Members still worth waiting for: alive, and signallable (a member we may
 * not signal ends up among the survivors, but is not waited on). */
static size_t alive_count(engine* e) {
  size_t i, alive = 0;
  for (i = 0; i < e->n; i++)
    if (!e->m[i].skip && !e->m[i].gone && !e->m[i].eperm) alive++;
  return alive;
}

/* Marks members whose watch fired, or (without a watch) that are gone. */
static void update(engine* e, struct pollfd* fds, const size_t* idx, size_t nfds) {
  size_t i;
  for (i = 0; i < nfds; i++)
    if (fds[i].revents) mark_gone(e, &e->m[idx[i]]);
  for (i = 0; i < e->n; i++) {
    member* m = &e->m[i];
    if (m->skip || m->gone || m->fd >= 0) continue;
    if (bw__alive(m->pid, m->start) == 0) mark_gone(e, m);
  }
}

/* The known members are gone: one last look for members they started in
 * their last moments (and, in a subreaper, orphans re-parented to it), and
 * for group members no child list shows. Returns the number added. */
static long last_look(engine* e, int sig, bw_error* err) {
  long added = refresh_fast(e, sig, err);
  if (added == 0 && e->leader && !e->o->exclude_root) added = refresh(e, sig, err);
  return added;
}

/* Waits until every member is gone or deadline passes, signalling newly
 * found descendants with sig. Returns false only on a hard failure. */
static bool wait_members(engine* e, int64_t deadline, int sig, bw_error* err) {
  struct pollfd* fds = NULL;
  size_t* idx = NULL;
  bool ok = false;
  int64_t last_scan = now_ms();
  for (;;) {
    size_t i, nfds = 0;
    int64_t now, timeout;
    if (e->o->on_wake) e->o->on_wake(e->o->ctx);
    update(e, fds, idx, 0);
    /* A whole-system scan costs a read per process: rescan on the tick, not
     * on every exit the watches report. */
    now = now_ms();
    if (now - last_scan >= BW_RESCAN_MS) {
      if (refresh(e, sig, err) < 0) goto done;
      last_scan = now;
    }
    if (alive_count(e) == 0) {
      long added = last_look(e, sig, err);
      if (added < 0) goto done;
      if (added == 0) break;
    }
    now = now_ms();
    if (now >= deadline) break;
    timeout = deadline - now;
    if (timeout > BW_RESCAN_MS) timeout = BW_RESCAN_MS;
    free(fds);
    free(idx);
    fds = calloc(e->n, sizeof(*fds));
    idx = calloc(e->n, sizeof(*idx));
    if (fds == NULL || idx == NULL) {
      bw_error_set(err, BW_ERR_POSIX, ENOMEM, "calloc");
      goto done;
    }
    for (i = 0; i < e->n; i++) {
      if (e->m[i].skip || e->m[i].gone || e->m[i].fd < 0) continue;
      fds[nfds].fd = e->m[i].fd;
      fds[nfds].events = POLLIN;
      idx[nfds++] = i;
    }
    /* Without watches (old kernels) a member's exit is noticed on the next
     * tick; with them, at once. */
    if (poll(fds, (nfds_t)nfds, (int)timeout) > 0) update(e, fds, idx, nfds);
  }
  ok = true;
done:
  free(fds);
  free(idx);
  return ok;
}

/* SIGSTOP every member until a rescan finds no new one, so nothing can fork
 * between the last scan and SIGKILL. */
static bool freeze(engine* e, bw_error* err) {
  int round;
  const bool group = e->leader && !e->o->exclude_root;
  for (round = 0; round < BW_FREEZE_ROUNDS; round++) {
    size_t i;
    long added;
    for (i = 0; i < e->n; i++) {
      if (e->m[i].stopped) continue;
      send_to(e, &e->m[i], SIGSTOP);
      e->m[i].stopped = true;
    }
    /* The group too: a member whose parent exited is in no child list. */
    if (group) kill((pid_t)-e->root, SIGSTOP);
    /* Child lists are exact once their owners are stopped; the first round
     * also scans for the group's members. */
    added = round == 0 && group ? refresh(e, 0, err) : refresh_fast(e, 0, err);
    if (added < 0) return false;
    if (added == 0) break;
  }
  return true;
}

static bool is_ancestor_of_self(int64_t pid) {
  int64_t cur = (int64_t)getppid();
  int depth;
  for (depth = 0; depth < BW_ANCESTOR_DEPTH && cur > 0; depth++) {
    bw_proc_info info;
    bw_error ignored;
    if (cur == pid) return true;
    if (cur == 1 || !bw_proc_info_get(cur, &info, &ignored)) break;
    cur = info.ppid;
  }
  return false;
}

static bool build_result(engine* e, bw_kill_result* out, bw_error* err) {
  size_t i;
  if (!bw_kill_result_alloc(out, e->n)) {
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "calloc");
    return false;
  }
  for (i = 0; i < e->n; i++)
    if (!e->m[i].skip) bw_kill_result_add(out, e->m[i].pid, e->m[i].gone);
  return true;
}

bool bw_tree_kill(int64_t pid, const bw_kill_opts* o, bw_kill_result* out, bw_error* err) {
  engine e;
  bw_proc_info root;
  bool ok = false;
  size_t i;
  memset(&e, 0, sizeof(e));
  memset(out, 0, sizeof(*out));
  e.o = o;
  e.root = pid;

  if (pid == 1) {
    bw_error_lib(err, "ERR_INVALID_ARG_VALUE", "refusing to kill PID 1", "kill");
    return false;
  }
  if (!o->allow_self && (pid == (int64_t)getpid() || is_ancestor_of_self(pid))) {
    bw_error_lib(err, "ERR_INVALID_ARG_VALUE",
                 "refusing to kill the calling process or one of its ancestors", "kill");
    return false;
  }
  if (!bw_proc_info_get(pid, &root, err)) return false;
  if (o->start_time >= 0 && root.start_time != o->start_time) {
    /* The PID now names another process: it is not ours to signal. */
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "kill");
    return false;
  }
  if (!o->allow_self && kill((pid_t)pid, 0) != 0 && errno == EPERM) {
    bw_error_from_os(err, "kill");
    return false;
  }
  e.root_start = root.start_time;
  e.leader = root.pgid == pid;
  if (!add_member(&e, &root, o->exclude_root)) {
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
    goto done;
  }
  if (root.state == 'Z') e.m[0].gone = true; /* dead before we came: not ours to follow */
  /* The first snapshot walks child lists; the whole-system scan (which also
   * finds group members that are no descendants) runs on the rescan tick. */
  if (refresh_fast(&e, 0, err) < 0) goto done;

  if (o->grace_ms > 0) {
    for (i = 0; i < e.n; i++) send_to(&e, &e.m[i], o->signal);
    /* The group too: members not yet enumerated get the signal at once. */
    if (e.leader && !o->exclude_root) kill((pid_t)-pid, o->signal);
    /* Stopped members cannot handle the signal until they run again. */
    for (i = 0; i < e.n; i++)
      if (e.m[i].was_stopped) send_to(&e, &e.m[i], SIGCONT);
    if (!wait_members(&e, now_ms() + o->grace_ms, o->signal, err)) goto done;
  }
  if (alive_count(&e) > 0) {
    out->forced = true;
    if (!freeze(&e, err)) goto done;
    for (i = 0; i < e.n; i++) send_to(&e, &e.m[i], SIGKILL);
    if (e.leader && !o->exclude_root) kill((pid_t)-pid, SIGKILL);
    if (!wait_members(&e, now_ms() + o->force_wait_ms, SIGKILL, err)) goto done;
  }
  ok = build_result(&e, out, err);
  out->complete = !e.unfollowed;

done:
  for (i = 0; i < e.n; i++) bw_procwatch_close(e.m[i].fd);
  free(e.m);
  return ok;
}

bool bw_tree_list(int64_t pid, double start_time, bw_proc_list* out, bw_error* err) {
  bw_proc_list all = {0};
  const bw_proc_info* root;
  bool ok = false;
  if (!bw__proc_scan(&all, err)) return false;
  root = bw_proc_list_find(&all, pid);
  if (root == NULL || (start_time >= 0 && root->start_time != start_time)) {
    bw_error_set(err, BW_ERR_POSIX, ESRCH, "open");
    goto done;
  }
  if (!bw_proc_list_push(out, root) || !bw_tree_collect(&all, out, NULL)) {
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
    bw_proc_list_free(out);
    goto done;
  }
  ok = true;
done:
  bw_proc_list_free(&all);
  return ok;
}
