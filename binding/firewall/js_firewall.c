/* Node-API binding for Windows Firewall verdicts: argument checks, async
 * work, results. firewallVerdict runs the pure matcher on a rule set given
 * as plain JS objects (every platform); firewallCheck and firewallRules read
 * the real policy off the JS thread (firewall_win.c; ENOTSUP elsewhere). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/firewall.h"
#include "js.h"
#include "node/napi_util.h"

/* Paths are at most 32767 UTF-16 units, at most three UTF-8 bytes each. */
#define BW_FW_STR_MAX (32767 * 3)

static const char* const profile_names[BW_FW_PROFILE_COUNT] = {"domain", "private", "public"};

static const char* state_name(bw_fw_state s) {
  switch (s) {
    case BW_FW_ALLOWED:
      return "allowed";
    case BW_FW_BLOCKED:
      return "blocked";
    case BW_FW_NO_RULE:
      return "no-rule";
    default:
      return "not-applicable";
  }
}

static const char* reason_name(bw_fw_reason r) {
  switch (r) {
    case BW_FW_REASON_LOOPBACK:
      return "loopback";
    case BW_FW_REASON_FIREWALL_OFF:
      return "firewall-off";
    case BW_FW_REASON_BLOCK_ALL:
      return "block-all";
    case BW_FW_REASON_BYPASS_RULE:
      return "bypass-rule";
    case BW_FW_REASON_BLOCK_RULE:
      return "block-rule";
    case BW_FW_REASON_ALLOW_RULE:
      return "allow-rule";
    case BW_FW_REASON_DEFAULT_ALLOW:
      return "default-allow";
    default:
      return "default-block";
  }
}

/* --- reading arguments -------------------------------------------------- */

static bool is_object(napi_env env, napi_value v) {
  napi_valuetype t;
  return v != NULL && napi_typeof(env, v, &t) == napi_ok && t == napi_object;
}

/* An optional string property: NULL when undefined or null. */
static bool opt_string(napi_env env, napi_value obj, const char* key, const char* label,
                       char** out) {
  napi_value v;
  bool present;
  *out = NULL;
  if (!bw_get_prop(env, obj, key, &v, &present)) return false;
  if (!present || bw_is_nullish(env, v)) return true;
  return bw_arg_string(env, v, label, BW_FW_STR_MAX, out);
}

static bool opt_bool(napi_env env, napi_value obj, const char* key, const char* label, bool dflt,
                     bool* out) {
  napi_value v;
  bool present;
  *out = dflt;
  if (!bw_get_prop(env, obj, key, &v, &present)) return false;
  return !present || bw_arg_bool(env, v, label, out);
}

static bool req_int(napi_env env, napi_value obj, const char* key, const char* label, int64_t min,
                    int64_t max, int32_t* out) {
  napi_value v;
  bool present;
  int64_t n;
  if (!bw_get_prop(env, obj, key, &v, &present) || !bw_arg_int64(env, v, label, min, max, &n))
    return false;
  *out = (int32_t)n;
  return true;
}

/* What path.win32.isAbsolute accepts: a drive letter followed by a
 * separator, or a leading separator (rooted, UNC). */
static bool is_absolute(const char* p) {
  if (p[0] == '\\' || p[0] == '/') return true;
  return ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':' &&
         (p[2] == '\\' || p[2] == '/');
}

static bool read_program(napi_env env, napi_value obj, const char* label, char** out) {
  if (!opt_string(env, obj, "program", label, out)) return false;
  if (*out != NULL && !is_absolute(*out)) {
    char msg[160];
    free(*out);
    *out = NULL;
    snprintf(msg, sizeof(msg), "The property '%s' must be an absolute path", label);
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", msg);
    return false;
  }
  return true;
}

