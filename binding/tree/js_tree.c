/* Node-API binding for process trees: argument checks, async work, results.
 * The OS work lives behind tree.h. */
#include <stdio.h>
#include <stdlib.h>

#include "js.h"
#include "node/napi_util.h"
#include "tree/tree.h"

/* --- processInfo(pid) → Promise<{ pid, ppid, name, startTime }> ------- */

typedef struct proc_info_req {
  int64_t pid;
  bw_proc_info info;
} proc_info_req;

static void proc_info_execute(void* data, bw_error* err) {
  proc_info_req* req = data;
  bw_proc_info_get(req->pid, &req->info, err);
}

static napi_value proc_to_js(napi_env env, const bw_proc_info* p);

static napi_value proc_info_to_js(napi_env env, void* data) {
  return proc_to_js(env, &((proc_info_req*)data)->info);
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
  req = bw_calloc(env, 1, sizeof(*req));
  if (req == NULL) return NULL;
  req->pid = pid;
  snprintf(detail, sizeof(detail), "%lld", (long long)pid);
  return bw_promise_work(env, "backend-warden:processInfo", req, proc_info_execute, proc_info_to_js,
                         free, detail);
}

/* --- listTree(pid[, startTime]) → Promise<[{ pid, ppid, name, startTime }]> */

typedef struct list_req {
  int64_t pid;
  double start_time;
  bw_proc_list list;
} list_req;

static void list_execute(void* data, bw_error* err) {
  list_req* req = data;
  bw_tree_list(req->pid, req->start_time, &req->list, err);
}

static napi_value proc_to_js(napi_env env, const bw_proc_info* p) {
  napi_value obj;
  BW_CALL(env, napi_create_object(env, &obj));
  if (!bw_set_double(env, obj, "pid", (double)p->pid) ||
      !bw_set_double(env, obj, "ppid", (double)p->ppid) ||
      !bw_set_string(env, obj, "name", p->name))
    return NULL;
  if (p->start_time < 0) {
    if (!bw_set_null(env, obj, "startTime")) return NULL;
  } else if (!bw_set_double(env, obj, "startTime", p->start_time)) {
    return NULL;
  }
  return obj;
}

static napi_value list_to_js(napi_env env, void* data) {
  list_req* req = data;
  napi_value arr;
  size_t i;
  BW_CALL(env, napi_create_array_with_length(env, req->list.count, &arr));
  for (i = 0; i < req->list.count; i++) {
    napi_value item = proc_to_js(env, &req->list.items[i]);
    if (item == NULL) return NULL;
    BW_CALL(env, napi_set_element(env, arr, (uint32_t)i, item));
  }
  return arr;
}

static void list_free(void* data) {
  list_req* req = data;
  bw_proc_list_free(&req->list);
  free(req);
}

/* Reads the optional identity argument: undefined/null/-1 means none. */
static bool arg_start_time(napi_env env, napi_value v, double* out) {
  *out = -1;
  if (bw_is_nullish(env, v)) return true;
  if (!bw_arg_double(env, v, "startTime", out)) return false;
  if (*out < 0) *out = -1;
  return true;
}

static napi_value js_list_tree(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  int64_t pid;
  double start_time;
  char detail[32];
  list_req* req;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!bw_arg_int64(env, argv[0], "pid", 1, (int64_t)BW_PID_MAX, &pid) ||
      !arg_start_time(env, argv[1], &start_time))
    return NULL;
  req = bw_calloc(env, 1, sizeof(*req));
  if (req == NULL) return NULL;
  req->pid = pid;
  req->start_time = start_time;
  snprintf(detail, sizeof(detail), "%lld", (long long)pid);
  return bw_promise_work(env, "backend-warden:listTree", req, list_execute, list_to_js, list_free,
                         detail);
}

/* --- killTree(pid, signal, graceMs, startTime) → Promise<result> -------- */

typedef struct kill_req {
  int64_t pid;
  bw_kill_opts opts;
  bw_kill_result result;
} kill_req;

static void kill_execute(void* data, bw_error* err) {
  kill_req* req = data;
  bw_tree_kill(req->pid, &req->opts, &req->result, err);
}

