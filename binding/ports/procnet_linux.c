/* Pure parsers for Linux's socket tables (see procnet.h). */
#include <errno.h>
#include <string.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ports/procnet.h"

/* --- /proc/net/{tcp,udp}{,6} ------------------------------------------- */

#define PROCNET_TOKENS 11 /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode + one */

typedef struct token {
  const char* s;
  size_t n;
} token;

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Exactly n hex digits (n <= 8) → *out. */
static bool hex_exact(const char* s, size_t n, uint32_t* out) {
  uint32_t v = 0;
  size_t i;
  for (i = 0; i < n; i++) {
    int d = hex_digit(s[i]);
    if (d < 0) return false;
    v = v << 4 | (uint32_t)d;
  }
  *out = v;
  return true;
}

/* A decimal token of at most max → *out. */
static bool dec_token(const token* t, unsigned long long max, unsigned long long* out) {
  unsigned long long v = 0;
  size_t i;
  if (t->n == 0) return false;
  for (i = 0; i < t->n; i++) {
    unsigned d = (unsigned)(t->s[i] - '0');
    if (d > 9 || v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

/* "0100007F:0CEA": each 32-bit word of the address is printed as the kernel
 * holds it in memory, so copying the parsed words back in native byte order
 * restores network order. */
static bool addr_token(const token* t, int family, bw_addr* addr, int* port) {
  const size_t words = family == 4 ? 1 : 4;
  uint32_t v;
  size_t i;
  if (t->n != words * 8 + 5 || t->s[words * 8] != ':') return false;
  memset(addr, 0, sizeof(*addr));
  addr->family = family;
  for (i = 0; i < words; i++) {
    if (!hex_exact(t->s + i * 8, 8, &v)) return false;
    memcpy(addr->bytes + i * 4, &v, 4);
  }
  if (!hex_exact(t->s + words * 8 + 1, 4, &v)) return false;
  *port = (int)v;
  return true;
}

bool bw_procnet_parse_line(const char* line, size_t len, int family, bw_net_sock* out) {
  token t[PROCNET_TOKENS];
  const char* p = line;
  const char* end;
  const char* nl = memchr(line, '\n', len);
  bw_addr remote;
  unsigned long long v;
  uint32_t st;
  size_t n = 0;
  int rport;
  if (family != 4 && family != 6) return false;
  end = nl != NULL ? nl : line + len;
  while (n < PROCNET_TOKENS) {
    while (p < end && *p == ' ') p++;
    if (p == end) return false; /* cut off before the fields after the inode */
    t[n].s = p;
    while (p < end && *p != ' ') p++;
    t[n].n = (size_t)(p - t[n].s);
    n++;
  }
  /* "12:" */
  if (t[0].n < 2 || t[0].s[t[0].n - 1] != ':') return false;
  {
    token sl = {t[0].s, t[0].n - 1};
    if (!dec_token(&sl, 0xFFFFFFFFull, &v)) return false;
  }
  memset(out, 0, sizeof(*out));
  if (!addr_token(&t[1], family, &out->addr, &out->port)) return false;
  if (!addr_token(&t[2], family, &remote, &rport)) return false;
  if (t[3].n != 2 || !hex_exact(t[3].s, 2, &st)) return false;
  out->state = st;
  if (!dec_token(&t[7], 0xFFFFFFFFull, &v)) return false;
  out->uid = (unsigned)v;
  if (!dec_token(&t[9], ~0ull, &out->inode)) return false;
  return true;
}

/* --- sock_diag replies --------------------------------------------------- */

bw_diag_item bw_diag_next(const char** p, const char* end, bw_net_sock* out, int* error) {
  struct nlmsghdr h;
  struct inet_diag_msg m;
  const char* body;
  size_t left = (size_t)(end - *p), blen, step;
  if (left < NLMSG_HDRLEN) {
    *p = end;
    return BW_DIAG_END;
  }
  memcpy(&h, *p, sizeof(h));
  if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > left) {
    *p = end; /* cut off (or nonsense): nothing more in this datagram */
    return BW_DIAG_END;
  }
  body = *p + NLMSG_HDRLEN;
  blen = h.nlmsg_len - NLMSG_HDRLEN;
  step = NLMSG_ALIGN(h.nlmsg_len);
  *p += step < left ? step : left;
  switch (h.nlmsg_type) {
    case NLMSG_DONE:
      return BW_DIAG_DONE;
    case NLMSG_ERROR: {
      int e = 0;
      if (blen >= sizeof(e)) memcpy(&e, body, sizeof(e));
      *error = e < 0 && e > -4096 ? -e : EIO;
      return BW_DIAG_ERROR;
    }
    case SOCK_DIAG_BY_FAMILY:
      if (blen < sizeof(m)) return BW_DIAG_SKIP;
      memcpy(&m, body, sizeof(m));
      if (m.idiag_family != AF_INET && m.idiag_family != AF_INET6) return BW_DIAG_SKIP;
      memset(out, 0, sizeof(*out));
      out->addr.family = m.idiag_family == AF_INET ? 4 : 6;
      memcpy(out->addr.bytes, m.id.idiag_src, out->addr.family == 4 ? 4 : 16);
      out->port = ntohs(m.id.idiag_sport);
      out->state = m.idiag_state;
      out->uid = m.idiag_uid;
      out->inode = m.idiag_inode;
      return BW_DIAG_SOCK;
    default:
      return BW_DIAG_SKIP;
  }
}

int bw_diag_lookup_answer(const char* buf, size_t len) {
  const char* p = buf;
  bw_net_sock s;
  int e = 0;
  switch (bw_diag_next(&p, buf + len, &s, &e)) {
    case BW_DIAG_SOCK:
      return 1;
    case BW_DIAG_ERROR:
      return e == ENOENT ? 0 : -1;
    default:
      return -1;
  }
}
