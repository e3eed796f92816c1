/* Ports on Windows: address literals, the bind probe (SO_EXCLUSIVEADDRUSE),
 * the readiness waiter's thread, connect and sleep under the shared loop of
 * ports_wait.c (loopback connects fail at once thanks to
 * SIO_TCP_INITIAL_RTO; it sleeps on a high-resolution timer, the cancel
 * event and the watched process) and the owner of a port from
 * GetExtendedTcpTable / GetExtendedUdpTable. Winsock is already initialised:
 * libuv calls WSAStartup when Node starts. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <iphlpapi.h>
#include <windows.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ports/ports.h"
#include "ports/sockaddr.h"
#include "ports/ports_os.h"

#ifndef CREATE_WAITABLE_TIMER_HIGH_RESOLUTION
#define CREATE_WAITABLE_TIMER_HIGH_RESOLUTION 0x00000002 /* Windows 10 1803 */
#endif

/* --- addresses ----------------------------------------------------------- */

int bw__inet_pton(int family, const char* text, void* bytes) {
  return InetPtonA(family == 4 ? AF_INET : AF_INET6, text, bytes) == 1;
}

bool bw__inet_ntop(int family, const void* bytes, char* buf, size_t size) {
  return InetNtopA(family == 4 ? AF_INET : AF_INET6, (void*)bytes, buf, size) != NULL;
}

uint32_t bw__if_index(const char* name) {
  return if_nametoindex(name);
}

/* A TCP socket no child process inherits: the backend may be spawned (with
 * inheritable stdio handles) while a probe is open. */
static SOCKET tcp_socket(int family) {
  int af = family == 4 ? AF_INET : AF_INET6;
  SOCKET s = WSASocketW(af, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET && WSAGetLastError() == WSAEINVAL) {
    s = WSASocketW(af, SOCK_STREAM, IPPROTO_TCP, NULL, 0, 0);
    if (s != INVALID_SOCKET) SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
  }
  return s;
}

static void socket_error(bw_error* err, const char* syscall) {
  bw_error_set(err, BW_ERR_WIN32, (int32_t)WSAGetLastError(), syscall);
}

/* --- bind probe ---------------------------------------------------------- */

static bw__bind_error bind_error_kind(int e) {
  switch (e) {
    case WSAEADDRINUSE:
      return BW__BIND_ERROR_IN_USE;
    case WSAEACCES: /* an excluded port range (Hyper-V, WinNAT) */
      return BW__BIND_ERROR_DENIED;
    case WSAEADDRNOTAVAIL:
    case WSAEAFNOSUPPORT:
      return BW__BIND_ERROR_NO_ADDRESS;
    default:
      return BW__BIND_ERROR_OTHER;
  }
}

bw__socket_result bw__probe_socket(int family, bw__sock* out, bw_error* err) {
  BOOL yes = TRUE;
  DWORD zero = 0;
  SOCKET s = tcp_socket(family);
  if (s == INVALID_SOCKET) {
    bool no_family = WSAGetLastError() == WSAEAFNOSUPPORT;
    socket_error(err, "socket");
    return no_family ? BW__SOCKET_NO_FAMILY : BW__SOCKET_FAILED;
  }
  if (setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char*)&yes, sizeof(yes)) != 0) {
    socket_error(err, "setsockopt");
    closesocket(s);
    return BW__SOCKET_FAILED;
  }
  /* Dual-stack like Node's "::" (Windows defaults to IPv6-only). */
  if (family == 6) (void)setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char*)&zero, sizeof(zero));
  *out = (bw__sock)s;
  return BW__SOCKET_OK;
}

bool bw__sock_bind(bw__sock s, const bw_addr* addr, int port, bw__bind_error* kind, bw_error* err) {
  struct sockaddr_storage ss;
  int len = bw_to_sockaddr(addr, port, &ss);
  if (bind((SOCKET)s, (struct sockaddr*)&ss, len) == 0) return true;
  *kind = bind_error_kind(WSAGetLastError());
  socket_error(err, "bind");
  return false;
}

