// Types of what a renderer sees: window.backend (exposed by
// backend-warden/preload or backend-warden/sandboxed-preload) and the plain
// data it returns. No Node types: a DOM-only renderer project can use this
// file alone —
//   import type { BackendWindow } from 'backend-warden/renderer';
//   declare global { interface Window extends BackendWindow {} }
// index.d.ts re-exports everything here.

/**
 * Where a {@link Backend} is in its lifecycle:
 * - `idle`: constructed, never started;
 * - `starting`: choosing a port, spawning, waiting for readiness, or waiting out the back-off
 *   before an automatic restart;
 * - `running`: ready (the readiness probe passed);
 * - `stopping`: a stop (or the stop half of a restart) is under way;
 * - `stopped`: stopped on request, by `stopSync()`, after a failed or aborted start, or after
 *   the backend exited on its own with code 0;
 * - `crashed`: exited unexpectedly and automatic restarts are off or used up.
 */
export type BackendState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

/**
 * What {@link Backend.start} resolves to, and the `ready` event's argument. `U` is the URL's type:
 * `string` for a Backend with a port (the default), `null` with `port: false`.
 */
export interface BackendStartResult<U extends string | null = string | null> {
  /** `http://127.0.0.1:PORT` or `http://[::1]:PORT`; `null` with `port: false`. */
  url: U;
  /** The chosen port; `null` with `port: false`. */
  port: U extends string ? number : null;
  /** PID of the backend's root process. */
  pid: number;
}

export interface BackendStopResult {
  /** `true` when the whole tree is gone. */
  success: boolean;
  /** `true` when the grace period ran out and the tree was killed. */
  forced: boolean;
}

export interface BackendRestartResult<U extends string | null = string | null> {
  /** Always `true` (a failed restart rejects; the renderer bridge resolves {@link BackendBridgeFailure} instead). */
  success: true;
  /** The new URL (the same port when it was still free). */
  url: U;
}

/** How the backend's root process ended. */
export interface BackendExit {
  /** PID of the root process that exited. */
  pid: number | null;
  /** Exit code; `null` when killed by a signal. */
  code: number | null;
  /** e.g. `'SIGKILL'`; `null` for a normal exit. */
  signal: string | null;
  /** When (ms since the epoch). */
  at: number;
  /** How long it ran, in ms. */
  uptimeMs: number;
  /** `true` when a stop or restart caused it. */
  expected: boolean;
  /** Set when the library ended it to heal it: failed liveness probes or the memory limit. */
  reason?: 'unhealthy' | 'limit';
  /** `reason: 'unhealthy'`: the probes that failed. */
  health?: { failures: number; last: string };
  /** `reason: 'limit'`: the figures (as in the `limit` event: `source` says who saw it). */
  limit?: { memoryBytes: number; source: 'sampler' | 'job'; rssBytes: number | null; committedBytes?: number | null };
}

/** An error as it crosses IPC: a plain object. */
export interface BackendErrorInfo {
  /** Node-style code: `ENOENT`, `ETIMEDOUT`, `ERR_BACKEND_EXITED`, `ERR_BACKEND_WARDEN_UNTRUSTED_SENDER`, … */
  code: string;
  /** One line or more (a start failure quotes the backend's last output). */
  message: string;
}

/** `status().health`: the last liveness probe. */
export interface BackendHealthStatus {
  /** The last probe's verdict; `null` before the first one. */
  ok: boolean | null;
  /** Consecutive failures so far. */
  failures: number;
  /** When the last probe settled (ms since the epoch), or `null`. */
  lastCheckAt: number | null;
}

/** The snapshot `status()` returns and the `status` event carries; plain data, safe to send over IPC. */
export interface BackendStatus {
  /** `options.name`. */
  name: string;
  state: BackendState;
  /** `state === 'running'`. */
  running: boolean;
  /** PID of the current root process (starting or running), else `null`. */
  pid: number | null;
  /** Port of the current process (starting or running), else `null`. */
  port: number | null;
  /** Only while running. */
  url: string | null;
  /** Automatic restarts since the last `start()`/`restart()`. */
  restarts: number;
  /** When it became ready (ms since the epoch), while running. */
  startedAt: number | null;
  /** While running; else 0. */
  uptimeMs: number;
  /** The last exit of a root process, expected or not. */
  lastExit: BackendExit | null;
  /** The last failure (a failed start, an unexpected exit); cleared when ready. */
  lastError: BackendErrorInfo | null;
  /** With `options.health`: the last probe; else `null`. */
  health: BackendHealthStatus | null;
}

