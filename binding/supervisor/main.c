/* backend_warden_supervisor: a tiny process between the host (Electron main
 * or node) and the backend on Linux and macOS, where no kill-on-close kernel
 * object exists. It starts the backend in its own process group, reports
 * its PID and exit over the control socket (descriptor 3, see protocol.h),
 * and tears the whole tree down — graceful signal, wait, force — when the
 * host asks, when the host dies (control socket EOF, parent-death signal,
 * host exit watch) or when the backend's root exits on its own. On Linux it
 * is a child subreaper, so daemonized descendants come back to it; without
 * one (macOS) the backend's process group is swept too (sweep_group). It exits
 * only when no descendant is left (waitpid reports ECHILD), with the
 * backend's status as its own. Host death is an emergency, not a stop: the
 * polite signal gets at most <host-death-grace-ms> (the host caps it below a
 * second), never the stop grace.
 *
 * usage: backend_warden_supervisor <host-pid> <grace-ms> <host-death-grace-ms>
 *        <command> [args...]
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "os/procwatch.h"
#include "supervisor/protocol.h"
#include "supervisor/supervisor.h"
#include "tree/tree.h"

#define HOST_DEATH_SIGNAL SIGUSR2

typedef struct sup {
  pid_t host;
  pid_t root;
  int64_t grace_ms;
  int64_t host_death_ms;
  bool subreaper;
  /* No subreaper: the root is left a zombie until its group is swept. */
  bool hold_root;
  double root_start;
  struct rlimit nofile; /* as the host gave it; restored for the backend */
  int sigpipe[2];
  int host_watch;
  bool root_exited;
  bool root_reported;
  int root_code;   /* its exit code, when root_signal is 0 */
  int root_signal; /* the signal that ended it, or 0 */
  char line[256];
  size_t line_len;
} sup;

/* The signal handler's only channel: the write end of the self-pipe. A
 * process-wide value by nature (signal handlers take no context). */
static volatile int sig_write_fd = -1;

static void on_signal(int sig) {
  int saved = errno;
  unsigned char b = (unsigned char)sig;
  if (sig_write_fd >= 0) (void)!write(sig_write_fd, &b, 1);
  errno = saved;
}

static void write_all(int fd, const char* buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      /* A long line (the closed report of a wide tree) outgrows the socket
       * buffer: wait for the host to read, but not for a host that hangs. */
      struct pollfd pfd;
      pfd.fd = fd;
      pfd.events = POLLOUT;
      if (poll(&pfd, 1, 5000) > 0) continue;
      return;
    }
    if (n <= 0) return; /* the host is gone; nothing to tell */
    buf += n;
    len -= (size_t)n;
  }
}

static void send_line(const char* buf, int n) {
  if (n > 0) write_all(BW_CTL_FD, buf, (size_t)n);
}

/* Closes every descriptor above the control socket: hosts such as Chromium
 * leak descriptors into children. close_range where the OS has it, else
 * passes over /dev/fd (1,024 at a time) until one finds nothing left. */