static napi_value pids_to_js(napi_env env, const int64_t* pids, size_t count) {
  napi_value arr;
  size_t i;
  BW_CALL(env, napi_create_array_with_length(env, count, &arr));
  for (i = 0; i < count; i++) {
    napi_value v;
    BW_CALL(env, napi_create_double(env, (double)pids[i], &v));
    BW_CALL(env, napi_set_element(env, arr, (uint32_t)i, v));
  }
  return arr;
}

static napi_value kill_result_to_js(napi_env env, const bw_kill_result* r) {
  napi_value obj, killed, survivors;
  BW_CALL(env, napi_create_object(env, &obj));
  killed = pids_to_js(env, r->killed, r->killed_count);
  if (killed == NULL) return NULL;
  survivors = pids_to_js(env, r->survivors, r->survivor_count);
  if (survivors == NULL) return NULL;
  if (!bw_set_value(env, obj, "killed", killed) || !bw_set_bool(env, obj, "forced", r->forced) ||
      !bw_set_value(env, obj, "survivors", survivors) ||
      !bw_set_bool(env, obj, "complete", r->complete))
    return NULL;
  return obj;
}

static napi_value kill_to_js(napi_env env, void* data) {
  return kill_result_to_js(env, &((kill_req*)data)->result);
}

static void kill_free(void* data) {
  kill_req* req = data;
  bw_kill_result_free(&req->result);
  free(req);
}

static bool read_kill_args(napi_env env, napi_callback_info info, int64_t grace_max, int64_t* pid,
                           bw_kill_opts* opts) {
  size_t argc = 4;
  napi_value argv[4] = {NULL, NULL, NULL, NULL};
  int64_t sig = 0, grace = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    bw_throw_napi_failure(env, napi_generic_failure, "napi_get_cb_info");
    return false;
  }
  bw_kill_opts_init(opts);
  if (!bw_arg_int64(env, argv[0], "pid", 1, (int64_t)BW_PID_MAX, pid) ||
      !bw_arg_int64(env, argv[1], "signal", 1, 64, &sig) ||
      !bw_arg_int64(env, argv[2], "graceMs", 0, grace_max, &grace) ||
      !arg_start_time(env, argv[3], &opts->start_time))
    return false;
  opts->signal = (int)sig;
  opts->grace_ms = grace;
  return true;
}

static napi_value js_kill_tree(napi_env env, napi_callback_info info) {
  char detail[32];
  kill_req* req = bw_calloc(env, 1, sizeof(*req));
  if (req == NULL) return NULL;
  if (!read_kill_args(env, info, 2147483647, &req->pid, &req->opts)) {
    free(req);
    return NULL;
  }
  snprintf(detail, sizeof(detail), "%lld", (long long)req->pid);
  return bw_promise_work(env, "backend-warden:killTree", req, kill_execute, kill_to_js, kill_free,
                         detail);
}

/* killTreeSync(pid, signal, graceMs, startTime): the same on the JS thread,
 * for process 'exit' handlers where nothing asynchronous runs. The JS layer
 * passes graceMs 0 (force at once); a grace beyond BW_SYNC_GRACE_MAX would
 * freeze the host's event loop, so it is refused. */
#define BW_SYNC_GRACE_MAX 1000
static napi_value js_kill_tree_sync(napi_env env, napi_callback_info info) {
  int64_t pid;
  bw_kill_opts opts;
  bw_kill_result result;
  bw_error err;
  napi_value out;
  char detail[32];
  bw_error_clear(&err);
  if (!read_kill_args(env, info, BW_SYNC_GRACE_MAX, &pid, &opts)) return NULL;
  opts.force_wait_ms = 1000;
  if (!bw_tree_kill(pid, &opts, &result, &err)) {
    snprintf(detail, sizeof(detail), "%lld", (long long)pid);
    bw_throw_system_error(env, &err, detail);
    return NULL;
  }
  out = kill_result_to_js(env, &result);
  bw_kill_result_free(&result);
  return out;
}

bool bw_js_tree_init(napi_env env, napi_value exports) {
  static const bw_export list[] = {
      {"processInfo", js_process_info},
      {"listTree", js_list_tree},
      {"killTree", js_kill_tree},
      {"killTreeSync", js_kill_tree_sync},
  };
  return bw_define_functions(env, exports, list, sizeof(list) / sizeof(list[0]));
}