/* query: { program?, port?, protocol? = 'tcp', loopback? = false }. */
static bool read_query(napi_env env, napi_value obj, bw_fw_query* q, char** program) {
  napi_value v;
  bool present;
  char* proto = NULL;
  int64_t port = 0;
  memset(q, 0, sizeof(*q));
  *program = NULL;
  q->protocol = BW_FW_PROTO_TCP;
  if (bw_is_nullish(env, obj)) return true;
  if (!is_object(env, obj)) {
    bw_throw_invalid_arg_type(env, "query", "object", obj);
    return false;
  }
  if (!read_program(env, obj, "query.program", program)) return false;
  q->program = *program;
  if (!bw_get_prop(env, obj, "port", &v, &present)) goto fail;
  if (present && !bw_arg_int64(env, v, "query.port", 1, 65535, &port)) goto fail;
  q->port = (int32_t)port;
  if (!opt_string(env, obj, "protocol", "query.protocol", &proto)) goto fail;
  if (proto != NULL) {
    if (strcmp(proto, "tcp") == 0 || strcmp(proto, "TCP") == 0) {
      q->protocol = BW_FW_PROTO_TCP;
    } else if (strcmp(proto, "udp") == 0 || strcmp(proto, "UDP") == 0) {
      q->protocol = BW_FW_PROTO_UDP;
    } else {
      free(proto);
      napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE",
                            "The property 'query.protocol' must be one of: 'tcp', 'udp'");
      goto fail;
    }
    free(proto);
  }
  if (!opt_bool(env, obj, "loopback", "query.loopback", false, &q->loopback)) goto fail;
  return true;

fail:
  free(*program);
  *program = NULL;
  q->program = NULL;
  return false;
}

static bool read_profile(napi_env env, napi_value profiles, int index, bw_fw_profile* out) {
  napi_value obj;
  bool present;
  char label[64];
  int32_t action;
  snprintf(label, sizeof(label), "policy.profiles.%s", profile_names[index]);
  if (!bw_get_prop(env, profiles, profile_names[index], &obj, &present)) return false;
  if (!is_object(env, obj)) {
    bw_throw_invalid_arg_type(env, label, "object", obj);
    return false;
  }
  snprintf(label, sizeof(label), "policy.profiles.%s.enabled", profile_names[index]);
  if (!opt_bool(env, obj, "enabled", label, true, &out->enabled)) return false;
  snprintf(label, sizeof(label), "policy.profiles.%s.blockAllInbound", profile_names[index]);
  if (!opt_bool(env, obj, "blockAllInbound", label, false, &out->block_all_inbound)) return false;
  snprintf(label, sizeof(label), "policy.profiles.%s.defaultInboundAction", profile_names[index]);
  if (!req_int(env, obj, "defaultInboundAction", label, 0, 1, &action)) return false;
  out->default_inbound = action;
  return true;
}

static bool read_rule(napi_env env, napi_value obj, uint32_t index, bw_fw_rule* r) {
  char label[96];
#define BW_LABEL(field) (snprintf(label, sizeof(label), "policy.rules[%u].%s", index, field), label)
  memset(r, 0, sizeof(*r));
  if (!is_object(env, obj)) {
    snprintf(label, sizeof(label), "policy.rules[%u]", index);
    bw_throw_invalid_arg_type(env, label, "object", obj);
    return false;
  }
  if (!opt_string(env, obj, "name", BW_LABEL("name"), &r->name) ||
      !opt_string(env, obj, "application", BW_LABEL("application"), &r->application) ||
      !opt_string(env, obj, "service", BW_LABEL("service"), &r->service) ||
      !opt_string(env, obj, "localPorts", BW_LABEL("localPorts"), &r->local_ports) ||
      !opt_string(env, obj, "grouping", BW_LABEL("grouping"), &r->grouping) ||
      !opt_bool(env, obj, "enabled", BW_LABEL("enabled"), true, &r->enabled) ||
      !req_int(env, obj, "direction", BW_LABEL("direction"), 1, 2, &r->direction) ||
      !req_int(env, obj, "action", BW_LABEL("action"), 0, 1, &r->action) ||
      !req_int(env, obj, "profiles", BW_LABEL("profiles"), 0, 0x7fffffff, &r->profiles) ||
      !req_int(env, obj, "protocol", BW_LABEL("protocol"), 0, 256, &r->protocol) ||
      !opt_bool(env, obj, "edgeTraversal", BW_LABEL("edgeTraversal"), false, &r->edge_traversal) ||
      !opt_bool(env, obj, "bypass", BW_LABEL("bypass"), false, &r->bypass)) {
    bw_fw_rule_free(r);
    return false;
  }
#undef BW_LABEL
  return true;
}