static void close_stray_fds(void) {
  int pass;
  if (bw__sup_close_from(BW_CTL_FD + 1)) return;
  for (pass = 0; pass < 4096; pass++) {
    DIR* dir = opendir("/dev/fd");
    struct dirent* ent;
    int dfd, fds[1024], n = 0, i;
    if (dir == NULL) return;
    dfd = dirfd(dir);
    while ((ent = readdir(dir)) != NULL && n < 1024) {
      int fd = atoi(ent->d_name);
      if (fd > BW_CTL_FD && fd != dfd) fds[n++] = fd;
    }
    closedir(dir);
    for (i = 0; i < n; i++) close(fds[i]);
    if (n == 0) return;
  }
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_cloexec_nonblock(int fd) {
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Reaps every exited child. Returns false once no child is left (ECHILD).
 * While the root is held (no subreaper: it is then our only child, nothing
 * is re-parented to us), its exit is only noted and it stays a zombie. */
static bool reap_children(sup* s) {
  int status;
  pid_t p;
  if (s->hold_root) {
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    if (!s->root_exited && waitid(P_PID, (id_t)s->root, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        si.si_pid == s->root &&
        (si.si_code == CLD_EXITED || si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED)) {
      s->root_exited = true;
      s->root_code = si.si_code == CLD_EXITED ? si.si_status : 0;
      s->root_signal = si.si_code == CLD_EXITED ? 0 : si.si_status;
    }
    return true;
  }
  while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
    if (p == s->root) {
      s->root_exited = true;
      s->root_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
      s->root_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
  }
  return !(p < 0 && errno == ECHILD);
}

static void reap(void* ctx) {
  (void)reap_children(ctx);
}

static void report_exit(sup* s) {
  char buf[64];
  if (!s->root_exited || s->root_reported) return;
  s->root_reported = true;
  if (s->root_signal)
    send_line(buf, snprintf(buf, sizeof(buf), "exit -1 %d\n", s->root_signal));
  else
    send_line(buf, snprintf(buf, sizeof(buf), "exit %d 0\n", s->root_code));
}

static void write_pids(char** p, char* end, const int64_t* pids, size_t n) {
  size_t i;
  if (n == 0 && *p < end) *(*p)++ = '-';
  for (i = 0; i < n && *p < end; i++) {
    int w = snprintf(*p, (size_t)(end - *p), "%s%lld", i ? "," : "", (long long)pids[i]);
    if (w < 0 || w >= end - *p) break;
    *p += w;
  }
}

/* Appends b's killed to a's. A later force round (more) has the last word on
 * survivors; a group sweep's survivors are added to a's. */
static void merge_result(bw_kill_result* a, bw_kill_result* b, bool more) {
  int64_t* killed = calloc(a->killed_count + b->killed_count + 1, sizeof(int64_t));
  if (killed != NULL) {
    if (a->killed_count) memcpy(killed, a->killed, a->killed_count * sizeof(int64_t));
    if (b->killed_count)
      memcpy(killed + a->killed_count, b->killed, b->killed_count * sizeof(int64_t));
    free(a->killed);
    a->killed = killed;
    a->killed_count += b->killed_count;
  }
  if (more || a->survivor_count == 0) {
    free(a->survivors);
    a->survivors = b->survivors;
    a->survivor_count = b->survivor_count;
    b->survivors = NULL;
  } else if (b->survivor_count > 0) {
    int64_t* all = realloc(a->survivors, (a->survivor_count + b->survivor_count) * sizeof(int64_t));
    if (all != NULL) {
      memcpy(all + a->survivor_count, b->survivors, b->survivor_count * sizeof(int64_t));
      a->survivors = all;
      a->survivor_count += b->survivor_count;
    }
  }
  a->forced = more || a->forced || b->forced;
  a->complete = a->complete && b->complete;
  bw_kill_result_free(b);
}

static bool kill_descendants(sup* s, int sig, int64_t grace_ms, bw_kill_result* r) {
  bw_kill_opts o;
  bw_error err;
  bw_kill_opts_init(&o);
  o.signal = sig;
  o.grace_ms = grace_ms;
  o.exclude_root = true;
  o.allow_self = true;
  o.subreaper = s->subreaper;
  o.on_wake = reap;
  o.ctx = s;
  bw_error_clear(&err);
  memset(r, 0, sizeof(*r));
  return bw_tree_kill((int64_t)getpid(), &o, r, &err);
}

static void drop_pid(int64_t* pids, size_t* n, int64_t pid) {
  size_t i, k = 0;
  for (i = 0; i < *n; i++)
    if (pids[i] != pid) pids[k++] = pids[i];
  *n = k;
}

/* Without a subreaper the orphans of the root (and of any member that exits
 * by itself) are re-parented away from us, so no walk from here finds them.
 * They are still in the backend's process group unless they left it: its id
 * is the root's pid (setpgid at spawn). The kill engine, rooted at the root,
 * takes that group's members in (a group leader's: same pgid, started not
 * before the root), signals the group, waits what is left of the grace, then
 * freezes and forces it.
 *
 * Why that group is the backend's and no other: a group id is a pid, and the
 * kernel (Linux, macOS) hands out no pid still in use as a process's pid or
 * as a group's id. The root is held as an unreaped zombie until this sweep is
 * over (hold_root), so its pid stays ours: no other process can get it, and
 * so none can found a group with that id (a new group's id is its leader's
 * own pid). Group <root> can only hold the root's own descendants that kept
 * its group (or a process of the host's session that joined it on purpose).
 * Only after the sweep is the root reaped; from then on the id could be
 * reused once the group is empty, so the group is never signalled again. */
static void sweep_group(sup* s, int sig, int64_t grace_ms, bw_kill_result* r) {
  bw_kill_opts o;
  bw_kill_result g;
  bw_error err;
  if (!s->hold_root) return;
  bw_kill_opts_init(&o);
  o.signal = sig;
  /* At least a look: a zombie root's group members are found by the whole-
   * system scan the engine runs while it waits, not by its first snapshot. */
  o.grace_ms = grace_ms > 0 ? grace_ms : 1;
  o.start_time = s->root_start;
  o.on_wake = reap;
  o.ctx = s;
  bw_error_clear(&err);
  if (bw_tree_kill((int64_t)s->root, &o, &g, &err)) {
    /* The root's own end is kill_descendants' to report: it was gone (or
     * killed there) before this sweep began. */
    drop_pid(g.killed, &g.killed_count, (int64_t)s->root);
    drop_pid(g.survivors, &g.survivor_count, (int64_t)s->root);
    merge_result(r, &g, false);
  } else
    kill(-s->root, SIGKILL); /* the zombie still holds the id */
  s->hold_root = false;
}

/* Tears the whole tree down, reports, and exits with the backend's status. */
static void teardown(sup* s, int sig, int64_t grace_ms) {
  bw_kill_result r;
  char* buf;
  size_t cap;
  int i;
  const int64_t deadline = now_ms() + grace_ms;
  if (!kill_descendants(s, sig, grace_ms, &r)) {
    /* Last resort: SIGKILL to the backend's process group, while its id is
     * surely the backend's (see sweep_group). */
    if (!s->root_exited || s->hold_root) kill(-s->root, SIGKILL);
  }
  /* The group gets what is left of the grace, not a second one. */
  sweep_group(s, sig, grace_ms > 0 && deadline > now_ms() ? deadline - now_ms() : 0, &r);
  /* Everything is gone or was killed: collect the zombies until no child is
   * left at all. A descendant that appears now (re-parented to us late)
   * gets a force round of its own. */
  for (i = 0; i < 400 && reap_children(s); i++) {
    struct timespec ts = {0, 5000000};
    if (i % 20 == 19) {
      bw_kill_result more;
      if (kill_descendants(s, SIGKILL, 0, &more)) merge_result(&r, &more, true);
    }
    nanosleep(&ts, NULL);
  }
  report_exit(s);

  cap = 64 + (r.killed_count + r.survivor_count) * 21;
  /* Blocking from here: the report must reach the host whole. */
  fcntl(BW_CTL_FD, F_SETFL, fcntl(BW_CTL_FD, F_GETFL) & ~O_NONBLOCK);
  buf = malloc(cap);
  if (buf != NULL) {
    char* p = buf;
    char* end = buf + cap - 2;
    p += snprintf(p, cap, "closed %d ", r.forced ? 1 : 0);
    write_pids(&p, end, r.killed, r.killed_count);
    *p++ = ' ';
    write_pids(&p, end, r.survivors, r.survivor_count);
    *p++ = ' ';
    *p++ = r.complete ? '1' : '0';
    *p++ = '\n';
    write_all(BW_CTL_FD, buf, (size_t)(p - buf));
    free(buf);
  }
  bw_kill_result_free(&r);

  if (s->root_exited && s->root_signal) {
    /* Die the way the backend died, so the host sees the same signal. */
    signal(s->root_signal, SIG_DFL);
    raise(s->root_signal);
  }
  exit(s->root_exited ? s->root_code : 1);
}

/* Handles one control line. */
static void on_line(sup* s, const char* line) {
  int sig = 0;
  long long grace = 0;
  switch (bw_sup_parse_control(line, strlen(line), &sig, &grace)) {
    case BW_SUP_KILL:
      teardown(s, SIGKILL, 0);
      break;
    case BW_SUP_STOP:
      teardown(s, sig, grace);
      break;
    default:
      break;
  }
}

static void on_ctl_readable(sup* s) {
  char buf[256];
  ssize_t n = read(BW_CTL_FD, buf, sizeof(buf));
  ssize_t i;
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) teardown(s, SIGTERM, s->host_death_ms); /* the host died */
  for (i = 0; i < n; i++) {
    if (buf[i] == '\n') {
      s->line[s->line_len] = '\0';
      on_line(s, s->line);
      s->line_len = 0;
    } else if (s->line_len + 1 < sizeof(s->line)) {
      s->line[s->line_len++] = buf[i];
    }
  }
}

static pid_t start_backend(sup* s, char** argv) {
  int errpipe[2];
  int child_errno = 0;
  ssize_t n;
  pid_t pid;
  if (pipe(errpipe) != 0) return -1;
  fcntl(errpipe[0], F_SETFD, FD_CLOEXEC);
  fcntl(errpipe[1], F_SETFD, FD_CLOEXEC);
  pid = fork();
  if (pid == 0) {
    sigset_t none;
    int e;
    setpgid(0, 0);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    signal(HOST_DEATH_SIGNAL, SIG_DFL);
    setrlimit(RLIMIT_NOFILE, &s->nofile);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    close(BW_CTL_FD);
    close(s->sigpipe[0]);
    close(s->sigpipe[1]);
    if (s->host_watch >= 0) close(s->host_watch);
    execvp(argv[0], argv);
    e = errno;
    (void)!write(errpipe[1], &e, sizeof(e));
    _exit(127);
  }
  close(errpipe[1]);
  if (pid < 0) {
    child_errno = errno;
    close(errpipe[0]);
    errno = child_errno;
    return -1;
  }
  setpgid(pid, pid); /* also here, so the group exists before we return */
  do n = read(errpipe[0], &child_errno, sizeof(child_errno));
  while (n < 0 && errno == EINTR);
  close(errpipe[0]);
  if (n == (ssize_t)sizeof(child_errno)) {
    waitpid(pid, NULL, 0);
    errno = child_errno;
    return -1;
  }
  return pid;
}

int main(int argc, char** argv) {
  sup s;
  struct sigaction sa;
  bw_proc_info info;
  bw_error err;
  bool host_alive;
  memset(&s, 0, sizeof(s));
  if (argc < 5) {
    fprintf(stderr, "usage: %s <host-pid> <grace-ms> <host-death-grace-ms> <command> [args...]\n",
            argv[0]);
    return 2;
  }
  if (fcntl(BW_CTL_FD, F_GETFD) < 0) {
    fprintf(stderr, "backend_warden_supervisor: descriptor 3 must be the control socket\n");
    return 2;
  }
  /* First, before this process opens anything of its own. */
  close_stray_fds();
  s.host = (pid_t)atol(argv[1]);
  s.grace_ms = atoll(argv[2]);
  if (s.grace_ms < 0) s.grace_ms = 0;
  s.host_death_ms = atoll(argv[3]);
  if (s.host_death_ms < 0) s.host_death_ms = 0;
  if (s.host_death_ms > 999) s.host_death_ms = 999;
  /* One exit watch per member: a wide tree needs more descriptors than the
   * usual soft limit of 1,024. The backend gets the host's limit back. */
  if (getrlimit(RLIMIT_NOFILE, &s.nofile) == 0) {
    struct rlimit raised = s.nofile;
    raised.rlim_cur = raised.rlim_max;
    setrlimit(RLIMIT_NOFILE, &raised);
  } else {
    s.nofile.rlim_cur = s.nofile.rlim_max = RLIM_INFINITY;
  }

  if (pipe(s.sigpipe) != 0) return 2;
  set_cloexec_nonblock(s.sigpipe[0]);
  set_cloexec_nonblock(s.sigpipe[1]);
  set_cloexec_nonblock(BW_CTL_FD);
  sig_write_fd = s.sigpipe[1];
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sigaction(HOST_DEATH_SIGNAL, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  host_alive = bw__sup_os_init(s.host, HOST_DEATH_SIGNAL, &s.subreaper);
  s.hold_root = !s.subreaper;
  s.host_watch = bw_procwatch_open(s.host);
  if (s.host_watch >= 0) fcntl(s.host_watch, F_SETFD, FD_CLOEXEC);

  s.root = start_backend(&s, argv + 4);
  if (s.root < 0) {
    char buf[64];
    send_line(buf, snprintf(buf, sizeof(buf), "error %d execvp\n", errno));
    return 127;
  }
  bw_error_clear(&err);
  info.start_time = -1;
  bw_proc_info_get(s.root, &info, &err);
  s.root_start = info.start_time;
  {
    char buf[96];
    send_line(buf, snprintf(buf, sizeof(buf), "spawned %lld %.17g\n", (long long)s.root,
                            info.start_time));
  }
  if (!host_alive) teardown(&s, SIGTERM, s.host_death_ms);

  for (;;) {
    struct pollfd fds[3];
    nfds_t nfds = 2;
    fds[0].fd = BW_CTL_FD;
    fds[0].events = POLLIN;
    fds[1].fd = s.sigpipe[0];
    fds[1].events = POLLIN;
    if (s.host_watch >= 0) {
      fds[2].fd = s.host_watch;
      fds[2].events = POLLIN;
      nfds = 3;
    }
    if (poll(fds, nfds, -1) < 0) {
      if (errno == EINTR) continue;
      teardown(&s, SIGTERM, s.host_death_ms);
    }
    if (fds[1].revents) {
      unsigned char sigs[64];
      ssize_t n = read(s.sigpipe[0], sigs, sizeof(sigs)), i;
      for (i = 0; i < n; i++) {
        if (sigs[i] == SIGCHLD) continue;
        /* The parent-death signal: the host died. Else told to stop. */
        teardown(&s, SIGTERM, sigs[i] == HOST_DEATH_SIGNAL ? s.host_death_ms : s.grace_ms);
      }
      reap(&s);
      if (s.root_exited) {
        report_exit(&s);
        teardown(&s, SIGTERM, s.grace_ms); /* what the root left behind */
      }
    }
    if (nfds == 3 && fds[2].revents) teardown(&s, SIGTERM, s.host_death_ms);
    if (fds[0].revents) on_ctl_readable(&s);
  }
}
