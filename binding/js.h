/* The concerns' Node-API bindings addon.c registers (<concern>/js_*.c); each
 * adds its functions to exports and returns false with an exception pending
 * on failure. */
#ifndef BW_JS_H
#define BW_JS_H

#include <node_api.h>
#include <stdbool.h>

bool bw_js_tree_init(napi_env env, napi_value exports);
/* Job objects: job/js_job_win.c on Windows, job/js_job_none.c (none) elsewhere. */
bool bw_js_job_init(napi_env env, napi_value exports);
bool bw_js_ports_init(napi_env env, napi_value exports);
bool bw_js_firewall_init(napi_env env, napi_value exports);
/* Tree usage: usage/js_usage.c over usage_<os>.c. */
bool bw_js_usage_init(napi_env env, napi_value exports);

#endif
