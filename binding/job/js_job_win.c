/* Node-API binding for job objects (Windows only): the job-object
 * supervised spawn (job_win.c) for the JS tree layer. Each job's JS handle
 * is a type-tagged object wrapping it, as the port waiters' are; its waiter
 * thread reports through a thread-safe function. The job dies with the
 * environment (cleanup hook) or with its handle (finalizer), whichever
 * comes first: closing the job handle kills whatever still runs in it. */
#include <windows.h>

#include <stdlib.h>
#include <string.h>

#include "job/job.h"
#include "js.h"
#include "node/napi_util.h"

typedef struct js_job {
  bw_job* job;
  napi_env env;
  napi_threadsafe_function tsfn;
  bool done; /* job destroyed, tsfn released */
} js_job;

typedef struct job_msg {
  bw_job_event event;
  uint32_t code;
} job_msg;

static void job_finish(js_job* j) {
  if (j->done) return;
  j->done = true;
  bw_job_destroy(j->job); /* joins the waiter thread first */
  j->job = NULL;
  napi_release_threadsafe_function(j->tsfn, napi_tsfn_release);
}

static void env_cleanup(void* arg) {
  job_finish(arg);
}

static const napi_type_tag job_tag = {0x62776a6f62686e64ULL, 0x6c65000000000001ULL};

static void handle_finalize(napi_env env, void* data, void* hint) {
  js_job* j = data;
  (void)hint;
  job_finish(j);
  napi_remove_env_cleanup_hook(env, env_cleanup, j);
  free(j);
}

static void notify(void* ctx, bw_job_event event, uint32_t code) {
  js_job* j = ctx;
  job_msg* m = malloc(sizeof(*m));
  if (m == NULL) return;
  m->event = event;
  m->code = code;
  /* Unbounded queue, so this never blocks the waiter thread. */
  if (napi_call_threadsafe_function(j->tsfn, m, napi_tsfn_nonblocking) != napi_ok) free(m);
}

static void call_js(napi_env env, napi_value cb, void* context, void* data) {
  job_msg* m = data;
  napi_value argv[2], undefined;
  (void)context;
  if (env != NULL && cb != NULL) {
    napi_create_string_utf8(env,
                            m->event == BW_JOB_EXIT    ? "exit"
                            : m->event == BW_JOB_LIMIT ? "limit"
                                                       : "close",
                            NAPI_AUTO_LENGTH, &argv[0]);
    napi_create_uint32(env, m->code, &argv[1]);
    napi_get_undefined(env, &undefined);
    napi_call_function(env, undefined, cb, 2, argv, NULL);
  }
  free(m);
}

/* UTF-8 JS string (or null) to a malloc'ed wide string. */
static bool arg_wide(napi_env env, napi_value v, const char* name, bool nullable, wchar_t** out) {
  char* utf8 = NULL;
  int n;
  *out = NULL;
  if (nullable && bw_is_nullish(env, v)) return true;
  if (!bw_arg_string(env, v, name, 65535, &utf8)) return false;
  n = MultiByteToWideChar(CP_UTF8, 0, utf8, -1, NULL, 0);
  *out = malloc((size_t)(n > 0 ? n : 1) * sizeof(wchar_t));
  if (*out == NULL) {
    free(utf8);
    bw_throw_enomem(env, "malloc");
    return false;
  }
  if (n <= 0)
    (*out)[0] = L'\0';
  else
    MultiByteToWideChar(CP_UTF8, 0, utf8, -1, *out, n);
  free(utf8);
  return true;
}

/* ["K=V", ...] to a double-NUL-terminated UTF-16 block (the caller sorts). */
static bool arg_env_block(napi_env env, napi_value v, wchar_t** out) {
  uint32_t len = 0, i;
  size_t total = 1, used = 0;
  bool is_array = false;
  wchar_t* block;
  *out = NULL;
  if (bw_is_nullish(env, v)) return true;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array) {
    bw_throw_invalid_arg_type(env, "env", "an instance of Array", v);
    return false;
  }
  napi_get_array_length(env, v, &len);
  block = malloc(sizeof(wchar_t));
  if (block == NULL) goto oom;
  for (i = 0; i < len; i++) {
    napi_value item;
    wchar_t* w;
    size_t n;
    wchar_t* grown;
    if (napi_get_element(env, v, i, &item) != napi_ok ||
        !arg_wide(env, item, "env[i]", false, &w)) {
      free(block);
      return false;
    }
    n = wcslen(w) + 1;
    total += n;
    grown = realloc(block, total * sizeof(wchar_t));
    if (grown == NULL) {
      free(w);
      free(block);
      goto oom;
    }
    block = grown;
    memcpy(block + used, w, n * sizeof(wchar_t));
    used += n;
    free(w);
  }
  block[used] = L'\0';
  if (used == 0) {
    /* An empty environment still needs two terminators. */
    wchar_t* grown = realloc(block, 2 * sizeof(wchar_t));
    if (grown == NULL) {
      free(block);
      goto oom;
    }
    block = grown;
    block[0] = block[1] = L'\0';
  }
  *out = block;
  return true;
