/* Windows Firewall verdicts: the neutral rule and profile records, the pure
 * matcher that decides whether inbound traffic to a program/port gets
 * through (firewall_match.c, every platform), and the policy queries that
 * fill the records (firewall_win.c through INetFwPolicy2; firewall_posix.c
 * answers ENOTSUP). The OS files never touch napi_env. */
#ifndef BW_FIREWALL_H
#define BW_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os/error.h"

/* NET_FW_PROFILE_TYPE2 bits. */
#define BW_FW_PROFILE_DOMAIN 0x1
#define BW_FW_PROFILE_PRIVATE 0x2
#define BW_FW_PROFILE_PUBLIC 0x4
#define BW_FW_PROFILE_COUNT 3
/* NET_FW_IP_PROTOCOL: IANA protocol numbers plus 256 for "any". These are
 * not the NET_FW_IP_VERSION constants (0, 1, 2) that Microsoft's sample
 * passes for the protocol and several public tools copied. */
#define BW_FW_PROTO_TCP 6
#define BW_FW_PROTO_UDP 17
#define BW_FW_PROTO_ANY 256
/* NET_FW_RULE_DIRECTION and NET_FW_ACTION. */
#define BW_FW_DIR_IN 1
#define BW_FW_DIR_OUT 2
#define BW_FW_ACTION_BLOCK 0
#define BW_FW_ACTION_ALLOW 1

/* Per-profile settings, read one profile bit at a time. */
typedef struct bw_fw_profile {
  bool enabled;            /* FirewallEnabled */
  bool block_all_inbound;  /* BlockAllInboundTraffic ("shields up") */
  int32_t default_inbound; /* DefaultInboundAction: BW_FW_ACTION_* */
} bw_fw_profile;

/* One rule as INetFwRule reports it. Strings are UTF-8, malloc'ed, NULL
 * when the rule leaves the condition open (any program, any port). */
typedef struct bw_fw_rule {
  char* name;
  char* application; /* as stored: may contain %ProgramFiles% and the like */
  char* service;     /* a rule naming a service applies to that service only */
  char* local_ports; /* "80,443,5000-5010", "*", keywords such as "RPC" */
  char* grouping;
  int32_t direction; /* BW_FW_DIR_* */
  int32_t action;    /* BW_FW_ACTION_* */
  int32_t profiles;  /* NET_FW_PROFILE_TYPE2 mask (0x7fffffff = all) */
  int32_t protocol;  /* NET_FW_IP_PROTOCOL */
  bool enabled;
  bool edge_traversal;
  /* Authenticated bypass ("allow if secure" + "override block rules"): the
   * only kind of rule that beats a block rule. INetFwRule does not expose
   * it, so rules read from COM never set it; rule sets given to the matcher
   * directly may. */
  bool bypass;
  /* Filled by bw_fw_evaluate. */
  bool matches; /* inbound, program, protocol, port and service all fit */
  bool applies; /* matches, enabled, in an active profile whose firewall is on */
} bw_fw_rule;

typedef struct bw_fw_policy {
  int32_t current_profiles;                    /* CurrentProfileTypes */
  bw_fw_profile profiles[BW_FW_PROFILE_COUNT]; /* domain, private, public */
  bw_fw_rule* rules;
  size_t count;
  size_t capacity;
  size_t skipped; /* rules left out because one of their getters failed */
} bw_fw_policy;

/* What the backend does: listens for protocol on port, as program. */
typedef struct bw_fw_query {
  const char* program; /* absolute path, NULL = not given */
  int32_t port;        /* 1..65535, 0 = not given */
  int32_t protocol;    /* BW_FW_PROTO_TCP or BW_FW_PROTO_UDP */
  bool loopback;       /* listens on loopback addresses only */
} bw_fw_query;

typedef enum bw_fw_state {
  BW_FW_ALLOWED = 0,
  BW_FW_BLOCKED,
  BW_FW_NO_RULE,       /* nothing allows it and the default inbound action blocks */
  BW_FW_NOT_APPLICABLE /* loopback: the Windows Firewall does not filter it */
} bw_fw_state;

