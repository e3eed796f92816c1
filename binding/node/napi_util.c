/* Shared Node-API plumbing; see napi_util.h. */
#include "node/napi_util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- errors ------------------------------------------------------------ */

void bw_throw_napi_failure(napi_env env, napi_status status, const char* call) {
  bool pending = false;
  const napi_extended_error_info* info = NULL;
  char msg[256];
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return;
  napi_get_last_error_info(env, &info);
  snprintf(msg, sizeof(msg), "Node-API call failed (%d: %s): %s", (int)status,
           info && info->error_message ? info->error_message : "unknown", call);
  napi_throw_error(env, "ERR_NAPI_CALL_FAILED", msg);
}

/* Describes a received value the way Node's ERR_INVALID_ARG_TYPE does. */
static void describe_received(napi_env env, napi_value v, char* buf, size_t size) {
  napi_valuetype t = napi_undefined;
  char text[40];
  size_t len = 0;
  if (v == NULL || napi_typeof(env, v, &t) != napi_ok) t = napi_undefined;
  switch (t) {
    case napi_undefined:
      snprintf(buf, size, "Received undefined");
      return;
    case napi_null:
      snprintf(buf, size, "Received null");
      return;
    case napi_boolean: {
      bool b = false;
      napi_get_value_bool(env, v, &b);
      snprintf(buf, size, "Received type boolean (%s)", b ? "true" : "false");
      return;
    }
    case napi_number: {
      double d = 0;
      napi_get_value_double(env, v, &d);
      snprintf(buf, size, "Received type number (%.17g)", d);
      return;
    }
    case napi_string:
      if (napi_get_value_string_utf8(env, v, text, sizeof(text), &len) != napi_ok) len = 0;
      text[len] = '\0';
      snprintf(buf, size, "Received type string ('%s%s')", text,
               len >= sizeof(text) - 1 ? "..." : "");
      return;
    case napi_function:
      snprintf(buf, size, "Received function");
      return;
    case napi_object:
      snprintf(buf, size, "Received an instance of Object");
      return;
    case napi_symbol:
      snprintf(buf, size, "Received type symbol");
      return;
    case napi_bigint:
      snprintf(buf, size, "Received type bigint");
      return;
    default:
      snprintf(buf, size, "Received type %d", (int)t);
      return;
  }
}

void bw_throw_coded(napi_env env, const char* ctor, const char* code, const char* message) {
  if (strcmp(ctor, "TypeError") == 0)
    napi_throw_type_error(env, code, message);
  else if (strcmp(ctor, "RangeError") == 0)
    napi_throw_range_error(env, code, message);
  else
    napi_throw_error(env, code, message);
}

void bw_throw_invalid_arg_type(napi_env env, const char* name, const char* expected,
                               napi_value actual) {
  char received[96];
  char msg[256];
  describe_received(env, actual, received, sizeof(received));
  snprintf(msg, sizeof(msg), "The \"%s\" argument must be of type %s. %s", name, expected,
           received);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
}

void bw_throw_out_of_range(napi_env env, const char* name, const char* range, napi_value actual) {
  char received[96];
  char msg[256];
  double d = 0;
  if (actual && napi_get_value_double(env, actual, &d) == napi_ok)
    snprintf(received, sizeof(received), "Received %.17g", d);
  else
    describe_received(env, actual, received, sizeof(received));
  snprintf(msg, sizeof(msg), "The value of \"%s\" is out of range. It must be %s. %s", name, range,
           received);
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
}

napi_value bw_system_error(napi_env env, const bw_error* err, const char* detail) {
  bw_error_text text;
  char msg[768];
  napi_value code, message, error, errnum;
  bw_error_describe(err, &text);
  if (err->kind == BW_ERR_LIB)
    snprintf(msg, sizeof(msg), "%s: %s%s%s%s%s", text.code, text.message, err->syscall ? ", " : "",
             err->syscall ? err->syscall : "", detail ? " " : "", detail ? detail : "");
  else
    snprintf(msg, sizeof(msg), "%s: %s, %s%s%s", text.code, text.message,
             err->syscall ? err->syscall : "unknown", detail ? " " : "", detail ? detail : "");
  BW_CALL(env, napi_create_string_utf8(env, text.code, NAPI_AUTO_LENGTH, &code));
  BW_CALL(env, napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message));
  BW_CALL(env, napi_create_error(env, code, message, &error));
  if (err->kind != BW_ERR_LIB) {
    BW_CALL(env, napi_create_double(env, text.errnum, &errnum));
    BW_CALL(env, napi_set_named_property(env, error, "errno", errnum));
  }
  if (err->syscall && !bw_set_string(env, error, "syscall", err->syscall)) return NULL;
  if (err->kind == BW_ERR_HRESULT) {
    char hex[16];
    snprintf(hex, sizeof(hex), "0x%08lx", (unsigned long)(uint32_t)err->num);
    if (!bw_set_string(env, error, "hresult", hex)) return NULL;
  }
  return error;
}

