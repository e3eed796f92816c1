/* The Windows Firewall verdict, kept pure so that it runs (and is tested) on
 * every platform: which rules fit a program/port/protocol, and what the
 * profiles' settings and those rules decide, in the firewall's own order of
 * precedence — BlockAllInboundTraffic, then authenticated-bypass rules, then
 * block rules, then allow rules, then the default inbound action. Also the
 * helpers that decide "fits": %VAR% expansion, path comparison, port lists. */
#include <stdlib.h>
#include <string.h>

#include "firewall/firewall.h"

/* --- text ---------------------------------------------------------------- */

/* Next code point of a UTF-8 string. A byte that does not start a valid
 * sequence comes back as U+DC00 + byte (a lone surrogate, never produced by
 * valid UTF-8), so invalid input still compares byte for byte. */
static uint32_t next_code_point(const unsigned char** p) {
  const unsigned char* s = *p;
  uint32_t c = s[0], min;
  int n, i;
  if (c < 0x80) {
    *p = s + 1;
    return c;
  }
  if ((c & 0xE0) == 0xC0) {
    n = 1, c &= 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2, c &= 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3, c &= 0x07, min = 0x10000;
  } else {
    *p = s + 1;
    return 0xDC00 + s[0];
  }
  /* The terminating NUL fails the continuation test, so this never reads
   * past the end of the string. */
  for (i = 1; i <= n; i++) {
    if ((s[i] & 0xC0) != 0x80) {
      *p = s + 1;
      return 0xDC00 + s[0];
    }
    c = (c << 6) | (s[i] & 0x3F);
  }
  if (c < min || c > 0x10FFFF) {
    *p = s + 1;
    return 0xDC00 + s[0];
  }
  *p = s + n + 1;
  return c;
}

/* Simple case folding for the scripts file names on Windows commonly use
 * (Latin-1, Latin Extended-A, Greek, Cyrillic); NTFS compares through an
 * upcase table, and for these letters folding to lower case is equivalent. */
static uint32_t fold(uint32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0xC0) return c;
  if (c <= 0xDE) return c == 0xD7 ? c : c + 32;
  if (c >= 0x100 && c <= 0x137 && c != 0x130 && c != 0x131) return c | 1;
  if (c >= 0x139 && c <= 0x148) return (c & 1) ? c + 1 : c;
  if (c >= 0x14A && c <= 0x177) return c | 1;
  if (c == 0x178) return 0xFF;
  if (c >= 0x179 && c <= 0x17E) return (c & 1) ? c + 1 : c;
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  return c;
}

static bool folded_equal(const char* a, const char* b, bool path) {
  const unsigned char* pa = (const unsigned char*)a;
  const unsigned char* pb = (const unsigned char*)b;
  while (*pa && *pb) {
    uint32_t ca = fold(next_code_point(&pa));
    uint32_t cb = fold(next_code_point(&pb));
    if (path) {
      if (ca == '/') ca = '\\';
      if (cb == '/') cb = '\\';
    }
    if (ca != cb) return false;
  }
  return *pa == '\0' && *pb == '\0';
}

bool bw_fw_path_equal(const char* a, const char* b) {
  return a != NULL && b != NULL && folded_equal(a, b, true);
}

bool bw_fw_name_equal(const char* a, const char* b) {
  return a != NULL && b != NULL && folded_equal(a, b, false);
}

/* --- %VAR% expansion ----------------------------------------------------- */

typedef struct strbuf {
  char* data;
  size_t len;
  size_t cap;
} strbuf;

static bool sb_append(strbuf* sb, const char* s, size_t n) {
  if (sb->len + n + 1 > sb->cap) {
    size_t cap = sb->cap ? sb->cap : 64;
    char* grown;
    while (cap < sb->len + n + 1) cap *= 2;
    grown = realloc(sb->data, cap);
    if (grown == NULL) return false;
    sb->data = grown;
    sb->cap = cap;
  }
  memcpy(sb->data + sb->len, s, n);
  sb->len += n;
  sb->data[sb->len] = '\0';
  return true;
}

char* bw_fw_expand_env(const char* s, bw_fw_getenv_fn getenv_fn, void* ctx) {
  strbuf sb = {NULL, 0, 0};
  const char* p = s;
  if (!sb_append(&sb, "", 0)) return NULL;
  while (*p) {
    const char* pct = strchr(p, '%');
    const char* end;
    if (pct == NULL) {
      if (!sb_append(&sb, p, strlen(p))) goto fail;
      break;
    }
    if (!sb_append(&sb, p, (size_t)(pct - p))) goto fail;
    end = strchr(pct + 1, '%');
    if (end == NULL) { /* a lone '%' stays as written */
      if (!sb_append(&sb, pct, strlen(pct))) goto fail;
      break;
    }
    if (end > pct + 1 && getenv_fn != NULL) {
      bool oom = false;
      char* value;
      char* name = malloc((size_t)(end - pct));
      if (name == NULL) goto fail;
      memcpy(name, pct + 1, (size_t)(end - pct - 1));
      name[end - pct - 1] = '\0';
      value = getenv_fn(ctx, name, &oom);
      free(name);
      if (oom) goto fail;
      if (value != NULL) {
        bool ok = sb_append(&sb, value, strlen(value));
        free(value);
        if (!ok) goto fail;
        p = end + 1;
        continue;
      }
    }
    /* Not set (or "%%"): keep "%NAME%" as written, go on after it. */
    if (!sb_append(&sb, pct, (size_t)(end - pct + 1))) goto fail;
    p = end + 1;
  }
  return sb.data;

fail:
  free(sb.data);
  return NULL;
}

