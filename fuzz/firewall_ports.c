/* libFuzzer harness: the firewall matcher's pure parts — local-ports lists,
 * name and path folding, %VAR% expansion — on arbitrary UTF-8 (or not). */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/firewall.h"

static char* fake_getenv(void* ctx, const char* name, bool* oom) {
  (void)ctx;
  *oom = false;
  if (strcmp(name, "ProgramFiles") == 0) return strdup("C:\\Program Files");
  if (strcmp(name, "EMPTY") == 0) return strdup("");
  return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  char* s;
  char* expanded;
  size_t half;
  int32_t port;
  if (size < 2) return 0;
  port = (int32_t)((data[0] << 8) | data[1]);
  s = malloc(size - 1);
  if (s == NULL) return 0;
  memcpy(s, data + 2, size - 2);
  s[size - 2] = '\0';
  (void)bw_fw_ports_match(s, port);
  (void)bw_fw_ports_match(s, 0);
  assert(bw_fw_name_equal(s, s));
  assert(bw_fw_path_equal(s, s));
  half = strlen(s) / 2;
  (void)bw_fw_path_equal(s, s + half);
  expanded = bw_fw_expand_env(s, fake_getenv, NULL);
  if (expanded != NULL) {
    /* No %NAME% of the fake environment is left once expanded. */
    assert(strstr(expanded, "%ProgramFiles%") == NULL || strstr(s, "%ProgramFiles%") != NULL);
    free(expanded);
  }
  free(s);
  return 0;
}