int bw__sock_port(bw__sock s, bw_error* err) {
  struct sockaddr_storage ss;
  int len = (int)sizeof(ss);
  if (getsockname((SOCKET)s, (struct sockaddr*)&ss, &len) == 0) return bw_sockaddr_port(&ss);
  socket_error(err, "getsockname");
  return -1;
}

void bw__sock_close(bw__sock s) {
  closesocket((SOCKET)s);
}

/* --- readiness waiter ---------------------------------------------------- */

struct bw_port_waiter {
  bw__wait_job job;
  HANDLE thread;
  HANDLE cancel;  /* manual-reset event */
  HANDLE process; /* SYNCHRONIZE handle of req.pid, or NULL */
  HANDLE timer;   /* high-resolution waitable timer, or NULL */
  volatile LONG cancelled;
};

/* Waits up to ms for extra (if not NULL), the cancel event or the process.
 * Returns 1 when extra is signalled, 0 on timeout, -1 when the waiter must
 * stop (*status says why). Sleeps on the high-resolution timer when there
 * is one, since plain timeouts are rounded up to the 15.6 ms system tick. */
static int wait_events(struct bw_port_waiter* w, HANDLE extra, DWORD ms, bw_wait_status* status) {
  HANDLE handles[4];
  DWORD n = 0, r, i_extra = MAXDWORD, i_cancel, i_proc = MAXDWORD, i_timer = MAXDWORD;
  DWORD timeout = ms;
  if (extra != NULL) handles[i_extra = n++] = extra;
  handles[i_cancel = n++] = w->cancel;
  if (w->process != NULL) handles[i_proc = n++] = w->process;
  if (w->timer != NULL) {
    LARGE_INTEGER due;
    due.QuadPart = -(LONGLONG)ms * 10000; /* relative, 100 ns units */
    if (SetWaitableTimer(w->timer, &due, 0, NULL, NULL, FALSE)) {
      handles[i_timer = n++] = w->timer;
      timeout = ms + 50; /* the timer decides; this only guards against a lost one */
    }
  }
  r = WaitForMultipleObjects(n, handles, FALSE, timeout);
  if (r == WAIT_TIMEOUT || r == WAIT_OBJECT_0 + i_timer) return 0;
  if (r == WAIT_OBJECT_0 + i_extra) return 1;
  if (r == WAIT_OBJECT_0 + i_proc) {
    *status = BW_WAIT_EXITED;
    return -1;
  }
  if (r == WAIT_OBJECT_0 + i_cancel || w->cancelled) {
    *status = BW_WAIT_CANCELLED;
    return -1;
  }
  return 0;
}

int64_t bw__wait_now_us(void) {
  LARGE_INTEGER count, freq;
  QueryPerformanceCounter(&count);
  QueryPerformanceFrequency(&freq);
  return (int64_t)(count.QuadPart / freq.QuadPart * 1000000 +
                   count.QuadPart % freq.QuadPart * 1000000 / freq.QuadPart);
}

bool bw__wait_process_gone(bw_port_waiter* w) {
  return w->process != NULL && WaitForSingleObject(w->process, 0) == WAIT_OBJECT_0;
}

int bw__wait_sleep(bw_port_waiter* w, int64_t ms, bw_wait_status* status) {
  return wait_events(w, NULL, (DWORD)ms, status) < 0 ? -1 : 0;
}

bool bw__wait_cancelled(bw_port_waiter* w) {
  return w->cancelled != 0;
}

static bool soft_connect_error(int e) {
  switch (e) {
    case WSAECONNREFUSED:
    case WSAECONNRESET:
    case WSAECONNABORTED:
    case WSAETIMEDOUT:
    case WSAENETUNREACH:
    case WSAEHOSTUNREACH:
    case WSAENETDOWN:
    case WSAEADDRNOTAVAIL:
    case WSAEAFNOSUPPORT:
    case WSAEACCES:
      return true;
    default:
      return false;
  }
}