/* --- local ports --------------------------------------------------------- */

/* Parses a decimal port (1..65535) of exactly [s, e); false otherwise. */
static bool parse_port(const char* s, const char* e, int32_t* out) {
  int32_t v = 0;
  if (s == e || e - s > 5) return false;
  for (; s < e; s++) {
    if (*s < '0' || *s > '9') return false;
    v = v * 10 + (*s - '0');
  }
  if (v < 1 || v > 65535) return false;
  *out = v;
  return true;
}

bool bw_fw_ports_match(const char* local_ports, int32_t port) {
  const char* p = local_ports;
  if (p == NULL || *p == '\0') return true;
  while (*p) {
    const char* item = p;
    const char* end = strchr(p, ',');
    const char* dash;
    int32_t lo, hi;
    if (end == NULL) end = p + strlen(p);
    p = *end ? end + 1 : end;
    while (item < end && *item == ' ') item++;
    while (end > item && end[-1] == ' ') end--;
    if (item + 1 == end && item[0] == '*') return true;
    if (port <= 0) continue;
    /* A range "lo-hi" or a single port. Anything else is a keyword (RPC,
     * RPC-EPMap, IPHTTPS, Teredo, Ply2Disc, mDNS…): those name dynamic
     * ports the system assigns, never a backend's plain port. */
    dash = memchr(item, '-', (size_t)(end - item));
    if (dash != NULL) {
      if (!parse_port(item, dash, &lo) || !parse_port(dash + 1, end, &hi)) continue;
    } else {
      if (!parse_port(item, end, &lo)) continue;
      hi = lo;
    }
    if (lo <= port && port <= hi) return true;
  }
  return false;
}

/* --- rules and verdict --------------------------------------------------- */

bool bw_fw_rule_matches(const bw_fw_rule* rule, const bw_fw_query* q, bw_fw_getenv_fn getenv_fn,
                        void* ctx, bool* oom) {
  char* expanded;
  bool equal;
  *oom = false;
  if (rule->direction != BW_FW_DIR_IN) return false;
  if (rule->service != NULL && rule->service[0] != '\0') return false;
  if (rule->protocol != BW_FW_PROTO_ANY && rule->protocol != q->protocol) return false;
  if (!bw_fw_ports_match(rule->local_ports, q->port)) return false;
  if (rule->application == NULL || rule->application[0] == '\0' ||
      strcmp(rule->application, "*") == 0)
    return true;
  /* A rule for one program says nothing about a query that names none. */
  if (q->program == NULL) return false;
  expanded = bw_fw_expand_env(rule->application, getenv_fn, ctx);
  if (expanded == NULL) {
    *oom = true;
    return false;
  }
  equal = bw_fw_path_equal(expanded, q->program);
  free(expanded);
  return equal;
}

static void decide_profile(const bw_fw_policy* policy, int index, bool loopback, bw_fw_state* state,
                           bw_fw_reason* reason) {
  const bw_fw_profile* p = &policy->profiles[index];
  int32_t bit = 1 << index;
  bool bypass = false, block = false, allow = false;
  size_t i;
  if (loopback) {
    *state = BW_FW_NOT_APPLICABLE, *reason = BW_FW_REASON_LOOPBACK;
    return;
  }
  if (!p->enabled) {
    *state = BW_FW_ALLOWED, *reason = BW_FW_REASON_FIREWALL_OFF;
    return;
  }
  /* "Block all incoming connections" ignores allow and bypass rules alike. */
  if (p->block_all_inbound) {
    *state = BW_FW_BLOCKED, *reason = BW_FW_REASON_BLOCK_ALL;
    return;
  }
  for (i = 0; i < policy->count; i++) {
    const bw_fw_rule* r = &policy->rules[i];
    if (!r->matches || !r->enabled || (r->profiles & bit) == 0) continue;
    if (r->action == BW_FW_ACTION_BLOCK)
      block = true;
    else if (r->action == BW_FW_ACTION_ALLOW && r->bypass)
      bypass = true;
    else if (r->action == BW_FW_ACTION_ALLOW)
      allow = true;
  }
  if (bypass)
    *state = BW_FW_ALLOWED, *reason = BW_FW_REASON_BYPASS_RULE;
  else if (block)
    *state = BW_FW_BLOCKED, *reason = BW_FW_REASON_BLOCK_RULE;
  else if (allow)
    *state = BW_FW_ALLOWED, *reason = BW_FW_REASON_ALLOW_RULE;
  else if (p->default_inbound == BW_FW_ACTION_ALLOW)
    *state = BW_FW_ALLOWED, *reason = BW_FW_REASON_DEFAULT_ALLOW;
  else
    *state = BW_FW_NO_RULE, *reason = BW_FW_REASON_DEFAULT_BLOCK;
}

