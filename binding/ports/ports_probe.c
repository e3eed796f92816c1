/* The bind probe behind findFreePort and isPortFree, once for every OS:
 * open, bind, read back the port the OS chose, close, and what a failed
 * bind means for the answer. The sockets themselves are the OS file's
 * (ports_os.h: ports_posix.c, ports_win.c). */
#include "ports/ports_os.h"

/* Whether the failure answers the probe (then *result is set): in use,
 * blocked, or, for an optional probe, an address or family this machine
 * does not have. False: the caller reports the error. */
static bool probe_answer(bw__bind_error kind, bool optional, bw_probe_result* result) {
  switch (kind) {
    case BW__BIND_ERROR_IN_USE:
      *result = BW_PROBE_IN_USE;
      return true;
    case BW__BIND_ERROR_DENIED:
      *result = BW_PROBE_BLOCKED;
      return true;
    case BW__BIND_ERROR_NO_ADDRESS:
      if (!optional) return false;
      *result = BW_PROBE_UNAVAILABLE;
      return true;
    default:
      return false;
  }
}

bool bw_port_probe(const bw_addr* addr, int port, bool optional, bw_probe_result* result,
                   int* bound_port, bw_error* err) {
  bw__bind_error kind = BW__BIND_ERROR_OTHER;
  bw__sock s;

  *bound_port = 0;
  switch (bw__probe_socket(addr->family, &s, err)) {
    case BW__SOCKET_OK:
      break;
    case BW__SOCKET_NO_FAMILY:
      if (!optional) return false;
      *result = BW_PROBE_UNAVAILABLE;
      return true;
    default:
      return false;
  }
  if (!bw__sock_bind(s, addr, port, &kind, err)) {
    bw__sock_close(s);
    return probe_answer(kind, optional, result);
  }
  if (port == 0 && (port = bw__sock_port(s, err)) < 0) {
    bw__sock_close(s);
    return false;
  }
  bw__sock_close(s);
  *bound_port = port;
  *result = BW_PROBE_FREE;
  return true;
}
