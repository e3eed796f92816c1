/* Node-API binding for tree usage: treeUsage(pid[, startTime]) →
 * Promise<{ processes, cpuMs, rssBytes, ageMs, members }>, sampled on a
 * libuv pool thread (napi async work), never on the JS thread. The OS work
 * lives behind usage.h; cpuPercent is computed in lib/usage.js. And
 * processCommandLine(pid) → Promise<string[] | null> (cmdline.h), the
 * same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js.h"
#include "node/napi_util.h"
#include "usage/cmdline.h"
#include "usage/usage.h"

typedef struct usage_req {
  int64_t pid;
  double start_time;
  bw_usage usage;
} usage_req;

static void usage_execute(void* data, bw_error* err) {
  usage_req* req = data;
  bw_usage_tree(req->pid, req->start_time, &req->usage, err);
}

static napi_value member_to_js(napi_env env, const bw_usage_member* m) {
  napi_value obj;
  BW_CALL(env, napi_create_object(env, &obj));
  if (!bw_set_double(env, obj, "pid", (double)m->pid) ||
      !bw_set_double(env, obj, "ppid", (double)m->ppid) ||
      !bw_set_string(env, obj, "name", m->name) || !bw_set_double(env, obj, "cpuMs", m->cpu_ms) ||
      !bw_set_double(env, obj, "rssBytes", m->rss_bytes))
    return NULL;
  if (m->start_time < 0) {
    if (!bw_set_null(env, obj, "startTime")) return NULL;
  } else if (!bw_set_double(env, obj, "startTime", m->start_time)) {
    return NULL;
  }
  return obj;
}

static napi_value usage_to_js(napi_env env, void* data) {
  const bw_usage* u = &((usage_req*)data)->usage;
  napi_value obj, arr;
  size_t i;
  BW_CALL(env, napi_create_object(env, &obj));
  BW_CALL(env, napi_create_array_with_length(env, u->count, &arr));
  for (i = 0; i < u->count; i++) {
    napi_value item = member_to_js(env, &u->members[i]);
    if (item == NULL) return NULL;
    BW_CALL(env, napi_set_element(env, arr, (uint32_t)i, item));
  }
  if (!bw_set_double(env, obj, "processes", (double)u->count) ||
      !bw_set_double(env, obj, "cpuMs", u->cpu_ms) ||
      !bw_set_double(env, obj, "rssBytes", u->rss_bytes) ||
      !bw_set_double(env, obj, "ageMs", u->age_ms) || !bw_set_value(env, obj, "members", arr))
    return NULL;
  return obj;
}

static void usage_free(void* data) {
  usage_req* req = data;
  bw_usage_free(&req->usage);
  free(req);
}

static napi_value js_tree_usage(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  int64_t pid;
  double start_time = -1;
  char detail[32];
  usage_req* req;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!bw_arg_int64(env, argv[0], "pid", 1, (int64_t)BW_PID_MAX, &pid)) return NULL;
  if (!bw_is_nullish(env, argv[1])) {
    if (!bw_arg_double(env, argv[1], "startTime", &start_time)) return NULL;
    if (start_time < 0) start_time = -1;
  }
  req = bw_calloc(env, 1, sizeof(*req));
  if (req == NULL) return NULL;
  req->pid = pid;
  req->start_time = start_time;
  snprintf(detail, sizeof(detail), "%lld", (long long)pid);
  return bw_promise_work(env, "backend-warden:treeUsage", req, usage_execute, usage_to_js,
                         usage_free, detail);
}

typedef struct cmdline_req {
  int64_t pid;
  bw_cmdline cmdline;
} cmdline_req;

static void cmdline_execute(void* data, bw_error* err) {
  cmdline_req* req = data;
  bw_cmdline_get(req->pid, &req->cmdline, err);
}

static napi_value cmdline_to_js(napi_env env, void* data) {
  const bw_cmdline* c = &((cmdline_req*)data)->cmdline;
  napi_value arr;
  size_t i, at = 0;
  if (c->argc == 0) {
    BW_CALL(env, napi_get_null(env, &arr));
    return arr;
  }
  BW_CALL(env, napi_create_array_with_length(env, c->argc, &arr));
  for (i = 0; i < c->argc && at < c->len; i++) {
    napi_value s;
    size_t n = strlen(c->data + at);
    BW_CALL(env, napi_create_string_utf8(env, c->data + at, n, &s));
    BW_CALL(env, napi_set_element(env, arr, (uint32_t)i, s));
    at += n + 1;
  }
  return arr;
}

static void cmdline_free(void* data) {
  cmdline_req* req = data;
  bw_cmdline_free(&req->cmdline);
  free(req);
}

static napi_value js_process_command_line(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  int64_t pid;
  char detail[32];
  cmdline_req* req;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!bw_arg_int64(env, argv[0], "pid", 1, (int64_t)BW_PID_MAX, &pid)) return NULL;
  req = bw_calloc(env, 1, sizeof(*req));
  if (req == NULL) return NULL;
  req->pid = pid;
  snprintf(detail, sizeof(detail), "%lld", (long long)pid);
  return bw_promise_work(env, "backend-warden:processCommandLine", req, cmdline_execute,
                         cmdline_to_js, cmdline_free, detail);
}

bool bw_js_usage_init(napi_env env, napi_value exports) {
  static const bw_export list[] = {
      {"treeUsage", js_tree_usage},
      {"processCommandLine", js_process_command_line},
  };
  return bw_define_functions(env, exports, list, sizeof(list) / sizeof(list[0]));
}
