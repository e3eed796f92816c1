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

// --- Process trees ---

/** Options of {@link listTree}. */
export interface ListTreeOptions {
  /** Identity of `pid` (from {@link processInfo}); when it differs the call rejects with `ESRCH`. */
  startTime?: number | null;
}

/**
 * The tree rooted at `pid`, root first, then breadth-first. A process counts as a child only if
 * it did not start before its parent (a reused parent PID is never mistaken for the parent).
 * Rejects with `ESRCH` when `pid` does not exist.
 */
export function listTree(pid: number, options?: ListTreeOptions): Promise<ProcessInfo[]>;

/** Options of {@link killTree} and {@link SupervisedProcess.kill}. */
export interface KillOptions {
  /** Polite signal sent first (POSIX; ignored on Windows, where WM_CLOSE / Ctrl+Break is used). Default `'SIGTERM'`. */
  signal?: NodeJS.Signals | number;
  /** How long to wait for the tree to exit before forcing (`SIGKILL` / `TerminateProcess`). `0` forces at once. Default 5000. */
  graceMs?: number;
}

/** Options of {@link killTree}. */
export interface KillTreeOptions extends KillOptions {
  /** Identity of `pid`; a PID whose identity differs is never signalled (the call rejects with `ESRCH`). */
  startTime?: number | null;
}

/** What a tree kill did. */
export interface KillResult {
  /** PIDs of the tree's members that are gone. */
  killed: number[];
  /** Whether some member outlived `graceMs` and had to be forced. */
  forced: boolean;
  /** PIDs still alive at the end (only processes the caller may not signal, or stuck in the kernel). */
  survivors: number[];
}

/**
 * Terminates the tree rooted at `pid` (and its process group when `pid` leads one): polite
 * signal, wait on the processes themselves up to `graceMs`, then force. Descendants seen while
 * their ancestor lived stay members after they detach (setsid, double fork); a tree started with
 * {@link spawnTree} is stopped through its supervisor or job, which also reaches descendants that
 * detached before the call. Rejects with `ESRCH` (no such process, or identity mismatch), `EPERM`
 * (may not signal `pid`; nothing touched) or `ERR_INVALID_ARG_VALUE` (PID 1, the calling process
 * or one of its ancestors).
 */
export function killTree(pid: number, options?: KillTreeOptions): Promise<KillResult>;

/** Synchronous force-kill of the tree rooted at `pid`, for `process.on('exit')` handlers. */
export function killTreeSync(pid: number, options?: { startTime?: number | null }): KillResult;

/** Options of {@link spawnTree}. */
export interface SpawnTreeOptions {
  /** Working directory of the backend. */
  cwd?: string;
  /** The backend's complete environment (default `process.env`); `undefined` values are dropped. */
  env?: Record<string, string | undefined>;
  /** Default `'ignore'`. */
  stdin?: 'pipe' | 'ignore' | 'inherit';
  /** Default `'pipe'`. */
  stdout?: 'pipe' | 'ignore' | 'inherit';
  /** Default `'pipe'`. */
  stderr?: 'pipe' | 'ignore' | 'inherit';
  /** Grace period used when the host dies or the root exits and leaves descendants, and the default of `kill()`. Default 5000. */
  graceMs?: number;
}

/**
 * A backend started by {@link spawnTree}. Linux and macOS: under the `backend_warden_supervisor`
 * executable, in its own process group. Windows: in a job object with
 * `JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`. Either way the whole tree dies with the host.
 */
export interface SupervisedProcess extends NodeJS.EventEmitter {
  /** The backend's PID, once spawned. */
  readonly pid: number | undefined;
  /** The backend's identity (see {@link ProcessInfo.startTime}), once spawned. */
  readonly startTime: number | undefined;
  /** The supervisor's PID (Linux and macOS); `undefined` on Windows. */
  readonly supervisorPid: number | undefined;
  readonly stdin: NodeJS.WritableStream | null;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  /** The root's exit code once it exited on its own. */
  readonly exitCode: number | null;
  /** The signal that ended the root (`'SIGKILL'` when it was forced on Windows). */
  readonly signalCode: NodeJS.Signals | null;
  /** Resolves once the backend runs; rejects (`ENOENT`, `EACCES`…, `syscall: 'spawn'`, `path`) when it cannot be started. */
  readonly spawned: Promise<{ pid: number; startTime: number }>;
  /** Resolves when the whole tree is gone and stdio is closed (`'close'`). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Polite stop of the whole tree, wait, then force; resolves when the whole tree is gone. Concurrent calls share one sequence. */
  kill(options?: KillOptions): Promise<KillResult>;
  /** Synchronous force-kill of the whole tree (for `process.on('exit')`). */
  killSync(): void;

  on(event: 'spawn', listener: () => void): this;
  /** The root process exited (`code` is `null` when a signal ended it). */
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  /** The whole tree is gone and stdio closed. */
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'spawn', listener: () => void): this;
  once(event: 'exit' | 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
}

/**
 * Starts `command` (a path, or a name looked up in `PATH`; never through a shell) as a supervised
 * backend. Throws synchronously on bad arguments; a program that cannot be started rejects
 * `spawned` and emits no `'exit'`.
 */
export function spawnTree(command: string, args?: readonly string[], options?: SpawnTreeOptions): SupervisedProcess;

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