void bw_throw_system_error(napi_env env, const bw_error* err, const char* detail) {
  napi_value e = bw_system_error(env, err, detail);
  if (e != NULL) napi_throw(env, e);
}

void bw_throw_enomem(napi_env env, const char* syscall) {
  bw_error err;
  bw_error_set(&err, BW_ERR_POSIX, ENOMEM, syscall);
  bw_throw_system_error(env, &err, NULL);
}

void* bw_calloc(napi_env env, size_t count, size_t size) {
  void* p = calloc(count, size);
  if (p == NULL) bw_throw_enomem(env, "calloc");
  return p;
}

/* --- arguments --------------------------------------------------------- */

static bool is_type(napi_env env, napi_value v, napi_valuetype want) {
  napi_valuetype t;
  return v != NULL && napi_typeof(env, v, &t) == napi_ok && t == want;
}

bool bw_is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  if (v == NULL) return true;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  return t == napi_undefined || t == napi_null;
}

bool bw_arg_double(napi_env env, napi_value v, const char* name, double* out) {
  if (!is_type(env, v, napi_number)) {
    bw_throw_invalid_arg_type(env, name, "number", v);
    return false;
  }
  if (napi_get_value_double(env, v, out) != napi_ok) {
    bw_throw_invalid_arg_type(env, name, "number", v);
    return false;
  }
  return true;
}

bool bw_arg_int64(napi_env env, napi_value v, const char* name, int64_t min, int64_t max,
                  int64_t* out) {
  double d;
  char range[96];
  if (!bw_arg_double(env, v, name, &d)) return false;
  if (!isfinite(d) || floor(d) != d || d < (double)min || d > (double)max) {
    if (!isfinite(d) || floor(d) != d)
      snprintf(range, sizeof(range), "an integer");
    else
      snprintf(range, sizeof(range), ">= %lld && <= %lld", (long long)min, (long long)max);
    bw_throw_out_of_range(env, name, range, v);
    return false;
  }
  *out = (int64_t)d;
  return true;
}

bool bw_arg_bool(napi_env env, napi_value v, const char* name, bool* out) {
  if (!is_type(env, v, napi_boolean) || napi_get_value_bool(env, v, out) != napi_ok) {
    bw_throw_invalid_arg_type(env, name, "boolean", v);
    return false;
  }
  return true;
}

bool bw_arg_string(napi_env env, napi_value v, const char* name, size_t max_len, char** out) {
  size_t len = 0;
  char* buf;
  char msg[160];
  *out = NULL;
  if (!is_type(env, v, napi_string) ||
      napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    bw_throw_invalid_arg_type(env, name, "string", v);
    return false;
  }
  if (len > max_len) {
    snprintf(msg, sizeof(msg), "The \"%s\" argument must be at most %zu bytes long", name, max_len);
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
    return false;
  }
  buf = malloc(len + 1);
  if (buf == NULL) {
    bw_throw_enomem(env, "malloc");
    return false;
  }
  if (napi_get_value_string_utf8(env, v, buf, len + 1, &len) != napi_ok) {
    free(buf);
    bw_throw_invalid_arg_type(env, name, "string", v);
    return false;
  }
  if (strlen(buf) != len) {
    free(buf);
    snprintf(msg, sizeof(msg), "The argument '%s' must be a string without null bytes", name);
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", msg);
    return false;
  }
  *out = buf;
  return true;
}

bool bw_get_prop(napi_env env, napi_value obj, const char* key, napi_value* out, bool* present) {
  napi_value v;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) {
    bw_throw_napi_failure(env, napi_generic_failure, "napi_get_named_property");
    return false;
  }
  *present = !is_type(env, v, napi_undefined);
  *out = v;
  return true;
}

/* --- results ------------------------------------------------------------ */

bool bw_set_value(napi_env env, napi_value obj, const char* key, napi_value v) {
  napi_status s = napi_set_named_property(env, obj, key, v);
  if (s != napi_ok) bw_throw_napi_failure(env, s, "napi_set_named_property");
  return s == napi_ok;
}

bool bw_set_double(napi_env env, napi_value obj, const char* key, double d) {
  napi_value v;
  napi_status s = napi_create_double(env, d, &v);
  if (s != napi_ok) {
    bw_throw_napi_failure(env, s, "napi_create_double");
    return false;
  }
  return bw_set_value(env, obj, key, v);
}

