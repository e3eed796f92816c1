/* The Windows Firewall on Linux and macOS: there is none, so the policy
 * reads fail with ENOTSUP. lib/firewall.js never calls them here (it answers
 * "not-applicable" itself); a direct call gets a clean error. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/firewall.h"

bool bw_fw_read_policy(bw_fw_policy* out, bool profiles, bw_error* err) {
  (void)out;
  (void)profiles;
  bw_error_set(err, BW_ERR_POSIX, ENOTSUP, "INetFwPolicy2");
  return false;
}

char* bw_fw_process_getenv(void* ctx, const char* name, bool* oom) {
  const char* v = getenv(name);
  char* copy;
  (void)ctx;
  *oom = false;
  if (v == NULL) return NULL;
  copy = malloc(strlen(v) + 1);
  if (copy == NULL) {
    *oom = true;
    return NULL;
  }
  strcpy(copy, v);
  return copy;
}
