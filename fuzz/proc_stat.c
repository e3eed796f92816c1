/* libFuzzer harness: /proc/<pid>/stat lines (bw_procfs_parse_stat), cut off
 * anywhere, with any bytes in comm. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "tree/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bw_proc_info info;
  if (bw_procfs_parse_stat((const char*)data, size, &info)) {
    assert(info.pid >= 1 && info.pid <= INT32_MAX);
    assert(strlen(info.name) < sizeof(info.name));
    assert(info.start_time >= 0);
  }
  return 0;
}
