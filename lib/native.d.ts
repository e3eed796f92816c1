// The JS↔C seam: every function the native binding exports (binding/addon.c
// and each concern's js_*.c), with the arguments lib/ passes and the shapes
// it gets back. Internal: apps use ../index.d.ts. Checked by tsc in
// test/types.test.js against the lib/ files that call the binding
// (// @ts-check with `import('./native').Binding`).
//
// Argument errors thrown by the binding itself: TypeError
// ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE, RangeError ERR_OUT_OF_RANGE;
// OS failures: Error with code, errno, syscall.

/** info() — which binary is loaded. */
export interface NativeInfo {
  version: string;
  napiVersion: number;
  builtNapiVersion: number;
  platform: string;
}

/** One process (processInfo, listTree). startTime: ms since the epoch, the PID's identity. */
export interface NativeProcess {
  pid: number;
  ppid: number;
  name: string;
  startTime: number;
  /** Not from the binding: lib/tree/index.js adds the Linux boot id in processInfo(). */
  bootId?: string | null;
}

/** killTree, killTreeSync. */
export interface NativeKillResult {
  killed: number[];
  forced: boolean;
  survivors: number[];
  /** false when a member exited by itself where its orphans could not be followed. */
  complete: boolean;
}

/** portOwner → the socket's owner; pid and name null when it may not be inspected. */
export interface NativePortOwner {
  pid: number | null;
  name: string | null;
  address: string;
  state: string;
}

/** The waiter of waitPort: a type-tagged object, only for waitPortCancel. */
export interface WaitHandle {
  readonly __brand: 'backend-warden.WaitHandle';
}

/** A job of jobSpawn: only for the job* functions. */
export interface JobHandle {
  readonly __brand: 'backend-warden.JobHandle';
}

export type FirewallState = 'allowed' | 'blocked' | 'no-rule' | 'not-applicable';
export type FirewallReason =
  | 'loopback' | 'firewall-off' | 'block-all' | 'bypass-rule' | 'block-rule' | 'allow-rule'
  | 'default-allow' | 'default-block';

/** What the matcher is asked: program an absolute Windows path; protocol 'tcp' | 'udp'. */
export interface FirewallQuery {
  program?: string;
  port?: number;
  protocol?: string;
  loopback?: boolean;
}

/** A rule in NET_FW_* numbers (direction 1 in / 2 out, action 0 block / 1 allow, profiles a bit mask). */
export interface NativeFirewallRule {
  name: string | null;
  enabled: boolean;
  direction: number;
  action: number;
  bypass: boolean;
  profiles: number;
  protocol: number;
  localPorts: string | null;
  application: string | null;
  service: string | null;
  grouping: string | null;
  edgeTraversal: boolean;
  /** Whether it fits the query (for firewallRules, always false). */
  applies: boolean;
}

export interface NativeFirewallProfile {
  name: 'domain' | 'private' | 'public';
  type: number;
  active: boolean;
  enabled: boolean;
  defaultInboundAction: number;
  blockAllInbound: boolean;
  verdict: FirewallState;
  reason: FirewallReason;
}

export interface NativeFirewallVerdict {
  state: FirewallState;
  currentProfiles: number;
  profiles: NativeFirewallProfile[];
  /** The rules that fit the traffic. */
  rules: NativeFirewallRule[];
  /** Rules that could not be read. */
  skipped: number;
}

/** firewallVerdict's policy: the numeric form firewall_win.c reads from INetFwPolicy2. */
export interface FirewallPolicyInput {
  currentProfiles: number;
  profiles: Record<'domain' | 'private' | 'public', {
    enabled?: boolean;
    blockAllInbound?: boolean;
    defaultInboundAction: number;
  }>;
  rules: Array<{
    name?: string | null;
    application?: string | null;
    service?: string | null;
    localPorts?: string | null;
    grouping?: string | null;
    enabled?: boolean;
    direction: number;
    action: number;
    profiles: number;
    protocol: number;
    edgeTraversal?: boolean;
    bypass?: boolean;
  }>;
}

/** A job-stdio argument: a named-pipe path, null (the NUL device) or true (inherit the host's). */
export type JobStdio = string | null | true;

export interface Binding {
  /** The file it was loaded from (set by lib/native.js). */
  path: string;

  info(): NativeInfo;

  // --- tree (binding/tree/js_tree.c) ---------------------------------------
  processInfo(pid: number): Promise<NativeProcess>;
  /** Root first; with startTime, ESRCH unless the root still has it. */
  listTree(pid: number, startTime?: number | null): Promise<NativeProcess[]>;
  /** Signal the tree, wait up to graceMs, then force. signal 1..64 (ignored on Windows). */
  killTree(pid: number, signal: number, graceMs: number, startTime: number | null): Promise<NativeKillResult>;
  /** The same on the JS thread (lib passes graceMs 0). */
  killTreeSync(pid: number, signal: number, graceMs: number, startTime: number | null): NativeKillResult;