/* policy: { currentProfiles, profiles: { domain, private, public }, rules }. */
static bool read_policy(napi_env env, napi_value obj, bw_fw_policy* p) {
  napi_value profiles, rules, item;
  bool present, is_array = false;
  uint32_t n = 0, i;
  int k;
  memset(p, 0, sizeof(*p));
  if (!is_object(env, obj)) {
    bw_throw_invalid_arg_type(env, "policy", "object", obj);
    return false;
  }
  if (!req_int(env, obj, "currentProfiles", "policy.currentProfiles", 0, 0x7fffffff,
               &p->current_profiles) ||
      !bw_get_prop(env, obj, "profiles", &profiles, &present))
    return false;
  if (!is_object(env, profiles)) {
    bw_throw_invalid_arg_type(env, "policy.profiles", "object", profiles);
    return false;
  }
  for (k = 0; k < BW_FW_PROFILE_COUNT; k++)
    if (!read_profile(env, profiles, k, &p->profiles[k])) return false;
  if (!bw_get_prop(env, obj, "rules", &rules, &present)) return false;
  if (rules == NULL || napi_is_array(env, rules, &is_array) != napi_ok || !is_array) {
    bw_throw_invalid_arg_type(env, "policy.rules", "Array", rules);
    return false;
  }
  if (napi_get_array_length(env, rules, &n) != napi_ok) {
    bw_throw_napi_failure(env, napi_generic_failure, "napi_get_array_length");
    return false;
  }
  for (i = 0; i < n; i++) {
    bw_fw_rule r;
    if (napi_get_element(env, rules, i, &item) != napi_ok) {
      bw_throw_napi_failure(env, napi_generic_failure, "napi_get_element");
      goto fail;
    }
    if (!read_rule(env, item, i, &r)) goto fail;
    if (!bw_fw_policy_push(p, &r)) {
      bw_fw_rule_free(&r);
      bw_throw_enomem(env, "realloc");
      goto fail;
    }
  }
  return true;

fail:
  bw_fw_policy_free(p);
  return false;
}

/* A synthetic environment for %VAR% expansion: names compare
 * case-insensitively, as Windows compares them. */
typedef struct env_list {
  char** names;
  char** values;
  uint32_t count;
} env_list;

static void env_list_free(env_list* e) {
  uint32_t i;
  for (i = 0; i < e->count; i++) {
    free(e->names[i]);
    free(e->values[i]);
  }
  free(e->names);
  free(e->values);
  memset(e, 0, sizeof(*e));
}

static char* env_list_get(void* ctx, const char* name, bool* oom) {
  env_list* e = ctx;
  uint32_t i;
  *oom = false;
  for (i = 0; i < e->count; i++) {
    if (bw_fw_name_equal(e->names[i], name)) {
      char* v = malloc(strlen(e->values[i]) + 1);
      if (v == NULL)
        *oom = true;
      else
        strcpy(v, e->values[i]);
      return v;
    }
  }
  return NULL;
}

static bool read_env(napi_env env, napi_value obj, env_list* out) {
  napi_value keys, key, value;
  uint32_t n = 0, i;
  char label[96];
  memset(out, 0, sizeof(*out));
  if (bw_is_nullish(env, obj)) return true;
  if (!is_object(env, obj)) {
    bw_throw_invalid_arg_type(env, "env", "object", obj);
    return false;
  }
  BW_CALL_GOTO(env,
               napi_get_all_property_names(env, obj, napi_key_own_only,
                                           napi_key_enumerable | napi_key_skip_symbols,
                                           napi_key_numbers_to_strings, &keys),
               fail);
  BW_CALL_GOTO(env, napi_get_array_length(env, keys, &n), fail);
  out->names = calloc(n ? n : 1, sizeof(char*));
  out->values = calloc(n ? n : 1, sizeof(char*));
  if (out->names == NULL || out->values == NULL) {
    bw_throw_enomem(env, "calloc");
    goto fail;
  }
  for (i = 0; i < n; i++) {
    BW_CALL_GOTO(env, napi_get_element(env, keys, i, &key), fail);
    BW_CALL_GOTO(env, napi_get_property(env, obj, key, &value), fail);
    if (!bw_arg_string(env, key, "env key", BW_FW_STR_MAX, &out->names[i])) goto fail;
    out->count = i + 1;
    snprintf(label, sizeof(label), "env.%.60s", out->names[i]);
    if (!bw_arg_string(env, value, label, BW_FW_STR_MAX, &out->values[i])) goto fail;
  }
  return true;

fail:
  env_list_free(out);
  return false;
}