oom:
  bw_throw_enomem(env, "realloc");
  return false;
}

/* A stdio argument: a pipe path string, null (NUL device) or true (the
 * host's own handle). */
static bool arg_stdio(napi_env env, napi_value v, const char* name, wchar_t** path, bool* inherit) {
  napi_valuetype t;
  *inherit = false;
  *path = NULL;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_boolean) {
    return bw_arg_bool(env, v, name, inherit);
  }
  return arg_wide(env, v, name, true, path);
}

static js_job* unwrap(napi_env env, napi_value v) {
  void* data = NULL;
  napi_valuetype t;
  bool tagged = false;
  if (v == NULL || napi_typeof(env, v, &t) != napi_ok || t != napi_object ||
      napi_check_object_type_tag(env, v, &job_tag, &tagged) != napi_ok || !tagged ||
      napi_unwrap(env, v, &data) != napi_ok || data == NULL) {
    bw_throw_invalid_arg_type(env, "handle", "a job handle", v);
    return NULL;
  }
  return data;
}

/* jobSpawn(app, cmdline, cwd, env, stdin, stdout, stderr, onEvent[,
 *   memoryLimit]) → { handle, pid, startTime }. onEvent(kind, code): 'exit'
 *   (the root's exit code), 'limit' (the PID refused memory), 'close'. */
static napi_value js_job_spawn(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9] = {NULL}, result = NULL, handle, name;
  int64_t memory_limit = 0;
  bw_job_spawn_opts o;
  wchar_t *app = NULL, *cmdline = NULL, *cwd = NULL, *block = NULL, *stdio[3] = {NULL, NULL, NULL};
  js_job* j = NULL;
  uint32_t pid = 0;
  double start = -1;
  bw_error err;
  napi_valuetype t;
  int i;
  bw_error_clear(&err);
  memset(&o, 0, sizeof(o));
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!arg_wide(env, argv[0], "app", false, &app) ||
      !arg_wide(env, argv[1], "cmdline", false, &cmdline) ||
      !arg_wide(env, argv[2], "cwd", true, &cwd) || !arg_env_block(env, argv[3], &block))
    goto done;
  for (i = 0; i < 3; i++)
    if (!arg_stdio(env, argv[4 + i], "stdio", &stdio[i], &o.inherit[i])) goto done;
  if (argv[7] == NULL || napi_typeof(env, argv[7], &t) != napi_ok || t != napi_function) {
    bw_throw_invalid_arg_type(env, "onEvent", "of type function", argv[7]);
    goto done;
  }
  /* argv[8]: the job's memory limit in bytes (observe), or nothing. */
  if (!bw_is_nullish(env, argv[8]) &&
      !bw_arg_int64(env, argv[8], "memoryLimit", 0, INT64_C(9007199254740991), &memory_limit))
    goto done;
  o.memory_limit = (uint64_t)memory_limit;
  j = calloc(1, sizeof(*j));
  if (j == NULL) {
    bw_throw_enomem(env, "calloc");
    goto done;
  }
  j->env = env;
  BW_CALL_GOTO(env, napi_create_string_utf8(env, "backend-warden:job", NAPI_AUTO_LENGTH, &name),
               done);
  BW_CALL_GOTO(env,
               napi_create_threadsafe_function(env, argv[7], NULL, name, 0, 1, NULL, NULL, NULL,
                                               call_js, &j->tsfn),
               done);
  o.app = app;
  o.cmdline = cmdline;
  o.cwd = cwd;
  o.env = block;
  for (i = 0; i < 3; i++) o.stdio[i] = stdio[i];
  o.notify = notify;
  o.ctx = j;
  if (!bw_job_spawn(&o, &j->job, &pid, &start, &err)) {
    napi_release_threadsafe_function(j->tsfn, napi_tsfn_abort);
    bw_throw_system_error(env, &err, NULL);
    goto done;
  }
  if (napi_create_object(env, &handle) != napi_ok ||
      napi_type_tag_object(env, handle, &job_tag) != napi_ok ||
      napi_wrap(env, handle, j, handle_finalize, NULL, NULL) != napi_ok) {
    job_finish(j);
    bw_throw_napi_failure(env, napi_generic_failure, "napi_wrap");
    goto done;
  }
  napi_add_env_cleanup_hook(env, env_cleanup, j);
  j = NULL; /* owned by the handle now */
  BW_CALL_GOTO(env, napi_create_object(env, &result), done);
  if (!bw_set_value(env, result, "handle", handle) || !bw_set_double(env, result, "pid", pid) ||
      !bw_set_double(env, result, "startTime", start))
    result = NULL;

