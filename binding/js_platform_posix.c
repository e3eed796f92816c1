/* POSIX platform bindings: none. Linux and macOS supervise backends with
 * the supervisor executable (supervisor.c), which lib/supervised.js starts
 * through Node's own spawn; Windows registers its job-object functions in
 * js_platform_win.c. */
#include "js.h"

bool bw_js_platform_init(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return true;
}