/** A Windows Firewall network profile. */
export type FirewallProfileName = 'domain' | 'private' | 'public';

/**
 * What the firewall does with the backend's incoming connections:
 * - `allowed`: every active profile lets them through (an allow rule, the default inbound
 *   action, or the firewall is off there);
 * - `blocked`: an active profile blocks them with a block rule or "Block all incoming connections";
 * - `no-rule`: no rule allows them and the default inbound action of an active profile blocks;
 * - `not-applicable`: no Windows Firewall filters them (not Windows, or a loopback-only backend);
 * - `unknown`: the policy could not be read (see `error`).
 */
export type FirewallState = 'allowed' | 'blocked' | 'no-rule' | 'not-applicable' | 'unknown';

/** One Windows Firewall rule, as `INetFwRule` reports it. */
export interface FirewallRuleInfo {
  /** The rule's name (not unique: the "Windows Security Alert" prompt creates a TCP and a UDP rule of one name). */
  name: string;
  /** Whether the rule is enabled. */
  enabled: boolean;
  /** Inbound or outbound. */
  direction: 'in' | 'out';
  /** What the rule does with matching traffic. */
  action: 'allow' | 'block';
  /**
   * An authenticated-bypass rule ("allow if secure" + "override block rules"), the only kind
   * that beats a block rule. `INetFwRule` does not expose this, so rules read from Windows
   * always say `false`.
   */
  bypass: boolean;
  /** The profiles the rule covers. */
  profiles: FirewallProfileName[];
  /** `NET_FW_IP_PROTOCOL`: 6 TCP, 17 UDP, 256 any; other IANA numbers (1 ICMPv4, …) as they are. */
  protocol: number;
  /** Local ports as stored: `"*"` (any), `"80,443,5000-5010"`, or keywords such as `"RPC"`. */
  localPorts: string;
  /** The program the rule is limited to, as stored (may contain `%ProgramFiles%` and the like); `null` = any program. */
  application: string | null;
  /** The Windows service the rule is limited to; `null` = none. Rules naming a service never apply to a backend. */
  service: string | null;
  /** The rule group (often a resource reference such as `@FirewallAPI.dll,-28502`); `null` = none. */
  grouping: string | null;
  /** Whether edge traversal is allowed. Shown for information; it does not change precedence. */
  edgeTraversal: boolean;
  /**
   * `checkFirewall` only: the rule is enabled, fits the traffic and covers an active profile in
   * which the firewall is on, so it takes part in the verdict.
   */
  applies?: boolean;
}

/** One network profile's settings and what it decides for the backend's traffic. */
export interface FirewallProfileStatus {
  /** The profile. */
  name: FirewallProfileName;
  /** Whether Windows currently uses it (a network of this kind is connected). */
  active: boolean;
  /** `FirewallEnabled` for this profile. */
  enabled: boolean;
  /** `DefaultInboundAction`: what happens to inbound traffic no rule decides. */
  defaultInboundAction: 'allow' | 'block';
  /** `BlockAllInboundTraffic` ("Block all incoming connections, including those in the list of allowed apps"). */
  blockAllInbound: boolean;
  /** What this profile decides (also computed for inactive profiles). */
  verdict: Exclude<FirewallState, 'unknown'>;
  /** Why: the rule of precedence that decided. */
  reason:
    | 'loopback'
    | 'firewall-off'
    | 'block-all'
    | 'bypass-rule'
    | 'block-rule'
    | 'allow-rule'
    | 'default-allow'
    | 'default-block';
}

/** Why the firewall policy could not be read (`state: 'unknown'`). Plain data, safe to send over IPC. */
export interface FirewallError {
  /** The HRESULT's name (`E_NOTIMPL`, `E_ACCESSDENIED`, `EPT_S_NOT_REGISTERED` when the firewall service is stopped, …) or `HRESULT_0x…`. */
  code: string;
  /** COM failures: the HRESULT as `0x8000…`. */
  hresult?: string;
  /** `CODE: description, call`. */
  message: string;
  /** The COM call that failed, e.g. `INetFwPolicy2::get_CurrentProfileTypes`. */
  syscall?: string;
  /** The HRESULT (or errno) as a number. */
  errno?: number;
}

