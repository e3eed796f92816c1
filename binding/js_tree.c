/* Node-API binding for process trees: argument checks, async work, results.
 * The OS work lives behind tree.h. */
#include <stdio.h>
#include <stdlib.h>

#include "js.h"
#include "napi_util.h"
#include "tree.h"

#define BW_PID_MAX 4294967295.0

/* --- processInfo(pid) → Promise<{ pid, ppid, name, startTime }> ------- */

typedef struct proc_info_req {
  int64_t pid;
  bw_proc_info info;
} proc_info_req;

static void proc_info_execute(void* data, bw_error* err) {
  proc_info_req* req = data;
  bw_proc_info_get(req->pid, &req->info, err);
}

static napi_value proc_info_to_js(napi_env env, void* data) {
  proc_info_req* req = data;
  napi_value obj;
  BW_CALL(env, napi_create_object(env, &obj));
  if (!bw_set_double(env, obj, "pid", (double)req->info.pid) ||
      !bw_set_double(env, obj, "ppid", (double)req->info.ppid) ||
      !bw_set_string(env, obj, "name", req->info.name))
    return NULL;
  if (req->info.start_time < 0) {
    if (!bw_set_null(env, obj, "startTime")) return NULL;
  } else if (!bw_set_double(env, obj, "startTime", req->info.start_time)) {
    return NULL;
  }
  return obj;
}

static napi_value js_process_info(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t pid;
  char detail[32];
  proc_info_req* req;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!bw_arg_int64(env, argc > 0 ? argv[0] : NULL, "pid", 1, (int64_t)BW_PID_MAX, &pid))
    return NULL;
  req = calloc(1, sizeof(*req));
  if (req == NULL) {
    napi_throw_error(env, "ENOMEM", "ENOMEM: out of memory, calloc");
    return NULL;
  }
  req->pid = pid;
  snprintf(detail, sizeof(detail), "%lld", (long long)pid);
  return bw_promise_work(env, "backend-warden:processInfo", req, proc_info_execute,
                         proc_info_to_js, free, detail);
}

bool bw_js_tree_init(napi_env env, napi_value exports) {
  static const bw_export list[] = {
      {"processInfo", js_process_info},
  };
  return bw_define_functions(env, exports, list, sizeof(list) / sizeof(list[0]));
}