  // --- ports (binding/ports/js_ports.c) ------------------------------------
  /** The bound port (the OS's choice for 0), or -1 in use, -2 refused (EACCES), -3 no such address. */
  probeBind(address: string, port: number, optional: boolean): number;
  /** Connects every few ms until one address accepts; callback(null) then, or an Error
   * (ETIMEDOUT after timeoutMs, -1 never; ESRCH once pid, when not 0, is gone). */
  waitPort(addresses: string[], port: number, timeoutMs: number, pid: number,
    callback: (err: (Error & { code: string; address?: string; port?: number; pid?: number }) | null) => void): WaitHandle;
  /** Stops the waiter; its callback is not called. */
  waitPortCancel(handle: WaitHandle): void;
  /** With addresses, only sockets serving them (or a wildcard) count. */
  portOwner(port: number, protocol: 'tcp' | 'udp', addresses?: string[]): Promise<NativePortOwner | null>;

  // --- firewall (binding/firewall/js_firewall.c) ---------------------------
  /** The pure matcher, synchronous, on every platform. env: names for %VAR% expansion. */
  firewallVerdict(policy: FirewallPolicyInput, query: FirewallQuery, env?: Record<string, string>): NativeFirewallVerdict;
  /** The machine's policy, off the JS thread; ENOTSUP off Windows. */
  firewallCheck(query: FirewallQuery): Promise<NativeFirewallVerdict>;
  firewallRules(filter: { name?: string; program?: string }): Promise<{ rules: NativeFirewallRule[]; skipped: number }>;

  // --- usage (binding/usage/js_usage.c) ------------------------------------
  /** The arguments of pid's command line (Windows: split by the MSVC rules), off the JS thread;
   * null when the OS has none to tell. ESRCH, EPERM. */
  processCommandLine(pid: number): Promise<string[] | null>;
}

/** jobUsage: what the job object itself reports. */
export interface JobUsage {
  /** User + kernel time of every process that ran in the job, exited ones included. */
  cpuMs: number;
  activeProcesses: number;
  totalProcesses: number;
  /** PeakJobMemoryUsed: committed bytes. */
  peakMemoryBytes: number;
  /** The JobMemoryLimit the job reports back; null when it reports none. */
  memoryLimitBytes: number | null;
  /** A JOB_OBJECT_MSG_JOB_MEMORY_LIMIT came: the kernel refused an allocation. */
  memoryLimitHit: boolean;
  /** The job's committed bytes when it did (0 before). */
  memoryAtLimitBytes: number;
}

/** The binding on Windows: Binding plus the job-object functions (absent elsewhere). */
export interface WinBinding extends Binding {
  // --- job objects (binding/job/js_job_win.c) ------------------------------
  /** Created suspended in a kill-on-close job, then resumed. env: "K=V" strings, sorted.
   * onEvent('exit', code) when the root exits, onEvent('limit', pid) when the kernel refused a
   * member memory (JOB_OBJECT_LIMIT_JOB_MEMORY), onEvent('close') when the job is empty.
   * memoryLimit: the job's committed-memory limit in bytes (null: none). */
  jobSpawn(app: string, cmdline: string, cwd: string | null, env: string[],
    stdin: JobStdio, stdout: JobStdio, stderr: JobStdio,
    onEvent: (event: 'exit' | 'limit' | 'close', code?: number) => void,
    memoryLimit?: number | null): { handle: JobHandle; pid: number; startTime: number };
  /** The job's accounting and limit now (all zeros once the job is closed). */
  jobUsage(handle: JobHandle): JobUsage;
  /** WM_CLOSE to the members' windows; false when none was posted. */
  jobAskToStop(handle: JobHandle): boolean;
  jobTerminate(handle: JobHandle, exitCode: number): void;
  jobPids(handle: JobHandle): number[];
  /** Waits up to ms (<= 60000) for the root; whether it is gone. */
  jobWaitRoot(handle: JobHandle, ms: number): boolean;
  jobClose(handle: JobHandle): void;
  /** How many job messages the waiter has drained from the completion port. */
  jobMessages(handle: JobHandle): number;
}

// --- lib/native.js, the loader ---------------------------------------------

/** The binding, loaded on first use. */
export function binding(): Binding;
/** Loads the first of paths that exists (tests). */
export function loadFrom(paths: string[], requireFn?: (path: string) => unknown): Binding;
/** Where the binding is looked for, in order. */
export function candidates(root?: string, env?: Record<string, string | undefined>): string[];
/** A path inside app.asar → the same path in app.asar.unpacked. */
export function unpacked(path: string): string;
/** An executable next to the binding (outside app.asar). */
export function helperPath(name: string): string;