/* One connect to addr. Without SIO_TCP_INITIAL_RTO a refused loopback
 * connect is retried for about 2 s (libuv sets it too, src/win/tcp.c);
 * Windows before 10 1709 and Wine ignore it, which is harmless. */
bw__attempt bw__wait_attempt(bw_port_waiter* w, const bw_addr* addr, int port, int64_t budget_ms,
                             bw_wait_status* status, bw_error* err) {
  struct sockaddr_storage ss;
  int len = bw_to_sockaddr(addr, port, &ss), e = 0;
  TCP_INITIAL_RTO_PARAMETERS rto;
  WSANETWORKEVENTS events;
  WSAEVENT ev;
  DWORD bytes = 0;
  bw__attempt result = BW__ATTEMPT_NOT_YET;
  SOCKET s = tcp_socket(addr->family);
  if (s == INVALID_SOCKET) {
    if (WSAGetLastError() == WSAEAFNOSUPPORT) return BW__ATTEMPT_NOT_YET;
    socket_error(err, "socket");
    *status = BW_WAIT_FAILED;
    return BW__ATTEMPT_STOP;
  }
  ev = WSACreateEvent();
  if (ev == WSA_INVALID_EVENT || WSAEventSelect(s, ev, FD_CONNECT) != 0) {
    socket_error(err, ev == WSA_INVALID_EVENT ? "WSACreateEvent" : "WSAEventSelect");
    *status = BW_WAIT_FAILED;
    result = BW__ATTEMPT_STOP;
    goto cleanup;
  }
  rto.Rtt = TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS;
  rto.MaxSynRetransmissions = TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS;
  (void)WSAIoctl(s, SIO_TCP_INITIAL_RTO, &rto, sizeof(rto), NULL, 0, &bytes, NULL, NULL);

  if (connect(s, (struct sockaddr*)&ss, len) == 0) {
    result = BW__ATTEMPT_CONNECTED;
    goto cleanup;
  }
  e = WSAGetLastError();
  if (e == WSAEWOULDBLOCK) {
    int r = wait_events(w, ev, (DWORD)budget_ms, status);
    if (r < 0) {
      result = BW__ATTEMPT_STOP;
      goto cleanup;
    }
    if (r == 0) goto cleanup;
    if (WSAEnumNetworkEvents(s, ev, &events) != 0) goto cleanup;
    if (!(events.lNetworkEvents & FD_CONNECT)) goto cleanup;
    e = events.iErrorCode[FD_CONNECT_BIT];
    if (e == 0) {
      result = BW__ATTEMPT_CONNECTED;
      goto cleanup;
    }
  }
  if (!soft_connect_error(e)) {
    bw_error_set(err, BW_ERR_WIN32, e, "connect");
    *status = BW_WAIT_FAILED;
    result = BW__ATTEMPT_STOP;
  }

cleanup:
  closesocket(s);
  if (ev != WSA_INVALID_EVENT) WSACloseEvent(ev);
  return result;
}

static DWORD WINAPI waiter_main(void* arg) {
  struct bw_port_waiter* w = arg;
  bw__wait_run(w, &w->job, "OpenProcess");
  return 0;
}

static void waiter_free(struct bw_port_waiter* w) {
  if (w->cancel != NULL) CloseHandle(w->cancel);
  if (w->process != NULL) CloseHandle(w->process);
  if (w->timer != NULL) CloseHandle(w->timer);
  free(w);
}

