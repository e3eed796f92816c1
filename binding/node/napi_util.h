/* Shared Node-API plumbing: checked calls, argument readers that throw
 * Node-style TypeError/RangeError, system errors built from bw_error, result
 * object setters and a Promise-returning async-work helper. Nothing here is
 * OS-specific. No concern keeps per-environment state: each job and port
 * waiter belongs to its JS handle (type-tagged, see js_job_win.c and
 * js_ports.c), released by the handle's finalizer or at environment
 * teardown. */
#ifndef BW_NAPI_UTIL_H
#define BW_NAPI_UTIL_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os/error.h"

/* The largest PID a binding accepts: a DWORD on Windows; POSIX pid_t is
 * smaller, and the OS answers ESRCH beyond it. */
#define BW_PID_MAX 4294967295.0

/* Throws a generic Error for a failed Node-API call unless one is pending. */
void bw_throw_napi_failure(napi_env env, napi_status status, const char* call);

/* Wrap every Node-API call in a function returning napi_value. */
#define BW_CALL(env, call)                             \
  do {                                                 \
    napi_status bw_status_ = (call);                   \
    if (bw_status_ != napi_ok) {                       \
      bw_throw_napi_failure((env), bw_status_, #call); \
      return NULL;                                     \
    }                                                  \
  } while (0)

/* The same for functions with a cleanup label: sets ok = false and jumps. */
#define BW_CALL_GOTO(env, call, label)                 \
  do {                                                 \
    napi_status bw_status_ = (call);                   \
    if (bw_status_ != napi_ok) {                       \
      bw_throw_napi_failure((env), bw_status_, #call); \
      goto label;                                      \
    }                                                  \
  } while (0)

/* Where throwing is impossible (finalizers, thread-safe-function calls):
 * the process cannot continue sanely, so this is the one place we abort. */
#define BW_CALL_FATAL(call)                                                                       \
  do {                                                                                            \
    if ((call) != napi_ok) napi_fatal_error(__FILE__, NAPI_AUTO_LENGTH, #call, NAPI_AUTO_LENGTH); \
  } while (0)

/* --- errors ------------------------------------------------------------ */

/* TypeError with code ERR_INVALID_ARG_TYPE, message in Node's wording:
 * The "name" argument must be of type expected. Received ... */
void bw_throw_invalid_arg_type(napi_env env, const char* name, const char* expected,
                               napi_value actual);
/* RangeError with code ERR_OUT_OF_RANGE. */
void bw_throw_out_of_range(napi_env env, const char* name, const char* range, napi_value actual);
/* Error/TypeError/RangeError with an explicit code and message. */
void bw_throw_coded(napi_env env, const char* ctor, const char* code, const char* message);

/* An Error built like Node's system errors: message "CODE: text, syscall
 * detail", properties code, errno, syscall (and hresult for HRESULTs).
 * detail may be NULL. Returns NULL with an exception pending on failure. */
napi_value bw_system_error(napi_env env, const bw_error* err, const char* detail);
void bw_throw_system_error(napi_env env, const bw_error* err, const char* detail);
/* ENOMEM as a system error (code, errno, syscall) for a failed allocation. */
void bw_throw_enomem(napi_env env, const char* syscall);
/* calloc that throws ENOMEM and returns NULL when it fails. */
void* bw_calloc(napi_env env, size_t count, size_t size);

/* --- arguments --------------------------------------------------------- */

/* Reads an integer in [min, max]; throws and returns false otherwise. */
bool bw_arg_int64(napi_env env, napi_value v, const char* name, int64_t min, int64_t max,
                  int64_t* out);
bool bw_arg_double(napi_env env, napi_value v, const char* name, double* out);
bool bw_arg_bool(napi_env env, napi_value v, const char* name, bool* out);
/* A string of at most max_len bytes in UTF-8, malloc'ed (free with free()).
 * Strings with embedded NUL bytes are rejected (ERR_INVALID_ARG_VALUE). */
bool bw_arg_string(napi_env env, napi_value v, const char* name, size_t max_len, char** out);
/* An optional property of an object: *present is false for undefined. */
bool bw_get_prop(napi_env env, napi_value obj, const char* key, napi_value* out, bool* present);
bool bw_is_nullish(napi_env env, napi_value v);

/* --- results ------------------------------------------------------------ */

bool bw_set_double(napi_env env, napi_value obj, const char* key, double v);
bool bw_set_bool(napi_env env, napi_value obj, const char* key, bool v);
bool bw_set_string(napi_env env, napi_value obj, const char* key, const char* v);
bool bw_set_null(napi_env env, napi_value obj, const char* key);
bool bw_set_value(napi_env env, napi_value obj, const char* key, napi_value v);

/* --- async work returning a Promise ---------------------------------- */

/* execute runs on a libuv pool thread and must not call Node-API; it
 * reports failure through *err. to_js runs on the JS thread only when
 * execute succeeded and builds the resolution value (NULL with an
 * exception pending rejects with that exception). free_data runs last,
 * always, also when the environment is torn down. */
typedef void (*bw_execute_fn)(void* data, bw_error* err);
typedef napi_value (*bw_to_js_fn)(napi_env env, void* data);
typedef void (*bw_free_fn)(void* data);

/* Queues the work and returns its Promise, or NULL with an exception
 * pending (then free_data has already run). */
napi_value bw_promise_work(napi_env env, const char* name, void* data, bw_execute_fn execute,
                           bw_to_js_fn to_js, bw_free_fn free_data, const char* error_detail);

/* --- registration ------------------------------------------------------ */

typedef struct bw_export {
  const char* name;
  napi_callback fn;
} bw_export;

bool bw_define_functions(napi_env env, napi_value exports, const bw_export* list, size_t count);

#endif