typedef enum bw_fw_reason {
  BW_FW_REASON_LOOPBACK = 0,
  BW_FW_REASON_FIREWALL_OFF,
  BW_FW_REASON_BLOCK_ALL,
  BW_FW_REASON_BYPASS_RULE,
  BW_FW_REASON_BLOCK_RULE,
  BW_FW_REASON_ALLOW_RULE,
  BW_FW_REASON_DEFAULT_ALLOW,
  BW_FW_REASON_DEFAULT_BLOCK
} bw_fw_reason;

typedef struct bw_fw_verdict {
  bw_fw_state state;                                /* over the active profiles */
  int32_t active;                                   /* the profile bits that decided it */
  bw_fw_state profile_state[BW_FW_PROFILE_COUNT];   /* every profile, */
  bw_fw_reason profile_reason[BW_FW_PROFILE_COUNT]; /* active or not */
} bw_fw_verdict;

/* Looks up an environment variable for %NAME% expansion: a malloc'ed UTF-8
 * value, or NULL when it is not set (then *oom tells whether allocation
 * failed). Injected so the expansion runs on synthetic environments too. */
typedef char* (*bw_fw_getenv_fn)(void* ctx, const char* name, bool* oom);

/* ExpandEnvironmentStrings semantics: %NAME% is replaced when NAME is set
 * and left as written otherwise. Returns a malloc'ed string, NULL on OOM. */
char* bw_fw_expand_env(const char* s, bw_fw_getenv_fn getenv_fn, void* ctx);

/* Path equality as the firewall sees it: case-insensitive (simple case
 * folding of Latin, Greek and Cyrillic letters), '/' equal to '\'. */
bool bw_fw_path_equal(const char* a, const char* b);
/* Case-insensitive equality of rule names (same folding, no separators). */
bool bw_fw_name_equal(const char* a, const char* b);

/* Whether a local-ports string admits port (0 = the query names no port:
 * only "any" admits it). Keywords never match a plain port. */
bool bw_fw_ports_match(const char* local_ports, int32_t port);

/* Whether rule fits the query (program, protocol, port, service, inbound),
 * ignoring enabled state and profiles. false with *oom on allocation
 * failure. */
bool bw_fw_rule_matches(const bw_fw_rule* rule, const bw_fw_query* q, bw_fw_getenv_fn getenv_fn,
                        void* ctx, bool* oom);

/* Sets every rule's matches/applies and fills verdict. false on OOM. */
bool bw_fw_evaluate(bw_fw_policy* policy, const bw_fw_query* q, bw_fw_getenv_fn getenv_fn,
                    void* ctx, bw_fw_verdict* verdict);

/* Appends *rule (ownership of its strings moves into the policy). false on
 * OOM, then the rule is left to the caller. */
bool bw_fw_policy_push(bw_fw_policy* policy, bw_fw_rule* rule);
/* Drops rules whose matches flag is false (after bw_fw_evaluate). */
void bw_fw_policy_keep_matching(bw_fw_policy* policy);
void bw_fw_rule_free(bw_fw_rule* rule);
void bw_fw_policy_free(bw_fw_policy* policy);

/* Keeps (matches = true) the rules whose name equals name and whose
 * expanded application equals program; NULL leaves that condition open.
 * Drops the rest. false on OOM. */
bool bw_fw_filter_rules(bw_fw_policy* policy, const char* name, const char* program,
                        bw_fw_getenv_fn getenv_fn, void* ctx);

/* --- policy reads (firewall_win.c; ENOTSUP elsewhere) ------------------ */

/* Reads every rule and, when profiles is true, the current profile types
 * and each profile's settings. Runs COM on the calling thread, which must
 * not be the JS thread. A rule whose getter fails is skipped and counted. */
bool bw_fw_read_policy(bw_fw_policy* out, bool profiles, bw_error* err);

/* The process environment as a bw_fw_getenv_fn (ctx unused). */
char* bw_fw_process_getenv(void* ctx, const char* name, bool* oom);

#endif