bw_port_waiter* bw_port_waiter_start(const bw_wait_request* req, bw_wait_done_fn done, void* ctx,
                                     bw_error* err) {
  struct bw_port_waiter* w = calloc(1, sizeof(*w));
  if (w == NULL) {
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "calloc");
    return NULL;
  }
  w->job = (bw__wait_job){*req, done, ctx};
  w->cancel = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (w->cancel == NULL) {
    bw_error_from_os(err, "CreateEventW");
    goto fail;
  }
  if (req->pid != 0) {
    w->process = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)req->pid);
    if (w->process == NULL && GetLastError() == ERROR_INVALID_PARAMETER) {
      bw_error_set(err, BW_ERR_POSIX, ESRCH, "OpenProcess");
      goto fail;
    }
    /* Access denied (a protected process): wait without watching it. */
  }
  w->timer =
      CreateWaitableTimerExW(NULL, NULL, CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, TIMER_ALL_ACCESS);
  w->thread =
      CreateThread(NULL, 256 * 1024, waiter_main, w, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
  if (w->thread == NULL) {
    bw_error_from_os(err, "CreateThread");
    goto fail;
  }
  return w;

fail:
  waiter_free(w);
  return NULL;
}

void bw_port_waiter_cancel(bw_port_waiter* w) {
  InterlockedExchange(&w->cancelled, 1);
  SetEvent(w->cancel);
}

void bw_port_waiter_join(bw_port_waiter* w) {
  bw_port_waiter_cancel(w);
  WaitForSingleObject(w->thread, INFINITE);
  CloseHandle(w->thread);
  waiter_free(w);
}

/* --- port owner ---------------------------------------------------------- */

static bw_sock_state tcp_state(DWORD st) {
  switch (st) {
    case MIB_TCP_STATE_CLOSED:
      return BW_SOCK_CLOSE;
    case MIB_TCP_STATE_LISTEN:
      return BW_SOCK_LISTEN;
    case MIB_TCP_STATE_SYN_SENT:
      return BW_SOCK_SYN_SENT;
    case MIB_TCP_STATE_SYN_RCVD:
      return BW_SOCK_SYN_RECV;
    case MIB_TCP_STATE_ESTAB:
      return BW_SOCK_ESTABLISHED;
    case MIB_TCP_STATE_FIN_WAIT1:
      return BW_SOCK_FIN_WAIT1;
    case MIB_TCP_STATE_FIN_WAIT2:
      return BW_SOCK_FIN_WAIT2;
    case MIB_TCP_STATE_CLOSE_WAIT:
      return BW_SOCK_CLOSE_WAIT;
    case MIB_TCP_STATE_CLOSING:
      return BW_SOCK_CLOSING;
    case MIB_TCP_STATE_LAST_ACK:
      return BW_SOCK_LAST_ACK;
    case MIB_TCP_STATE_TIME_WAIT:
      return BW_SOCK_TIME_WAIT;
    default:
      return BW_SOCK_UNKNOWN;
  }
}

/* One owner table, grown and fetched again while it does not fit (a
 * connection may open between the two calls). */
static void* get_table(bw_proto proto, int af, bw_error* err) {
  DWORD size = 16384, r;
  void* buf = NULL;
  for (;;) {
    void* bigger = realloc(buf, size);
    if (bigger == NULL) {
      free(buf);
      bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
      return NULL;
    }
    buf = bigger;
    if (proto == BW_PROTO_TCP)
      r = GetExtendedTcpTable(buf, &size, FALSE, (ULONG)af, TCP_TABLE_OWNER_PID_ALL, 0);
    else
      r = GetExtendedUdpTable(buf, &size, FALSE, (ULONG)af, UDP_TABLE_OWNER_PID, 0);
    if (r == NO_ERROR) return buf;
    if (r != ERROR_INSUFFICIENT_BUFFER) {
      free(buf);
      bw_error_set(err, BW_ERR_WIN32, (int32_t)r,
                   proto == BW_PROTO_TCP ? "GetExtendedTcpTable" : "GetExtendedUdpTable");
      return NULL;
    }
    size += 4096;
  }
}

/* Considers one row; keeps it in out when it ranks better. */
static void consider(int port, bw_proto proto, const bw_addr* filters, size_t nfilter, int lport,
                     const bw_addr* addr, bw_sock_state state, DWORD pid, int* best,
                     bw_port_owner* out) {
  size_t i;
  bool match = nfilter == 0;
  int rank;
  if (lport != port) return;
  for (i = 0; i < nfilter && !match; i++) match = bw_addr_serves(addr, &filters[i]);
  rank = bw_sock_state_rank(proto, state);
  if (!match || rank >= *best) return;
  *best = rank;
  out->found = true;
  out->address = *addr;
  out->state = state;
  out->pid = pid == 0 ? -1 : (int64_t)pid; /* TIME_WAIT rows belong to "pid 0" */
}