bool bw_fw_evaluate(bw_fw_policy* policy, const bw_fw_query* q, bw_fw_getenv_fn getenv_fn,
                    void* ctx, bw_fw_verdict* verdict) {
  int32_t active = policy->current_profiles & 0x7;
  int32_t filtering = 0; /* active profiles whose firewall is on */
  bool any_blocked = false, any_no_rule = false;
  size_t i;
  int k;
  /* Windows always reports at least one profile while it has a network;
   * with none reported, all three are judged so nothing is missed. */
  if (active == 0) active = 0x7;
  for (k = 0; k < BW_FW_PROFILE_COUNT; k++)
    if ((active & (1 << k)) && policy->profiles[k].enabled) filtering |= 1 << k;

  for (i = 0; i < policy->count; i++) {
    bw_fw_rule* r = &policy->rules[i];
    bool oom;
    r->matches = bw_fw_rule_matches(r, q, getenv_fn, ctx, &oom);
    if (oom) return false;
    r->applies = !q->loopback && r->matches && r->enabled && (r->profiles & filtering) != 0;
  }

  verdict->active = active;
  for (k = 0; k < BW_FW_PROFILE_COUNT; k++) {
    decide_profile(policy, k, q->loopback, &verdict->profile_state[k], &verdict->profile_reason[k]);
    if (active & (1 << k)) {
      if (verdict->profile_state[k] == BW_FW_BLOCKED) any_blocked = true;
      if (verdict->profile_state[k] == BW_FW_NO_RULE) any_no_rule = true;
    }
  }
  /* Traffic arrives through one interface, judged by that interface's
   * profile; a client on any active network must get through, so the
   * strictest active profile decides. */
  if (q->loopback)
    verdict->state = BW_FW_NOT_APPLICABLE;
  else if (any_blocked)
    verdict->state = BW_FW_BLOCKED;
  else if (any_no_rule)
    verdict->state = BW_FW_NO_RULE;
  else
    verdict->state = BW_FW_ALLOWED;
  return true;
}

bool bw_fw_filter_rules(bw_fw_policy* policy, const char* name, const char* program,
                        bw_fw_getenv_fn getenv_fn, void* ctx) {
  size_t i;
  for (i = 0; i < policy->count; i++) {
    bw_fw_rule* r = &policy->rules[i];
    bool keep = true;
    if (name != NULL) keep = bw_fw_name_equal(r->name, name);
    if (keep && program != NULL) {
      if (r->application == NULL) {
        keep = false;
      } else {
        char* expanded = bw_fw_expand_env(r->application, getenv_fn, ctx);
        if (expanded == NULL) return false;
        keep = bw_fw_path_equal(expanded, program);
        free(expanded);
      }
    }
    r->matches = keep;
    r->applies = false;
  }
  bw_fw_policy_keep_matching(policy);
  return true;
}

/* --- records ------------------------------------------------------------- */

bool bw_fw_policy_push(bw_fw_policy* policy, bw_fw_rule* rule) {
  if (policy->count == policy->capacity) {
    size_t cap = policy->capacity ? policy->capacity * 2 : 16;
    bw_fw_rule* grown = realloc(policy->rules, cap * sizeof(*grown));
    if (grown == NULL) return false;
    policy->rules = grown;
    policy->capacity = cap;
  }
  policy->rules[policy->count++] = *rule;
  memset(rule, 0, sizeof(*rule));
  return true;
}

void bw_fw_policy_keep_matching(bw_fw_policy* policy) {
  size_t i, kept = 0;
  for (i = 0; i < policy->count; i++) {
    if (policy->rules[i].matches)
      policy->rules[kept++] = policy->rules[i];
    else
      bw_fw_rule_free(&policy->rules[i]);
  }
  policy->count = kept;
}

void bw_fw_rule_free(bw_fw_rule* rule) {
  free(rule->name);
  free(rule->application);
  free(rule->service);
  free(rule->local_ports);
  free(rule->grouping);
  rule->name = rule->application = rule->service = NULL;
  rule->local_ports = rule->grouping = NULL;
}

void bw_fw_policy_free(bw_fw_policy* policy) {
  size_t i;
  for (i = 0; i < policy->count; i++) bw_fw_rule_free(&policy->rules[i]);
  free(policy->rules);
  policy->rules = NULL;
  policy->count = policy->capacity = 0;
}
