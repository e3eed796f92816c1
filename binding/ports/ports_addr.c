/* Address literals, platform-free: IPv4, IPv6 and IPv6 with a zone
 * ("fe80::1%eth0" or "%3"). The OS conversions behind bw__inet_pton /
 * bw__inet_ntop live in ports_addr_posix.c and ports_win.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ports/ports.h"

bool bw_addr_parse(const char* text, bw_addr* out) {
  char buf[BW_ADDR_STRLEN];
  const char* pct;
  size_t n = strlen(text);
  memset(out, 0, sizeof(*out));
  if (n == 0 || n >= sizeof(buf)) return false;
  memcpy(buf, text, n + 1);
  if (bw__inet_pton(4, buf, out->bytes)) {
    out->family = 4;
    return true;
  }
  pct = strchr(text, '%');
  if (pct != NULL) {
    char* end = NULL;
    unsigned long scope;
    buf[pct - text] = '\0';
    scope = strtoul(pct + 1, &end, 10);
    if (pct[1] != '\0' && end != NULL && *end == '\0')
      out->scope_id = (uint32_t)scope;
    else
      out->scope_id = bw__if_index(pct + 1);
    if (out->scope_id == 0) return false;
  }
  if (!bw__inet_pton(6, buf, out->bytes)) return false;
  out->family = 6;
  return true;
}

void bw_addr_format(const bw_addr* addr, char* buf, size_t size) {
  if (!bw__inet_ntop(addr->family, addr->bytes, buf, size)) snprintf(buf, size, "?");
}