done:
  free(j);
  free(app);
  free(cmdline);
  free(cwd);
  free(block);
  for (i = 0; i < 3; i++) free(stdio[i]);
  return result;
}

static napi_value js_job_ask_to_stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL}, out;
  js_job* j;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if ((j = unwrap(env, argv[0])) == NULL) return NULL;
  BW_CALL(env, napi_get_boolean(env, !j->done && bw_job_ask_to_stop(j->job), &out));
  return out;
}

static napi_value js_job_terminate(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  js_job* j;
  int64_t code;
  bw_error err;
  bw_error_clear(&err);
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if ((j = unwrap(env, argv[0])) == NULL ||
      !bw_arg_int64(env, argv[1], "exitCode", 0, 0xFFFFFFFFLL, &code))
    return NULL;
  if (!j->done && !bw_job_terminate(j->job, (uint32_t)code, &err)) {
    bw_throw_system_error(env, &err, NULL);
    return NULL;
  }
  return NULL;
}

static napi_value js_job_pids(napi_env env, napi_callback_info info) {
  size_t argc = 1, n = 0, i;
  napi_value argv[1] = {NULL}, arr;
  js_job* j;
  uint32_t* pids;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if ((j = unwrap(env, argv[0])) == NULL) return NULL;
  pids = bw_calloc(env, 1024, sizeof(uint32_t));
  if (pids == NULL) return NULL;
  if (!j->done) n = bw_job_pids(j->job, pids, 1024);
  if (napi_create_array_with_length(env, n, &arr) != napi_ok) arr = NULL;
  for (i = 0; arr != NULL && i < n; i++) {
    napi_value v;
    if (napi_create_uint32(env, pids[i], &v) != napi_ok ||
        napi_set_element(env, arr, (uint32_t)i, v) != napi_ok)
      arr = NULL;
  }
  free(pids);
  if (arr == NULL) bw_throw_napi_failure(env, napi_generic_failure, "jobPids");
  return arr;
}

/* jobMessages(handle) → how many job messages the waiter has drained. */
static napi_value js_job_messages(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL}, out;
  js_job* j;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if ((j = unwrap(env, argv[0])) == NULL) return NULL;
  BW_CALL(env, napi_create_double(env, j->done ? 0 : (double)bw_job_messages(j->job), &out));
  return out;
}

static napi_value js_job_wait_root(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL}, out;
  js_job* j;
  int64_t ms;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if ((j = unwrap(env, argv[0])) == NULL || !bw_arg_int64(env, argv[1], "ms", 0, 60000, &ms))
    return NULL;
  BW_CALL(env, napi_get_boolean(env, j->done || bw_job_wait_root(j->job, (uint32_t)ms), &out));
  return out;
}

static napi_value js_job_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  js_job* j;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if ((j = unwrap(env, argv[0])) == NULL) return NULL;
  job_finish(j);
  return NULL;
}

/* jobUsage(handle) → { cpuMs, activeProcesses, totalProcesses,
 * peakMemoryBytes, memoryLimitBytes, memoryLimitHit, memoryAtLimitBytes }:
 * the job's own accounting and limit (observe). memoryLimitBytes is what
 * the job reports back (null: no memory limit). */
static napi_value js_job_usage(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL}, out;
  js_job* j;
  bw_job_usage u;
  bw_error err;
  bw_error_clear(&err);
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if ((j = unwrap(env, argv[0])) == NULL) return NULL;
  memset(&u, 0, sizeof(u));
  if (!j->done && !bw_job_get_usage(j->job, &u, &err)) {
    bw_throw_system_error(env, &err, NULL);
    return NULL;
  }
  BW_CALL(env, napi_create_object(env, &out));
  if (!bw_set_double(env, out, "cpuMs", u.cpu_ms) ||
      !bw_set_double(env, out, "activeProcesses", (double)u.active) ||
      !bw_set_double(env, out, "totalProcesses", (double)u.total) ||
      !bw_set_double(env, out, "peakMemoryBytes", u.peak_memory) ||
      !(u.memory_limit > 0 ? bw_set_double(env, out, "memoryLimitBytes", u.memory_limit)
                           : bw_set_null(env, out, "memoryLimitBytes")) ||
      !bw_set_bool(env, out, "memoryLimitHit", u.memory_limit_hit) ||
      !bw_set_double(env, out, "memoryAtLimitBytes", u.memory_at_hit))
    return NULL;
  return out;
}

bool bw_js_job_init(napi_env env, napi_value exports) {
  static const bw_export list[] = {
      {"jobSpawn", js_job_spawn},         {"jobAskToStop", js_job_ask_to_stop},
      {"jobTerminate", js_job_terminate}, {"jobPids", js_job_pids},
      {"jobWaitRoot", js_job_wait_root},  {"jobClose", js_job_close},
      {"jobUsage", js_job_usage},         {"jobMessages", js_job_messages},
  };
  return bw_define_functions(env, exports, list, sizeof(list) / sizeof(list[0]));
}
