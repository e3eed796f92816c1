/* Node-API binding for ports: argument checks, the synchronous bind probe,
 * the readiness waiter (a thread-safe function carries its one result back
 * to JS) and the owner lookup as async work. The OS work lives behind
 * ports.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js.h"
#include "node/napi_util.h"
#include "ports/ports.h"

#define BW_MAX_SAFE_INTEGER 9007199254740991LL

/* --- arguments ----------------------------------------------------------- */

static bool arg_addr(napi_env env, napi_value v, const char* name, bw_addr* out) {
  char* text = NULL;
  char msg[160];
  bool ok;
  if (!bw_arg_string(env, v, name, BW_ADDR_STRLEN - 1, &text)) return false;
  ok = bw_addr_parse(text, out);
  if (!ok) {
    snprintf(msg, sizeof(msg), "The argument '%s' must be an IP address. Received '%s'", name,
             text);
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", msg);
  }
  free(text);
  return ok;
}

/* An array of 1..max IP address strings. */
static bool arg_addr_list(napi_env env, napi_value v, const char* name, bw_addr* out, size_t max,
                          size_t* n) {
  bool is_array = false;
  uint32_t len = 0, i;
  char msg[128];
  if (v == NULL || napi_is_array(env, v, &is_array) != napi_ok || !is_array) {
    bw_throw_invalid_arg_type(env, name, "Array", v);
    return false;
  }
  if (napi_get_array_length(env, v, &len) != napi_ok) {
    bw_throw_napi_failure(env, napi_generic_failure, "napi_get_array_length");
    return false;
  }
  if (len == 0 || len > max) {
    snprintf(msg, sizeof(msg), "The length of \"%s\" must be >= 1 && <= %zu. Received %u", name,
             max, len);
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
    return false;
  }
  for (i = 0; i < len; i++) {
    napi_value item;
    if (napi_get_element(env, v, i, &item) != napi_ok) {
      bw_throw_napi_failure(env, napi_generic_failure, "napi_get_element");
      return false;
    }
    if (!arg_addr(env, item, name, &out[i])) return false;
  }
  *n = len;
  return true;
}

static bool arg_port(napi_env env, napi_value v, int64_t min, int* port) {
  int64_t p;
  if (!bw_arg_int64(env, v, "port", min, 65535, &p)) return false;
  *port = (int)p;
  return true;
}

/* --- probeBind(address, port, optional) → port | -1 | -2 | -3 ------------ */

static napi_value js_probe_bind(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result;
  bw_addr addr;
  int port, bound = 0;
  bool optional;
  bw_probe_result r;
  bw_error err;
  char detail[BW_ADDR_STRLEN + 8];
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!arg_addr(env, argc > 0 ? argv[0] : NULL, "address", &addr) ||
      !arg_port(env, argc > 1 ? argv[1] : NULL, 0, &port) ||
      !bw_arg_bool(env, argc > 2 ? argv[2] : NULL, "optional", &optional))
    return NULL;
  bw_error_clear(&err);
  if (!bw_port_probe(&addr, port, optional, &r, &bound, &err)) {
    char text[BW_ADDR_STRLEN];
    bw_addr_format(&addr, text, sizeof(text));
    snprintf(detail, sizeof(detail), "%s:%d", text, port);
    bw_throw_system_error(env, &err, detail);
    return NULL;
  }
  BW_CALL(env, napi_create_int32(env, r == BW_PROBE_FREE ? bound : (int32_t)r, &result));
  return result;
}

/* --- waitPort(addresses, port, timeoutMs, pid, callback) → handle --------- */

/* Shared by the JS handle (a type-tagged object wrapping it) and the
 * thread-safe function; freed when both are gone. Both let go on the JS
 * thread, so refs needs no atomics. */
typedef struct js_wait {
  bw_port_waiter* waiter;
  napi_threadsafe_function tsfn;
  int refs;
  bw_wait_request req;
} js_wait;

typedef struct wait_result {
  bw_wait_status status;
  bw_error err;
} wait_result;

static const napi_type_tag wait_tag = {0x6277706f72747761ULL, 0x6974657231000001ULL};

static void js_wait_unref(js_wait* jw) {
  if (--jw->refs == 0) free(jw);
}

