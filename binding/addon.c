/* Module init: the export table, nothing else. Each concern registers its
 * own functions (<concern>/js_*.c, prototypes in js.h). */
#include "js.h"
#include "node/napi_util.h"

#ifndef BW_VERSION
#error "BW_VERSION must be defined by the build (package.json version)"
#endif
#ifndef BW_PLATFORM
#error "BW_PLATFORM must be defined by the build (process.platform spelling)"
#endif

/* info() → { version, napiVersion, platform }: which binary is loaded. */
static napi_value js_info(napi_env env, napi_callback_info info) {
  napi_value obj;
  uint32_t napi_version = 0;
  (void)info;
  BW_CALL(env, napi_get_version(env, &napi_version));
  BW_CALL(env, napi_create_object(env, &obj));
  if (!bw_set_string(env, obj, "version", BW_VERSION) ||
      !bw_set_double(env, obj, "napiVersion", (double)napi_version) ||
      !bw_set_double(env, obj, "builtNapiVersion", (double)NAPI_VERSION) ||
      !bw_set_string(env, obj, "platform", BW_PLATFORM))
    return NULL;
  return obj;
}

/* node_api.h defines this inside NAPI_MODULE_INIT without a prototype. */
NAPI_MODULE_EXPORT int32_t NODE_API_MODULE_GET_API_VERSION(void);

NAPI_MODULE_INIT() {
  static const bw_export list[] = {
      {"info", js_info},
  };
  if (!bw_define_functions(env, exports, list, sizeof(list) / sizeof(list[0])) ||
      !bw_js_tree_init(env, exports) || !bw_js_job_init(env, exports) ||
      !bw_js_ports_init(env, exports) || !bw_js_firewall_init(env, exports) ||
      !bw_js_usage_init(env, exports))
    return NULL;
  return exports;
}
