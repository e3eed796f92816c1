/* libFuzzer harness: address literals (bw_addr_parse), and the formatted
 * form of a parsed address parses back to the same bytes. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <net/if.h>

#include "ports/ports.h"

/* The OS conversions, as ports_posix.c has them (that file also opens
 * sockets, which a parser harness has no use for). */
int bw__inet_pton(int family, const char* text, void* bytes) {
  return inet_pton(family == 4 ? AF_INET : AF_INET6, text, bytes) == 1;
}

bool bw__inet_ntop(int family, const void* bytes, char* buf, size_t size) {
  return inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes, buf, (socklen_t)size) != NULL;
}

uint32_t bw__if_index(const char* name) {
  return if_nametoindex(name);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  char text[256], again[BW_ADDR_STRLEN + 16];
  bw_addr a, b;
  if (size >= sizeof(text)) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  if (!bw_addr_parse(text, &a)) return 0;
  assert(a.family == 4 || a.family == 6);
  bw_addr_format(&a, again, sizeof(again));
  assert(bw_addr_parse(again, &b));
  assert(a.family == b.family && memcmp(a.bytes, b.bytes, a.family == 4 ? 4 : 16) == 0);
  return 0;
}