/* The image name of pid: its file name when the process may be queried,
 * else the Toolhelp snapshot's (System, protected processes). */
static void process_name(DWORD pid, char* out, size_t size) {
  WCHAR path[MAX_PATH];
  DWORD len = MAX_PATH;
  HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  out[0] = '\0';
  if (h != NULL) {
    if (QueryFullProcessImageNameW(h, 0, path, &len)) {
      WCHAR* base = path;
      DWORD i;
      for (i = 0; i < len; i++)
        if (path[i] == L'\\' || path[i] == L'/') base = path + i + 1;
      if (WideCharToMultiByte(CP_UTF8, 0, base, -1, out, (int)size, NULL, NULL) <= 0) out[0] = '\0';
    }
    CloseHandle(h);
  }
  if (out[0] == '\0') {
    bw_proc_info info;
    bw_error ignored;
    if (bw_proc_info_get(pid, &info, &ignored)) snprintf(out, size, "%s", info.name);
  }
}

bool bw_port_owner_find(int port, bw_proto proto, const bw_addr* filters, size_t nfilter,
                        bw_port_owner* out, bw_error* err) {
  int best = 3, f;
  memset(out, 0, sizeof(*out));
  out->pid = -1;
  for (f = 0; f < 2; f++) {
    int af = f == 0 ? AF_INET : AF_INET6;
    void* table = get_table(proto, af, err);
    DWORD i;
    if (table == NULL) return false;
    if (proto == BW_PROTO_TCP && af == AF_INET) {
      MIB_TCPTABLE_OWNER_PID* t = table;
      for (i = 0; i < t->dwNumEntries; i++) {
        bw_addr a = {4, {0}, 0};
        memcpy(a.bytes, &t->table[i].dwLocalAddr, 4);
        consider(port, proto, filters, nfilter, ntohs((u_short)t->table[i].dwLocalPort), &a,
                 tcp_state(t->table[i].dwState), t->table[i].dwOwningPid, &best, out);
      }
    } else if (proto == BW_PROTO_TCP) {
      MIB_TCP6TABLE_OWNER_PID* t = table;
      for (i = 0; i < t->dwNumEntries; i++) {
        bw_addr a = {6, {0}, t->table[i].dwLocalScopeId};
        memcpy(a.bytes, t->table[i].ucLocalAddr, 16);
        consider(port, proto, filters, nfilter, ntohs((u_short)t->table[i].dwLocalPort), &a,
                 tcp_state(t->table[i].dwState), t->table[i].dwOwningPid, &best, out);
      }
    } else if (af == AF_INET) {
      MIB_UDPTABLE_OWNER_PID* t = table;
      for (i = 0; i < t->dwNumEntries; i++) {
        bw_addr a = {4, {0}, 0};
        memcpy(a.bytes, &t->table[i].dwLocalAddr, 4);
        consider(port, proto, filters, nfilter, ntohs((u_short)t->table[i].dwLocalPort), &a,
                 BW_SOCK_UNCONN, t->table[i].dwOwningPid, &best, out);
      }
    } else {
      MIB_UDP6TABLE_OWNER_PID* t = table;
      for (i = 0; i < t->dwNumEntries; i++) {
        bw_addr a = {6, {0}, t->table[i].dwLocalScopeId};
        memcpy(a.bytes, t->table[i].ucLocalAddr, 16);
        consider(port, proto, filters, nfilter, ntohs((u_short)t->table[i].dwLocalPort), &a,
                 BW_SOCK_UNCONN, t->table[i].dwOwningPid, &best, out);
      }
    }
    free(table);
  }
  if (out->found && out->pid > 0) process_name((DWORD)out->pid, out->name, sizeof(out->name));
  return true;
}
