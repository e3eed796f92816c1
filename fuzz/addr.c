/* libFuzzer harness: address literals (bw_addr_parse), and the formatted
 * form of a parsed address parses back to the same bytes. Linked with
 * ports_addr.c and ports_addr_posix.c, the addon's own OS conversions. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ports/ports.h"

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