/* --- results ------------------------------------------------------------ */

static bool set_string_or_null(napi_env env, napi_value obj, const char* key, const char* s) {
  return s != NULL ? bw_set_string(env, obj, key, s) : bw_set_null(env, obj, key);
}

static napi_value rule_to_js(napi_env env, const bw_fw_rule* r) {
  napi_value obj;
  BW_CALL(env, napi_create_object(env, &obj));
  if (!set_string_or_null(env, obj, "name", r->name) ||
      !bw_set_bool(env, obj, "enabled", r->enabled) ||
      !bw_set_double(env, obj, "direction", r->direction) ||
      !bw_set_double(env, obj, "action", r->action) ||
      !bw_set_bool(env, obj, "bypass", r->bypass) ||
      !bw_set_double(env, obj, "profiles", r->profiles) ||
      !bw_set_double(env, obj, "protocol", r->protocol) ||
      !set_string_or_null(env, obj, "localPorts", r->local_ports) ||
      !set_string_or_null(env, obj, "application", r->application) ||
      !set_string_or_null(env, obj, "service", r->service) ||
      !set_string_or_null(env, obj, "grouping", r->grouping) ||
      !bw_set_bool(env, obj, "edgeTraversal", r->edge_traversal) ||
      !bw_set_bool(env, obj, "applies", r->applies))
    return NULL;
  return obj;
}

static napi_value rules_to_js(napi_env env, const bw_fw_policy* p) {
  napi_value arr, item;
  size_t i;
  BW_CALL(env, napi_create_array_with_length(env, p->count, &arr));
  for (i = 0; i < p->count; i++) {
    item = rule_to_js(env, &p->rules[i]);
    if (item == NULL) return NULL;
    BW_CALL(env, napi_set_element(env, arr, (uint32_t)i, item));
  }
  return arr;
}

/* { state, currentProfiles, profiles: [...], rules: [matching], skipped }. */
static napi_value verdict_to_js(napi_env env, const bw_fw_policy* p, const bw_fw_verdict* v) {
  napi_value obj, profiles, item, rules;
  int k;
  BW_CALL(env, napi_create_object(env, &obj));
  BW_CALL(env, napi_create_array_with_length(env, BW_FW_PROFILE_COUNT, &profiles));
  for (k = 0; k < BW_FW_PROFILE_COUNT; k++) {
    const bw_fw_profile* pr = &p->profiles[k];
    BW_CALL(env, napi_create_object(env, &item));
    if (!bw_set_string(env, item, "name", profile_names[k]) ||
        !bw_set_double(env, item, "type", 1 << k) ||
        !bw_set_bool(env, item, "active", (v->active & (1 << k)) != 0) ||
        !bw_set_bool(env, item, "enabled", pr->enabled) ||
        !bw_set_double(env, item, "defaultInboundAction", pr->default_inbound) ||
        !bw_set_bool(env, item, "blockAllInbound", pr->block_all_inbound) ||
        !bw_set_string(env, item, "verdict", state_name(v->profile_state[k])) ||
        !bw_set_string(env, item, "reason", reason_name(v->profile_reason[k])))
      return NULL;
    BW_CALL(env, napi_set_element(env, profiles, (uint32_t)k, item));
  }
  rules = rules_to_js(env, p);
  if (rules == NULL || !bw_set_string(env, obj, "state", state_name(v->state)) ||
      !bw_set_double(env, obj, "currentProfiles", p->current_profiles) ||
      !bw_set_value(env, obj, "profiles", profiles) || !bw_set_value(env, obj, "rules", rules) ||
      !bw_set_double(env, obj, "skipped", (double)p->skipped))
    return NULL;
  return obj;
}

/* --- firewallVerdict(policy, query, env?) → verdict (synchronous) ------- */