/* On the waiter's thread, its last act. */
static void wait_done(void* ctx, bw_wait_status status, const bw_addr* connected,
                      const bw_error* err) {
  js_wait* jw = ctx;
  wait_result* r;
  (void)connected;
  if (status == BW_WAIT_CANCELLED) {
    napi_release_threadsafe_function(jw->tsfn, napi_tsfn_release);
    return;
  }
  r = malloc(sizeof(*r));
  if (r != NULL) {
    r->status = status;
    r->err = *err;
    /* napi_closing: the environment is going away; the tsfn is no longer
     * ours to release. */
    switch (napi_call_threadsafe_function(jw->tsfn, r, napi_tsfn_nonblocking)) {
      case napi_ok:
        break;
      case napi_closing:
        free(r);
        return;
      default:
        free(r);
        break;
    }
  }
  napi_release_threadsafe_function(jw->tsfn, napi_tsfn_release);
}

/* On the JS thread: callback(err | null). env is NULL at teardown. */
static void wait_call_js(napi_env env, napi_value cb, void* context, void* data) {
  js_wait* jw = context;
  wait_result* r = data;
  napi_value argv[1], undefined, error;
  char addr[BW_ADDR_STRLEN], detail[160];
  if (env == NULL || cb == NULL) {
    free(r);
    return;
  }
  bw_addr_format(&jw->req.addrs[0], addr, sizeof(addr));
  if (napi_get_undefined(env, &undefined) != napi_ok) goto done;
  if (r->status == BW_WAIT_CONNECTED) {
    if (napi_get_null(env, &argv[0]) != napi_ok) goto done;
  } else {
    if (r->status == BW_WAIT_EXITED)
      snprintf(detail, sizeof(detail), "%lld (exited before %s:%d accepted a connection)",
               (long long)jw->req.pid, addr, jw->req.port);
    else
      snprintf(detail, sizeof(detail), "%s:%d", addr, jw->req.port);
    error = bw_system_error(env, &r->err, detail);
    if (error == NULL || !bw_set_string(env, error, "address", addr) ||
        !bw_set_double(env, error, "port", jw->req.port))
      goto done;
    if (r->status == BW_WAIT_EXITED && !bw_set_double(env, error, "pid", (double)jw->req.pid))
      goto done;
    argv[0] = error;
  }
  napi_call_function(env, undefined, cb, 1, argv, NULL);
done:
  free(r);
}

/* The thread-safe function is gone: the thread has ended or is told to;
 * join it so that nothing outlives the environment. */
static void wait_tsfn_finalize(napi_env env, void* data, void* hint) {
  js_wait* jw = data;
  (void)env;
  (void)hint;
  if (jw->waiter != NULL) bw_port_waiter_join(jw->waiter);
  jw->waiter = NULL;
  js_wait_unref(jw);
}

static void wait_handle_finalize(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  js_wait_unref(data);
}

static napi_value js_wait_port(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], name, handle;
  napi_valuetype t = napi_undefined;
  int64_t timeout, pid;
  bw_error err;
  js_wait* jw;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  for (; argc < 5; argc++) argv[argc] = NULL;

  jw = bw_calloc(env, 1, sizeof(*jw));
  if (jw == NULL) return NULL;
  if (!arg_addr_list(env, argv[0], "addresses", jw->req.addrs, BW_WAIT_MAX_ADDRS,
                     &jw->req.naddrs) ||
      !arg_port(env, argv[1], 1, &jw->req.port) ||
      !bw_arg_int64(env, argv[2], "timeoutMs", -1, BW_MAX_SAFE_INTEGER, &timeout) ||
      !bw_arg_int64(env, argv[3], "pid", 0, (int64_t)BW_PID_MAX, &pid))
    goto fail;
  if (argv[4] == NULL || napi_typeof(env, argv[4], &t) != napi_ok || t != napi_function) {
    bw_throw_invalid_arg_type(env, "callback", "function", argv[4]);
    goto fail;
  }
  jw->req.timeout_ms = timeout;
  jw->req.pid = pid;

  BW_CALL_GOTO(env,
               napi_create_string_utf8(env, "backend-warden:waitForPort", NAPI_AUTO_LENGTH, &name),
               fail);
  BW_CALL_GOTO(env,
               napi_create_threadsafe_function(env, argv[4], NULL, name, 0, 1, jw,
                                               wait_tsfn_finalize, jw, wait_call_js, &jw->tsfn),
               fail);
  /* From here the tsfn's finalizer owns one reference and frees jw. */
  jw->refs = 1;
  bw_error_clear(&err);
  jw->waiter = bw_port_waiter_start(&jw->req, wait_done, jw, &err);
  if (jw->waiter == NULL) {
    /* ESRCH for a pid that is already gone, or no thread. */
    int port = jw->req.port;
    char detail[32];
    napi_value e;
    napi_release_threadsafe_function(jw->tsfn, napi_tsfn_abort);
    snprintf(detail, sizeof(detail), "%lld", (long long)pid);
    e = bw_system_error(env, &err, detail);
    if (e != NULL && bw_set_double(env, e, "pid", (double)pid) &&
        bw_set_double(env, e, "port", port))
      napi_throw(env, e);
    return NULL;
  }
  if (napi_create_object(env, &handle) != napi_ok ||
      napi_type_tag_object(env, handle, &wait_tag) != napi_ok ||
      napi_wrap(env, handle, jw, wait_handle_finalize, NULL, NULL) != napi_ok) {
    bw_port_waiter_cancel(jw->waiter);
    bw_throw_napi_failure(env, napi_generic_failure, "napi_wrap");
    return NULL;
  }
  jw->refs = 2;
  return handle;

