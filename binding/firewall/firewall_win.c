/* The Windows Firewall policy through INetFwPolicy2 (the COM API behind
 * wf.msc): current profile types, each profile's settings, and every rule as
 * a plain bw_fw_rule. Runs on a libuv pool thread inside its own COM
 * apartment, never on the JS thread.
 *
 * Ownership rules, kept by construction: every interface pointer starts NULL
 * and is released once at its function's single cleanup label; every BSTR a
 * getter returns is freed in get_string right after conversion; the one
 * VARIANT is cleared after each rule and again (harmlessly) at cleanup. */
#define COBJMACROS
#include <windows.h>
#include <ole2.h>
#include <oleauto.h>
#include <netfw.h>

#include <stdlib.h>
#include <string.h>

#include "firewall/firewall.h"

/* GUIDs defined here rather than taken from libuuid: mingw-w64 declares the
 * netfw ones in netfw.h but ships no library that defines them. */
static const CLSID bw_clsid_policy2 = {
    0xe2b3c97f, 0x6ae1, 0x41ac, {0x81, 0x7a, 0xf6, 0xf9, 0x21, 0x66, 0xd7, 0xdd}};
static const IID bw_iid_policy2 = {
    0x98325047, 0xc671, 0x4174, {0x8d, 0x81, 0xde, 0xfc, 0xd3, 0xf0, 0x31, 0x86}};
static const IID bw_iid_rule = {
    0xaf230d27, 0xbaba, 0x4e42, {0xac, 0xed, 0xf5, 0x24, 0xf2, 0x2c, 0xfc, 0xe2}};
