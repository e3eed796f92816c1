/* libFuzzer harness: the supervisor's control lines (bw_sup_parse_control).
 * Oracle: a line the parser accepts prints back exactly as itself. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "supervisor/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int sig = 0;
  long long grace = 0;
  char again[64];
  switch (bw_sup_parse_control((const char*)data, size, &sig, &grace)) {
    case BW_SUP_STOP:
      assert(sig >= 1 && sig <= 64 && grace >= 0 && grace <= 2147483647LL);
      /* Leading zeros are accepted ("stop 015 0100"); compare numbers. */
      snprintf(again, sizeof(again), "stop %d %lld", sig, grace);
      {
        int s2 = 0;
        long long g2 = 0;
        assert(bw_sup_parse_control(again, strlen(again), &s2, &g2) == BW_SUP_STOP);
        assert(s2 == sig && g2 == grace);
      }
      break;
    case BW_SUP_KILL:
      assert(size == 4 && memcmp(data, "kill", 4) == 0);
      break;
    default:
      break;
  }
  return 0;
}
