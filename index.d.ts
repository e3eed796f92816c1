// Type declarations for backend-warden. Kept in step with lib/ and checked by
// tsc in the tests.

/** One process and its identity. */
export interface ProcessInfo {
  /** Process ID. */
  pid: number;
  /** Parent process ID (0 when the parent is unknown). */
  ppid: number;
  /** Executable or command name (Linux: the 15-character `comm`; Windows: the image name). */
  name: string;
  /**
   * Identity of this incarnation of the PID; compare for equality only.
   * Linux: clock ticks after boot (`/proc/<pid>/stat` starttime); Windows and macOS:
   * milliseconds since the Unix epoch. `null` when the OS would not tell (access denied).
   */
  startTime: number | null;
}

/** One process; rejects with `ESRCH` when there is no such process. */
export function processInfo(pid: number): Promise<ProcessInfo>;

/** Which native binary is loaded. */
export interface NativeInfo {
  /** The package version the binary was built from. */
  version: string;
  /** The Node-API version of the running Node.js or Electron. */
  napiVersion: number;
  /** The Node-API version the binary targets (8). */
  builtNapiVersion: number;
  /** `process.platform` of the binary's target. */
  platform: 'linux' | 'darwin' | 'win32';
  /** Absolute path of the loaded `.node` file. */
  path: string;
}

export function nativeInfo(): NativeInfo;

/** A native failure, shaped like Node's system errors. */
export interface SystemError extends Error {
  /** `ESRCH`, `EPERM`, `EADDRINUSE`, `E_NOTIMPL`, … */
  code: string;
  /** `-errno` on POSIX, the Win32 error or the HRESULT on Windows. */
  errno?: number;
  /** The failing call. */
  syscall?: string;
  /** COM failures only: the HRESULT as `0x8000…`. */
  hresult?: string;
}

// --- Firewall ---

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

/** What the backend does. */
export interface CheckFirewallOptions {
  /** Absolute path of the backend's executable; rules for other programs are ignored. */
  program?: string;
  /** The port it listens on (1–65535). */
  port?: number;
  /** Default `'tcp'`. */
  protocol?: 'tcp' | 'udp';
  /** The address it listens on. Default `'127.0.0.1'`: loopback, never filtered. */
  host?: string;
}

/**
 * Would the Windows Firewall let other devices reach the backend, and why? Reads the policy
 * through `INetFwPolicy2` off the JS thread. Never rejects because the firewall cannot be
 * read (`state: 'unknown'`); rejects only for bad arguments. Elsewhere than Windows:
 * `state: 'not-applicable'`, `compatible: true`.
 */
export function checkFirewall(options?: CheckFirewallOptions): Promise<FirewallStatus>;

/** Which rules to look for: by name, by program, or both (a rule must then fit both). */
export type FirewallRuleQuery = { name: string; program?: string } | { name?: string; program: string };

/** Whether such a rule exists. */
export interface FirewallRuleResult {
  /** At least one rule (either direction) fits. Always `false` elsewhere than Windows. */
  exists: boolean;
  /** Every rule that fits, when `exists`. */
  details?: FirewallRuleInfo[];
  /** Rules left out because reading them failed; absent when none. */
  skipped?: number;
}

/** Looks up firewall rules; rejects with a {@link SystemError} (with `hresult`) when the policy cannot be read. */
export function firewallRule(query: FirewallRuleQuery): Promise<FirewallRuleResult>;

/** The rule to suggest. At least `program` or `port` is required. */
export interface FirewallCommandOptions {
  /** Rule name; default: the program's file name, or `"TCP port <port>"`. */
  name?: string;
  /** Absolute Windows path of the backend's executable. */
  program?: string;
  /** The port it listens on (1–65535). */
  port?: number;
  /** Default `'tcp'`. */
  protocol?: 'tcp' | 'udp';
}

/**
 * The `netsh advfirewall firewall add rule …` line that allows the backend, quoted for a
 * Command Prompt (cmd.exe) opened as administrator. For the user to run; the library never runs it.
 */
export function firewallCommand(options: FirewallCommandOptions): string;