static const IID bw_iid_enum_variant = {
    0x00020404, 0x0000, 0x0000, {0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};

/* --- strings ------------------------------------------------------------- */

static char* wide_to_utf8(const WCHAR* w, int len) {
  int n = WideCharToMultiByte(CP_UTF8, 0, w, len, NULL, 0, NULL, NULL);
  char* s;
  if (n <= 0) n = 0;
  s = malloc((size_t)n + 1);
  if (s == NULL) return NULL;
  if (n > 0) WideCharToMultiByte(CP_UTF8, 0, w, len, s, n, NULL, NULL);
  s[n] = '\0';
  return s;
}

typedef HRESULT(STDMETHODCALLTYPE* bstr_getter)(INetFwRule* self, BSTR* out);

/* Calls a BSTR getter and converts its result to UTF-8 (NULL for a NULL or
 * empty string). The BSTR is freed here, on every path. */
static HRESULT get_string(INetFwRule* rule, bstr_getter get, char** out) {
  BSTR b = NULL;
  HRESULT hr = get(rule, &b);
  *out = NULL;
  if (FAILED(hr)) return hr; /* a failing getter returns no string */
  if (b != NULL && SysStringLen(b) > 0) {
    *out = wide_to_utf8(b, (int)SysStringLen(b));
    if (*out == NULL) hr = E_OUTOFMEMORY;
  }
  SysFreeString(b);
  return hr;
}

char* bw_fw_process_getenv(void* ctx, const char* name, bool* oom) {
  WCHAR* wname = NULL;
  WCHAR* value = NULL;
  char* result = NULL;
  DWORD size = 256, n;
  int len;
  (void)ctx;
  *oom = false;
  len = MultiByteToWideChar(CP_UTF8, 0, name, -1, NULL, 0);
  if (len <= 0) goto done;
  wname = malloc((size_t)len * sizeof(WCHAR));
  if (wname == NULL) goto oom;
  MultiByteToWideChar(CP_UTF8, 0, name, -1, wname, len);
  /* Variable-size answer: call, grow to the size asked for, retry. */
  for (;;) {
    WCHAR* grown = realloc(value, size * sizeof(WCHAR));
    if (grown == NULL) goto oom;
    value = grown;
    SetLastError(ERROR_SUCCESS);
    n = GetEnvironmentVariableW(wname, value, size);
    if (n == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND) goto done;
    if (n < size) break;
    size = n;
  }
  result = wide_to_utf8(value, (int)n);
  if (result == NULL) goto oom;
  goto done;

oom:
  *oom = true;
done:
  free(wname);
  free(value);
  return result;
}

/* --- rules --------------------------------------------------------------- */

/* Reads one rule. Any failing getter fails the rule (the caller skips and
 * counts it); r holds nothing then. */
static HRESULT read_rule(IDispatch* disp, bw_fw_rule* r) {
  INetFwRule* rule = NULL;
  NET_FW_RULE_DIRECTION direction = NET_FW_RULE_DIR_IN;
  NET_FW_ACTION action = NET_FW_ACTION_BLOCK;
  VARIANT_BOOL enabled = VARIANT_FALSE, edge = VARIANT_FALSE;
  LONG profiles = 0, protocol = 0;
  HRESULT hr;

  memset(r, 0, sizeof(*r));
  hr = IDispatch_QueryInterface(disp, &bw_iid_rule, (void**)&rule);
  if (FAILED(hr)) goto cleanup;
  if (FAILED(hr = get_string(rule, rule->lpVtbl->get_Name, &r->name)) ||
      FAILED(hr = get_string(rule, rule->lpVtbl->get_ApplicationName, &r->application)) ||
      FAILED(hr = get_string(rule, rule->lpVtbl->get_ServiceName, &r->service)) ||
      FAILED(hr = get_string(rule, rule->lpVtbl->get_LocalPorts, &r->local_ports)) ||
      FAILED(hr = get_string(rule, rule->lpVtbl->get_Grouping, &r->grouping)) ||
      FAILED(hr = INetFwRule_get_Direction(rule, &direction)) ||
      FAILED(hr = INetFwRule_get_Action(rule, &action)) ||
      FAILED(hr = INetFwRule_get_Enabled(rule, &enabled)) ||
      FAILED(hr = INetFwRule_get_Profiles(rule, &profiles)) ||
      FAILED(hr = INetFwRule_get_Protocol(rule, &protocol)) ||
      FAILED(hr = INetFwRule_get_EdgeTraversal(rule, &edge)))
    goto cleanup;
  r->direction = (int32_t)direction;
  r->action = (int32_t)action;
  r->enabled = enabled != VARIANT_FALSE;
  r->profiles = (int32_t)profiles;
  r->protocol = (int32_t)protocol;
  r->edge_traversal = edge != VARIANT_FALSE;
  r->bypass = false; /* not observable through INetFwRule; see firewall.h */

cleanup:
  if (rule != NULL) INetFwRule_Release(rule);
  if (FAILED(hr)) bw_fw_rule_free(r);
  return hr;
}

/* Enumerates INetFwRules through get__NewEnum → IEnumVARIANT → IDispatch →
 * INetFwRule, appending each readable rule to out. */
static HRESULT read_rules(INetFwPolicy2* policy, bw_fw_policy* out, const char** syscall) {
  INetFwRules* rules = NULL;
  IUnknown* unknown = NULL;
  IEnumVARIANT* items = NULL;
  VARIANT var;
  HRESULT hr;

  VariantInit(&var);
  *syscall = "INetFwPolicy2::get_Rules";
  hr = INetFwPolicy2_get_Rules(policy, &rules);
  if (FAILED(hr)) goto cleanup;
  *syscall = "INetFwRules::get__NewEnum";
  hr = INetFwRules_get__NewEnum(rules, &unknown);
  if (FAILED(hr)) goto cleanup;
  *syscall = "IUnknown::QueryInterface(IEnumVARIANT)";
  hr = IUnknown_QueryInterface(unknown, &bw_iid_enum_variant, (void**)&items);
  if (FAILED(hr)) goto cleanup;

  *syscall = "IEnumVARIANT::Next";
  for (;;) {
    ULONG fetched = 0;
    bw_fw_rule rule;
    HRESULT rhr;
    hr = IEnumVARIANT_Next(items, 1, &var, &fetched);
    if (FAILED(hr)) goto cleanup;
    if (fetched == 0) break; /* S_FALSE: the end */
    rhr = E_NOINTERFACE;
    if (V_VT(&var) == VT_DISPATCH && V_DISPATCH(&var) != NULL)
      rhr = read_rule(V_DISPATCH(&var), &rule);
    VariantClear(&var); /* releases the IDispatch; rule keeps only copies */
    if (rhr == E_OUTOFMEMORY) {
      hr = rhr;
      *syscall = "malloc";
      goto cleanup;
    }
    if (FAILED(rhr)) {
      out->skipped++;
    } else if (!bw_fw_policy_push(out, &rule)) {
      bw_fw_rule_free(&rule);
      hr = E_OUTOFMEMORY;
      *syscall = "realloc";
      goto cleanup;
    }
    if (hr == S_FALSE) break;
  }
  hr = S_OK;

cleanup:
  VariantClear(&var);
  if (items != NULL) IEnumVARIANT_Release(items);
  if (unknown != NULL) IUnknown_Release(unknown);
  if (rules != NULL) INetFwRules_Release(rules);
  return hr;
}

/* --- profiles ------------------------------------------------------------ */

/* Current profile types, then each profile's settings asked one profile
 * bit at a time (the getters take a single NET_FW_PROFILE_TYPE2 value; a
 * combined mask is not a profile). No COM objects are created here. */
static HRESULT read_profiles(INetFwPolicy2* policy, bw_fw_policy* out, const char** syscall) {
  LONG current = 0;
  HRESULT hr;
  int k;
  *syscall = "INetFwPolicy2::get_CurrentProfileTypes";
  hr = INetFwPolicy2_get_CurrentProfileTypes(policy, &current);
  if (FAILED(hr)) return hr;
  out->current_profiles = (int32_t)current;
  for (k = 0; k < BW_FW_PROFILE_COUNT; k++) {
    NET_FW_PROFILE_TYPE2 type = (NET_FW_PROFILE_TYPE2)(1 << k);
    VARIANT_BOOL enabled = VARIANT_TRUE, block_all = VARIANT_FALSE;
    NET_FW_ACTION action = NET_FW_ACTION_BLOCK;
    *syscall = "INetFwPolicy2::get_FirewallEnabled";
    hr = INetFwPolicy2_get_FirewallEnabled(policy, type, &enabled);
    if (FAILED(hr)) return hr;
    *syscall = "INetFwPolicy2::get_DefaultInboundAction";
    hr = INetFwPolicy2_get_DefaultInboundAction(policy, type, &action);
    if (FAILED(hr)) return hr;
    *syscall = "INetFwPolicy2::get_BlockAllInboundTraffic";
    hr = INetFwPolicy2_get_BlockAllInboundTraffic(policy, type, &block_all);
    if (FAILED(hr)) return hr;
    out->profiles[k].enabled = enabled != VARIANT_FALSE;
    out->profiles[k].default_inbound = (int32_t)action;
    out->profiles[k].block_all_inbound = block_all != VARIANT_FALSE;
  }
  return S_OK;
}

/* --- entry --------------------------------------------------------------- */

bool bw_fw_read_policy(bw_fw_policy* out, bool profiles, bw_error* err) {
  INetFwPolicy2* policy = NULL;
  const char* syscall = "CoInitializeEx";
  bool uninit = false;
  HRESULT hr;

  /* The pool thread gets its own multithreaded apartment for this call and
   * leaves it again below. A thread something else already made an STA
   * (RPC_E_CHANGED_MODE) is used as it is and not uninitialised by us. */
  hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
  if (hr == RPC_E_CHANGED_MODE) {
    hr = S_OK;
  } else if (SUCCEEDED(hr)) {
    uninit = true; /* S_OK and S_FALSE both need a matching CoUninitialize */
  }
  if (FAILED(hr)) goto cleanup;

  syscall = "CoCreateInstance(NetFwPolicy2)";
  hr = CoCreateInstance(&bw_clsid_policy2, NULL, CLSCTX_INPROC_SERVER, &bw_iid_policy2,
                        (void**)&policy);
  if (FAILED(hr)) goto cleanup;
  /* Rules first, then profiles: a failure anywhere fails the whole read
   * (the caller reports "unknown"); under Wine 8 get_Rules succeeds and
   * get__NewEnum is E_NOTIMPL, so the lane exercises this function, the
   * collection's release and the apartment's teardown. */
  hr = read_rules(policy, out, &syscall);
  if (SUCCEEDED(hr) && profiles) hr = read_profiles(policy, out, &syscall);

cleanup:
  if (policy != NULL) INetFwPolicy2_Release(policy);
  if (uninit) CoUninitialize();
  if (FAILED(hr)) {
    bw_fw_policy_free(out);
    bw_error_set(err, BW_ERR_HRESULT, (int32_t)hr, syscall);
    return false;
  }
  return true;
}