fail:
  free(jw);
  return NULL;
}

/* waitPortCancel(handle): stops the waiter; its callback is not called. */
static napi_value js_wait_port_cancel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  napi_valuetype t = napi_undefined;
  bool tagged = false;
  js_wait* jw = NULL;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argv[0] == NULL || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_object ||
      napi_check_object_type_tag(env, argv[0], &wait_tag, &tagged) != napi_ok || !tagged) {
    bw_throw_invalid_arg_type(env, "handle", "object", argv[0]);
    return NULL;
  }
  BW_CALL(env, napi_unwrap(env, argv[0], (void**)&jw));
  if (jw->waiter != NULL) bw_port_waiter_cancel(jw->waiter);
  return NULL;
}

/* --- portOwner(port, protocol, addresses?) → Promise<owner | null> -------- */

typedef struct owner_req {
  int port;
  bw_proto proto;
  bw_addr filters[BW_OWNER_MAX_FILTERS];
  size_t nfilter;
  bw_port_owner out;
} owner_req;

static void owner_execute(void* data, bw_error* err) {
  owner_req* req = data;
  bw_port_owner_find(req->port, req->proto, req->filters, req->nfilter, &req->out, err);
}

static napi_value owner_to_js(napi_env env, void* data) {
  owner_req* req = data;
  napi_value obj;
  char addr[BW_ADDR_STRLEN];
  if (!req->out.found) {
    BW_CALL(env, napi_get_null(env, &obj));
    return obj;
  }
  bw_addr_format(&req->out.address, addr, sizeof(addr));
  BW_CALL(env, napi_create_object(env, &obj));
  if (!(req->out.pid > 0 ? bw_set_double(env, obj, "pid", (double)req->out.pid)
                         : bw_set_null(env, obj, "pid")) ||
      !(req->out.pid > 0 && req->out.name[0] ? bw_set_string(env, obj, "name", req->out.name)
                                             : bw_set_null(env, obj, "name")) ||
      !bw_set_string(env, obj, "address", addr) ||
      !bw_set_string(env, obj, "state", bw_sock_state_name(req->out.state)))
    return NULL;
  return obj;
}

static napi_value js_port_owner(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3] = {NULL, NULL, NULL};
  char* proto = NULL;
  char detail[16];
  owner_req* req = bw_calloc(env, 1, sizeof(*req));
  if (req == NULL) return NULL;
  BW_CALL_GOTO(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL), fail);
  if (!arg_port(env, argv[0], 1, &req->port) || !bw_arg_string(env, argv[1], "protocol", 8, &proto))
    goto fail;
  if (strcmp(proto, "tcp") == 0) {
    req->proto = BW_PROTO_TCP;
  } else if (strcmp(proto, "udp") == 0) {
    req->proto = BW_PROTO_UDP;
  } else {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE",
                          "The argument 'protocol' must be one of: 'tcp', 'udp'");
    goto fail;
  }
  if (!bw_is_nullish(env, argv[2]) &&
      !arg_addr_list(env, argv[2], "addresses", req->filters, BW_OWNER_MAX_FILTERS, &req->nfilter))
    goto fail;
  free(proto);
  snprintf(detail, sizeof(detail), "%d", req->port);
  return bw_promise_work(env, "backend-warden:portOwner", req, owner_execute, owner_to_js, free,
                         detail);

fail:
  free(proto);
  free(req);
  return NULL;
}

bool bw_js_ports_init(napi_env env, napi_value exports) {
  static const bw_export list[] = {
      {"probeBind", js_probe_bind},
      {"waitPort", js_wait_port},
      {"waitPortCancel", js_wait_port_cancel},
      {"portOwner", js_port_owner},
  };
  return bw_define_functions(env, exports, list, sizeof(list) / sizeof(list[0]));
}
