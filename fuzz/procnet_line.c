/* libFuzzer harness: /proc/net/{tcp,udp}{,6} lines (bw_procnet_parse_line),
 * read as IPv4 and as IPv6 tables. Oracles: a parsed socket is in range; a
 * line cut anywhere (every prefix of the input) is either rejected or yields
 * exactly the same socket, so a truncated line is never taken for another
 * socket (a cut inode, a cut port); and the socket printed back in the
 * kernel's format parses to itself. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ports/procnet.h"

static int same(const bw_net_sock* a, const bw_net_sock* b) {
  return a->addr.family == b->addr.family && memcmp(a->addr.bytes, b->addr.bytes, 16) == 0 &&
         a->port == b->port && a->state == b->state && a->uid == b->uid && a->inode == b->inode;
}

static void check(const char* text, size_t size, int family) {
  bw_net_sock s, cut, again;
  char line[512], addr[40];
  size_t k, i, words = family == 4 ? 1 : 4;
  int n;
  if (!bw_procnet_parse_line(text, size, family, &s)) return;
  assert(s.addr.family == family);
  assert(s.port >= 0 && s.port <= 65535 && s.state <= 255);
  for (k = 0; k < size; k++)
    if (bw_procnet_parse_line(text, k, family, &cut)) assert(same(&s, &cut));
  for (i = 0; i < words; i++) {
    uint32_t w;
    memcpy(&w, s.addr.bytes + i * 4, 4);
    snprintf(addr + i * 8, sizeof(addr) - i * 8, "%08X", (unsigned)w);
  }
  n = snprintf(line, sizeof(line),
               "%4d: %s:%04X %s:0000 %02X 00000000:00000000 00:00000000 00000000 %5u        0 "
               "%llu 1 0000000000000000\n",
               0, addr, (unsigned)s.port, addr, s.state, s.uid, s.inode);
  assert(n > 0 && (size_t)n < sizeof(line));
  assert(bw_procnet_parse_line(line, (size_t)n, family, &again));
  assert(same(&s, &again));
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 400) return 0; /* a line is ~150 bytes; the prefix check is quadratic */
  check((const char*)data, size, 4);
  check((const char*)data, size, 6);
  return 0;
}
