/* The capability bindings addon.c registers; each adds its functions to
 * exports and returns false with an exception pending on failure. */
#ifndef BW_JS_H
#define BW_JS_H

#include <node_api.h>
#include <stdbool.h>

bool bw_js_tree_init(napi_env env, napi_value exports);
/* Platform-only functions (js_platform_win.c: job objects; js_platform_posix.c: none). */
bool bw_js_platform_init(napi_env env, napi_value exports);
bool bw_js_ports_init(napi_env env, napi_value exports);
bool bw_js_firewall_init(napi_env env, napi_value exports);

#endif
