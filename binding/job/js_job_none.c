/* Job objects where the OS has none (Linux, macOS): no functions. Those
 * platforms supervise backends with the supervisor executable
 * (binding/supervisor/), which the JS layer starts through Node's own spawn;
 * Windows registers its job-object functions in js_job_win.c. */
#include "js.h"

bool bw_js_job_init(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return true;
}