/** The firewall's verdict on a backend, for an app to show. */
export interface FirewallStatus {
  /**
   * `true` when the backend's connections are known to get through (or no Windows Firewall
   * filters them). `false` when they are blocked, or when the policy could not be read
   * (`state: 'unknown'`; the message then says nothing is known either way).
   */
  compatible: boolean;
  /** One paragraph for the user: what happens and why, naming the rules and profiles. */
  message: string;
  /** What to do about it (ends with the `netsh` line to run as administrator when one helps); absent when nothing is needed. */
  recommendation?: string;
  /** The verdict. */
  state: FirewallState;
  /** All three profiles with their settings and verdicts; empty when not read (`not-applicable`, `unknown`). */
  profiles: FirewallProfileStatus[];
  /**
   * Every inbound rule that fits the traffic (program, protocol, port), enabled or not, in any
   * profile; `applies` tells which took part. Empty when not read.
   */
  rules: FirewallRuleInfo[];
  /** `state: 'blocked'` only: the block rules that apply (empty when "Block all incoming connections" alone blocks). */
  blockedBy?: FirewallRuleInfo[];
  /** `state: 'unknown'` only: why the policy could not be read. */
  error?: FirewallError;
  /** Rules left out because reading them failed; absent when none. */
  skipped?: number;
}

/** Whether such a rule exists. */
export interface FirewallRuleResult {
  /** At least one rule (either direction) fits. Always `false` elsewhere than Windows. */
  exists: boolean;
  /** Every rule that fits, when `exists`. */
  details?: FirewallRuleInfo[];
  /** Rules left out because reading them failed; absent when none. */
  skipped?: number;
}

/**
 * A failed `restart()` or `stop()` as the renderer sees it (apps check `success`). `url` and
 * `forced` are absent; they are declared so that `const { success, url } = await restart()`
 * compiles.
 */
export interface BackendBridgeFailure {
  success: false;
  /** Why: the same plain object the other methods reject with. */
  error: BackendErrorInfo;
  url?: undefined;
  forced?: undefined;
}

/**
 * What the renderer sees as `window.backend` (see {@link exposeBackend}). Every method but
 * `restart()` and `stop()` rejects with a plain {@link BackendErrorInfo}:
 * `ERR_BACKEND_WARDEN_UNTRUSTED_SENDER`, `ERR_INVALID_ARG_TYPE`/`ERR_INVALID_ARG_VALUE`/
 * `ERR_OUT_OF_RANGE`, the backend's own error codes, or `ERR_BACKEND_WARDEN_IPC` when the main
 * process does not answer. `restart()` and `stop()` resolve `{ success: false, error }` instead,
 * the shape apps already check.
 */
export interface BackendBridge {
  /** {@link Backend.start}: `{ success, url, port, pid }`. */
  start(): Promise<BackendStartResult & { success: boolean }>;
  /** {@link Backend.restart}: `{ success, url }`, or `{ success: false, error }` when it failed. */
  restart(): Promise<BackendRestartResult | BackendBridgeFailure>;
  /** {@link Backend.stop}: `{ success, forced }`, or `{ success: false, error }` when it failed. */
  stop(): Promise<BackendStopResult | BackendBridgeFailure>;
  /** {@link Backend.status}; includes the `{ running, port, url }` older apps read. */
  status(): Promise<BackendStatus>;
  /** {@link Backend.checkFirewall}; includes `{ compatible, message, recommendation }`. */
  checkFirewall(): Promise<FirewallStatus>;
  /** {@link Backend.getFirewallRule}: `{ exists, details? }`; `name` ≤ 256 characters. */
  getFirewallRule(options?: { name?: string }): Promise<FirewallRuleResult>;
  /** {@link Backend.getFirewallCommand}: the command string; `name` ≤ 256 characters. */
  getFirewallCommand(options?: { name?: string }): Promise<string>;
  /** Calls `callback` with the current status soon, then on every change; returns unsubscribe. */
  onStatus(callback: (status: BackendStatus) => void): () => void;
}

/**
 * Merge into the renderer's `Window`:
 * `declare global { interface Window extends BackendWindow {} }`.
 */
export interface BackendWindow {
  /** What {@link exposeBackend} put there (default key). */
  backend: BackendBridge;
}