static napi_value js_firewall_verdict(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3] = {NULL, NULL, NULL}, result = NULL;
  bw_fw_policy policy;
  bw_fw_query q;
  bw_fw_verdict verdict;
  env_list vars;
  char* program = NULL;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!read_policy(env, argv[0], &policy)) return NULL;
  if (!read_query(env, argv[1], &q, &program)) {
    bw_fw_policy_free(&policy);
    return NULL;
  }
  if (!read_env(env, argv[2], &vars)) {
    free(program);
    bw_fw_policy_free(&policy);
    return NULL;
  }
  if (!bw_fw_evaluate(&policy, &q, env_list_get, &vars, &verdict)) {
    bw_throw_enomem(env, "malloc");
    goto done;
  }
  bw_fw_policy_keep_matching(&policy);
  result = verdict_to_js(env, &policy, &verdict);

done:
  env_list_free(&vars);
  free(program);
  bw_fw_policy_free(&policy);
  return result;
}

/* --- firewallCheck(query) → Promise<verdict> ----------------------------- */

typedef struct check_req {
  bw_fw_query query;
  char* program;
  bw_fw_policy policy;
  bw_fw_verdict verdict;
} check_req;

static void check_free(void* data) {
  check_req* req = data;
  free(req->program);
  bw_fw_policy_free(&req->policy);
  free(req);
}

static void check_execute(void* data, bw_error* err) {
  check_req* req = data;
  if (!bw_fw_read_policy(&req->policy, true, err)) return;
  if (!bw_fw_evaluate(&req->policy, &req->query, bw_fw_process_getenv, NULL, &req->verdict)) {
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "malloc");
    return;
  }
  bw_fw_policy_keep_matching(&req->policy);
}

static napi_value check_to_js(napi_env env, void* data) {
  check_req* req = data;
  return verdict_to_js(env, &req->policy, &req->verdict);
}

static napi_value js_firewall_check(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  check_req* req;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  req = bw_calloc(env, 1, sizeof(*req));
  if (req == NULL) return NULL;
  if (!read_query(env, argv[0], &req->query, &req->program)) {
    free(req);
    return NULL;
  }
  return bw_promise_work(env, "backend-warden:firewallCheck", req, check_execute, check_to_js,
                         check_free, NULL);
}

/* --- firewallRules({ name?, program? }) → Promise<{ rules, skipped }> --- */

typedef struct rules_req {
  char* name;
  char* program;
  bw_fw_policy policy;
} rules_req;

static void rules_free(void* data) {
  rules_req* req = data;
  free(req->name);
  free(req->program);
  bw_fw_policy_free(&req->policy);
  free(req);
}

static void rules_execute(void* data, bw_error* err) {
  rules_req* req = data;
  if (!bw_fw_read_policy(&req->policy, false, err)) return;
  if (!bw_fw_filter_rules(&req->policy, req->name, req->program, bw_fw_process_getenv, NULL))
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "malloc");
}

static napi_value rules_to_js_result(napi_env env, void* data) {
  rules_req* req = data;
  napi_value obj, rules;
  BW_CALL(env, napi_create_object(env, &obj));
  rules = rules_to_js(env, &req->policy);
  if (rules == NULL || !bw_set_value(env, obj, "rules", rules) ||
      !bw_set_double(env, obj, "skipped", (double)req->policy.skipped))
    return NULL;
  return obj;
}

static napi_value js_firewall_rules(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  rules_req* req;
  BW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!is_object(env, argv[0])) {
    bw_throw_invalid_arg_type(env, "filter", "object", argv[0]);
    return NULL;
  }
  req = bw_calloc(env, 1, sizeof(*req));
  if (req == NULL) return NULL;
  if (!opt_string(env, argv[0], "name", "filter.name", &req->name) ||
      !read_program(env, argv[0], "filter.program", &req->program)) {
    rules_free(req);
    return NULL;
  }
  if (req->name == NULL && req->program == NULL) {
    rules_free(req);
    napi_throw_type_error(env, "ERR_MISSING_ARGS",
                          "The \"filter.name\" or \"filter.program\" argument must be specified");
    return NULL;
  }
  return bw_promise_work(env, "backend-warden:firewallRules", req, rules_execute,
                         rules_to_js_result, rules_free, NULL);
}

bool bw_js_firewall_init(napi_env env, napi_value exports) {
  static const bw_export list[] = {
      {"firewallVerdict", js_firewall_verdict},
      {"firewallCheck", js_firewall_check},
      {"firewallRules", js_firewall_rules},
  };
  return bw_define_functions(env, exports, list, sizeof(list) / sizeof(list[0]));
}
