/* libFuzzer harness: /proc/<pid>/stat lines (bw_procfs_parse_stat and
 * bw_procfs_parse_stat_usage), cut off anywhere, with any bytes in comm. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "tree/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bw_proc_info info, again;
  bw_procfs_usage usage;
  bool plain = bw_procfs_parse_stat((const char*)data, size, &info);
  if (plain) {
    assert(info.pid >= 1 && info.pid <= INT32_MAX);
    assert(strlen(info.name) < sizeof(info.name));
    assert(info.start_time >= 0);
  }
  /* The usage parse reads two fields more: it accepts a subset of the lines,
   * with the same identity. */
  if (bw_procfs_parse_stat_usage((const char*)data, size, &again, &usage)) {
    assert(plain);
    assert(again.pid == info.pid && again.ppid == info.ppid && again.start_time == info.start_time);
  }
  return 0;
}