bool bw_set_bool(napi_env env, napi_value obj, const char* key, bool b) {
  napi_value v;
  napi_status s = napi_get_boolean(env, b, &v);
  if (s != napi_ok) {
    bw_throw_napi_failure(env, s, "napi_get_boolean");
    return false;
  }
  return bw_set_value(env, obj, key, v);
}

bool bw_set_string(napi_env env, napi_value obj, const char* key, const char* str) {
  napi_value v;
  napi_status s = napi_create_string_utf8(env, str, NAPI_AUTO_LENGTH, &v);
  if (s != napi_ok) {
    bw_throw_napi_failure(env, s, "napi_create_string_utf8");
    return false;
  }
  return bw_set_value(env, obj, key, v);
}

bool bw_set_null(napi_env env, napi_value obj, const char* key) {
  napi_value v;
  napi_status s = napi_get_null(env, &v);
  if (s != napi_ok) {
    bw_throw_napi_failure(env, s, "napi_get_null");
    return false;
  }
  return bw_set_value(env, obj, key, v);
}

/* --- async work returning a Promise ---------------------------------- */

typedef struct bw_work {
  napi_async_work work;
  napi_deferred deferred;
  void* data;
  bw_execute_fn execute;
  bw_to_js_fn to_js;
  bw_free_fn free_data;
  bw_error err;
  char detail[128];
} bw_work;

static void work_execute(napi_env env, void* arg) {
  bw_work* w = arg;
  (void)env;
  w->execute(w->data, &w->err);
}

static void work_complete(napi_env env, napi_status status, void* arg) {
  bw_work* w = arg;
  napi_value result = NULL;
  napi_value exc = NULL;
  bool pending = false;

  /* env is NULL-safe here: at teardown Node cancels queued work and still
   * calls complete with napi_cancelled; nothing may reach JS then. */
  if (status == napi_cancelled || env == NULL) goto done;

  if (w->err.kind != BW_OK) {
    result = bw_system_error(env, &w->err, w->detail[0] ? w->detail : NULL);
    if (result != NULL) napi_reject_deferred(env, w->deferred, result);
  } else {
    result = w->to_js(env, w->data);
    if (result != NULL) napi_resolve_deferred(env, w->deferred, result);
  }
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending &&
      napi_get_and_clear_last_exception(env, &exc) == napi_ok) {
    napi_reject_deferred(env, w->deferred, exc);
  }

done:
  if (env != NULL) napi_delete_async_work(env, w->work);
  if (w->free_data) w->free_data(w->data);
  free(w);
}

napi_value bw_promise_work(napi_env env, const char* name, void* data, bw_execute_fn execute,
                           bw_to_js_fn to_js, bw_free_fn free_data, const char* error_detail) {
  napi_value promise = NULL, resource_name;
  bw_work* w = calloc(1, sizeof(*w));
  if (w == NULL) {
    if (free_data) free_data(data);
    bw_throw_enomem(env, "calloc");
    return NULL;
  }
  w->data = data;
  w->execute = execute;
  w->to_js = to_js;
  w->free_data = free_data;
  bw_error_clear(&w->err);
  if (error_detail) snprintf(w->detail, sizeof(w->detail), "%s", error_detail);

  BW_CALL_GOTO(env, napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource_name), fail);
  BW_CALL_GOTO(env, napi_create_promise(env, &w->deferred, &promise), fail);
  BW_CALL_GOTO(
      env,
      napi_create_async_work(env, NULL, resource_name, work_execute, work_complete, w, &w->work),
      fail);
  if (napi_queue_async_work(env, w->work) != napi_ok) {
    napi_delete_async_work(env, w->work);
    bw_throw_napi_failure(env, napi_generic_failure, "napi_queue_async_work");
    goto fail;
  }
  return promise;

fail:
  /* A created deferred that is never settled is simply collected with its
   * promise; nothing else holds it. */
  if (free_data) free_data(data);
  free(w);
  return NULL;
}

/* --- registration ------------------------------------------------------ */

bool bw_define_functions(napi_env env, napi_value exports, const bw_export* list, size_t count) {
  size_t i;
  for (i = 0; i < count; i++) {
    napi_value fn;
    if (napi_create_function(env, list[i].name, NAPI_AUTO_LENGTH, list[i].fn, NULL, &fn) !=
            napi_ok ||
        napi_set_named_property(env, exports, list[i].name, fn) != napi_ok) {
      bw_throw_napi_failure(env, napi_generic_failure, list[i].name);
      return false;
    }
  }
  return true;
}
