// Type declarations for backend-warden. Kept in step with lib/ and checked by
// tsc in the tests. What a renderer sees (window.backend and its data) is in
// renderer.d.ts, the preload functions in preload.d.ts: both without Node
// types, both re-exported here.

import type {
  BackendState, BackendStartResult, BackendStopResult, BackendRestartResult, BackendExit,
  BackendErrorInfo, BackendStatus, FirewallStatus, FirewallRuleResult,
} from './renderer';

export * from './renderer';
export * from './preload';

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
export function processInfo(pid: number): Promise<ProcessInfo & {
  /**
   * Linux: `/proc/sys/kernel/random/boot_id`. `startTime` counts from boot, so an identity saved
   * across a reboot is only the same process if the boot id is the same too. Absent elsewhere.
   */
  bootId?: string | null;
}>;

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
  /**
   * Whether every member was followed to its end. `false` when a member exited by itself where
   * orphans cannot be followed (a plain `killTree` on Linux/macOS: no subreaper), so a process it
   * started in its last moments may have escaped. Trees started by `spawnTree`/`Backend` on Linux
   * are always followed (the supervisor is a subreaper). Windows: `false` from a plain `killTree`
   * walk (not proven), absent from a job object's stop.
   */
  complete?: boolean;
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
  /** Grace period used when the root exits and leaves descendants, and the default of `kill()`. Default 5000. */
  graceMs?: number;
  /**
   * When the host dies (G2), the polite signal gets at most this long before the force: an
   * emergency, not a stop. Integer 0..999; default 500.
   */
  hostDeathGraceMs?: number;
  /** Aborting stops the whole tree (`kill({ graceMs })`) and sets `cancelled`. Already aborted: `spawnTree` throws the `AbortError` and spawns nothing. */
  signal?: AbortSignal;
  /** Integer ≥ 1: past it the whole tree is stopped (`kill({ graceMs })`) and `timedOut` is set. */
  timeoutMs?: number;
}

/**
 * A backend started by {@link spawnTree}. Linux and macOS: under the `backend_warden_supervisor`
 * executable, in its own process group. Windows: in a job object with
 * `JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`. Either way the whole tree dies with the host.
 */
export interface SupervisedProcess extends NodeJS.EventEmitter {
  /** The backend's PID, once spawned. */
  readonly pid: number | undefined;
  /** The file that runs, as resolved: a bare name looked up on `PATH` (`PATHEXT` on Windows); for a Windows `.cmd`/`.bat`, the batch file (run through `cmd.exe`). */
  readonly spawnfile: string;
  /** Stopped because `options.signal` was aborted. */
  readonly cancelled: boolean;
  /** Stopped because `options.timeoutMs` passed. */
  readonly timedOut: boolean;
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
 * Starts `command` (a path, or a bare name looked up on the child's `PATH`, with `PATHEXT` on
 * Windows; never through a shell, except a Windows `.cmd`/`.bat`, which runs through
 * `cmd.exe /d /s /c` with every argument escaped — arguments with a newline or `%` are refused
 * with `ERR_INVALID_ARG_VALUE`) as a supervised backend. Throws synchronously on bad arguments; a
 * program that cannot be started rejects `spawned` and emits no `'exit'`.
 */
export function spawnTree(command: string, args?: readonly string[], options?: SpawnTreeOptions): SupervisedProcess;

// --- Tasks ---

/** Options of {@link runTree}. */
export interface RunTreeOptions {
  /** Working directory. */
  cwd?: string;
  /** Merged over `process.env`; a key set to `undefined` is removed. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. Without it stdin is ignored. */
  input?: string | Uint8Array;
  /** Aborting stops the whole tree (polite, forced after `graceMs`) and rejects with an `AbortError` carrying the partial result. An already-aborted signal rejects at once; nothing is spawned. */
  signal?: AbortSignal;
  /** Integer ≥ 1: past it the whole tree is stopped and the task rejects with `ETIMEDOUT` and the partial result. */
  timeoutMs?: number;
  /** Grace before the stop is forced (cancel, timeout, members left behind by the root). Default 5000. */
  graceMs?: number;
  /** Bytes kept per captured stream: the tail. Default 10 MiB. */
  maxBuffer?: number;
  /** Default `'pipe'` (captured); `'ignore'` and `'inherit'` capture nothing (`''`). */
  stdout?: 'pipe' | 'ignore' | 'inherit';
  /** Default `'pipe'` (captured); `'ignore'` and `'inherit'` capture nothing (`''`). */
  stderr?: 'pipe' | 'ignore' | 'inherit';
  /** Every line of a piped stream (`\n`, `\r\n` or a lone `\r` ends one), e.g. ffmpeg's `-progress` lines. A throw stops the tree and becomes the rejection. */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** `false`: a non-zero exit or a signal resolves instead of rejecting `ERR_TASK_FAILED`. Default `true`. */
  reject?: boolean;
}

/** How a task ended; settles only when its whole tree is gone. */
export interface TaskResult {
  /** The root's exit code; `null` when a signal ended it or it never started. */
  exitCode: number | null;
  /** The signal that ended the root (`'SIGKILL'` when forced on Windows). */
  signal: NodeJS.Signals | null;
  /** Some member ignored the polite stop and was forced after `graceMs`. */
  forced: boolean;
  /** Stopped by `options.signal`. */
  cancelled: boolean;
  /** Stopped by `options.timeoutMs`. */
  timedOut: boolean;
  /** From the call to the whole tree gone. */
  durationMs: number;
  /** Captured stdout (its last `maxBuffer` bytes), `''` when not piped. */
  stdout: string;
  /** Captured stderr (its last `maxBuffer` bytes), `''` when not piped. */
  stderr: string;
  /** The program that ran, as resolved (a bare name looked up on `PATH`). */
  command: string;
  /** The root's PID; `undefined` when nothing was spawned. */
  pid: number | undefined;
}

/**
 * A task that failed: `code` is `'ERR_TASK_FAILED'` (non-zero exit or a signal), `'ABORT_ERR'`
 * (`name: 'AbortError'`, cancelled), `'ETIMEDOUT'`, or the spawn error's (`'ENOENT'`, …). The
 * result's fields are on the error (execa's shape) and the result itself is `result`.
 */
export interface TaskError extends Error, TaskResult {
  code: 'ERR_TASK_FAILED' | 'ABORT_ERR' | 'ETIMEDOUT' | (string & {});
  result: TaskResult;
  /** The abort reason, for `ABORT_ERR`. */
  cause?: unknown;
}

/**
 * Runs a one-off job (ffmpeg, yt-dlp, a converter) under the supervisor / job object and resolves
 * when its whole tree has exited. Rejects with a {@link TaskError}. Commands resolve like
 * {@link spawnTree}'s (PATH, Windows `.cmd` rules); argument errors are rejections with the same codes.
 */
export function runTree(command: string, args?: readonly string[], options?: RunTreeOptions): Promise<TaskResult>;
export function runTree(command: string, options?: RunTreeOptions): Promise<TaskResult>;

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

// --- Ports ---

/** Options of {@link findFreePort}. */
export interface FindFreePortOptions {
  /** The preferred port, returned when it is free and not excluded. `0` or absent: no preference. */
  port?: number;
  /**
   * The address the backend will bind, default `'127.0.0.1'`: an IP literal (`'0.0.0.0'` and `'::'`
   * for every interface; IPv6 may be bracketed), `'localhost'` (127.0.0.1 and ::1 both, since Node 17+
   * resolves `localhost` to ::1 first), or a name resolved with `dns.lookup` (all its addresses).
   */
  host?: string;
  /** Searched in order when the preferred port is taken: `[min, max]`, inclusive, 1–65535, `min <= max`. */
  range?: readonly [min: number, max: number] | readonly number[];
  /** Ports never returned. */
  exclude?: readonly number[];
}

/**
 * A port a backend can bind on `host`: the preferred `port` if it is free, else the first free one in
 * `range`, else one the OS assigns (also when the whole range is taken). Free means bindable with the
 * socket options a server uses (`SO_REUSEADDR` on Linux and macOS, `SO_EXCLUSIVEADDRUSE` on Windows) on
 * every address of `host`. Ports that answer `EACCES` (Windows excluded port ranges, privileged ports)
 * are never returned; every port of `range` is probed, so a free one between two blocks is found. A port
 * handed out is not handed out again in this process for 15 s (racing calls get different ports); a
 * `Backend` given it still uses it. Another process can still take the port before the backend binds it.
 * Rejects with `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for bad options, with the resolver's error
 * (`ENOTFOUND`) for an unknown host and `EADDRNOTAVAIL` for an address this machine does not have.
 */
export function findFreePort(options?: FindFreePortOptions): Promise<number>;

/**
 * Whether a backend could bind `port` (1–65535) on `host` now (default `'127.0.0.1'`; `'localhost'`: on
 * both 127.0.0.1 and ::1). A port the OS refuses (`EACCES`) is not free.
 */
export function isPortFree(port: number, host?: string): Promise<boolean>;

/** Options of {@link waitForPort}. */
export interface WaitForPortOptions {
  /** Where to connect, default `'127.0.0.1'`; `'localhost'`: 127.0.0.1 or ::1, whichever accepts first. */
  host?: string;
  /** Give up with `ETIMEDOUT` after this many milliseconds (integer >= 0, or `Infinity`). Default 30000. */
  timeoutMs?: number;
  /** Aborting rejects with an `AbortError` (`name: 'AbortError'`, `code: 'ABORT_ERR'`, `cause`: the reason). */
  signal?: AbortSignal;
  /**
   * The backend's process: the wait ends with `ESRCH` as soon as it exits (no point waiting for the
   * timeout), also when the port accepts connections after it died (that listener is someone else's).
   * Rejects with `ESRCH` at once if there is no such process.
   */
  pid?: number;
}

/** How {@link waitForPort} fails (besides argument errors and `AbortError`). */
export interface WaitForPortError extends SystemError {
  /** `ETIMEDOUT` (no listener within `timeoutMs`), `ESRCH` (the `pid` process is gone), or a socket error. */
  code: string;
  /** The first address tried. */
  address: string;
  /** The port waited for. */
  port: number;
  /** `ESRCH` only: the process that exited. */
  pid?: number;
}

/**
 * Resolves as soon as a TCP connection to `port` (1–65535) succeeds. A native thread connects every
 * 4 ms (first asking the kernel's socket lookup where it can, which costs less than a refused connect)
 * and sleeps in between on `pid`'s exit: detection within milliseconds for well under 1% of a core.
 * Rejects with a {@link WaitForPortError}.
 */
export function waitForPort(port: number, options?: WaitForPortOptions): Promise<void>;

/** Transport protocol of a port. */
export type PortProtocol = 'tcp' | 'udp';

/** A socket's state, named as `ss` names them; `'UNCONN'` is a bound, unconnected UDP socket. */
export type SocketState =
  | 'LISTEN'
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'CLOSING'
  | 'UNCONN'
  | 'UNKNOWN';

/** The holder of a port, as {@link portOwner} reports it. */
export interface PortOwner {
  /**
   * The owning process, or `null` when it may not be inspected: another user's process (Linux, macOS),
   * `TIME_WAIT` leftovers (no process), and under Wine every TCP listener (its descriptor lives in
   * wineserver).
   */
  pid: number | null;
  /** The process's name (Linux: the 15-character `comm`; Windows: the image file name), or `null` with `pid`. */
  name: string | null;
  /** The local address the socket is bound to (`'0.0.0.0'` or `'::'` for every interface). */
  address: string;
  /** The socket's state; for TCP a listener is preferred over other sockets on the port. */
  state: SocketState;
}

/** Options of {@link portOwner}. */
export interface PortOwnerOptions {
  /** Only sockets serving this host count: bound to one of its addresses or to a wildcard. Default: any address. */
  host?: string;
  /** Default `'tcp'`. */
  protocol?: PortProtocol;
}

/**
 * Which process holds `port` (1–65535), or `null` when no socket is bound to it. Native, no `ss`, `lsof`
 * or `netstat`: sock_diag and `/proc` on Linux, `GetExtendedTcpTable` / `GetExtendedUdpTable` on Windows,
 * libproc on macOS (where other users' processes are invisible without root, so their sockets are not
 * found). Runs off the JavaScript thread.
 */
export function portOwner(port: number, options?: PortOwnerOptions): Promise<PortOwner | null>;
// --- Usage ---

/** One process of a tree and what it uses. */
export interface ProcessUsage {
  pid: number;
  /** Its parent's PID. */
  ppid: number;
  /** Linux: the 15-character `comm`; Windows: the image file name; macOS: the process name. */
  name: string;
  /** CPU time (user + system) the process itself used since it started, in ms. */
  cpuMs: number;
  /** Resident memory (Windows: working set), in bytes; 0 when the process may not be inspected. */
  rssBytes: number;
}

/** What a whole process tree uses, sampled natively off the JavaScript thread. */
export interface TreeUsage {
  /** Live processes in the tree, the root included. */
  processes: number;
  /** Sum of the members' CPU time, in ms. */
  cpuMs: number;
  /**
   * CPU use of the tree over the interval since the previous call for the same tree (first call:
   * since the root started). 100 is one core busy, so a busy tree can exceed 100.
   */
  cpuPercent: number;
  /** Sum of the members' resident memory, in bytes. */
  rssBytes: number;
  /** Root first, then breadth-first. */
  members: ProcessUsage[];
}

export interface TreeUsageOptions {
  /** Identity of `pid` (`processInfo(pid).startTime`): rejects `ESRCH` if the PID now names another process. */
  startTime?: number | null;
}

/**
 * CPU and memory of the tree rooted at `pid`, by parent links (a descendant whose parent exited is
 * not in it; `backend.usage()` counts such a member): Linux from `/proc`, macOS from libproc,
 * Windows from per-process counters. Rejects `ESRCH` when no such process exists.
 */
export function treeUsage(pid: number, options?: TreeUsageOptions): Promise<TreeUsage>;

// --- Firewall ---







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

// --- Backend and Electron integration ---

import { EventEmitter } from 'events';


/** A console-like logger; missing methods fall back to `log`, else stay silent. */
export interface BackendLogger {
  /** Every output line of the backend, HTTP shutdown results. */
  debug?(...args: any[]): void;
  /** Ready, left-over backends stopped. */
  info?(...args: any[]): void;
  /** Port fallbacks (naming the holder), unexpected exits, restarts, forced stops, rejected IPC calls. */
  warn?(...args: any[]): void;
  /** Failed starts, crashes, background failures nobody listens for. */
  error?(...args: any[]): void;
  /** Fallback for any missing method. */
  log?(...args: any[]): void;
}

/** A preferred port with a fallback range. */
export interface BackendPortSpec {
  /** Tried first; `0` or absent = none (the last port used is tried first on restarts). */
  preferred?: number;
  /**
   * `[min, max]` (1–65535) searched next; then any port the OS assigns. `[p, p]` pins `p`: when
   * another process takes it before the backend binds it, the start fails with `EADDRINUSE` (any
   * other port is swapped for another: `portTaken`). A readonly tuple (`as const`) or a `number[]` built elsewhere is accepted; the constructor
   * checks that it holds exactly two ports.
   */
  range?: readonly [min: number, max: number] | readonly number[];
}

/** Ready when `GET path` answers 2xx (after the port accepts connections). */
export interface BackendHttpReadiness {
  /** Path starting with `/`, e.g. `'/health'`. */
  path: string;
  /** Ignored: the HTTP probe always waits for the port first. */
  tcp?: boolean;
  /** Overrides {@link BackendOptions.timeoutMs}. */
  timeoutMs?: number;
}

/** Ready when a TCP connect to the port succeeds. */
export interface BackendTcpReadiness {
  /** Must be `true`. */
  tcp: true;
  /** Absent: with a path it is an HTTP readiness. */
  path?: undefined;
  /** Overrides {@link BackendOptions.timeoutMs}. */
  timeoutMs?: number;
}

/**
 * Ready when a stdout line matches `stdout`; with `path` or `tcp: true` as well, both must hold.
 * A capture group that holds a port (`(\d+)`) or an `http(s)://` URL sets the backend's port and
 * URL; with `port: 0` the backend then picks its own port (no choose-then-bind race).
 */
export interface BackendOutputReadiness {
  /** Matched against each whole stdout line; no `g` or `y` flag. */
  stdout: RegExp;
  /** Also wait for `GET path` to answer 2xx. */
  path?: string;
  /** Also wait for a TCP connect to the port. */
  tcp?: boolean;
  /** Overrides {@link BackendOptions.timeoutMs}. */
  timeoutMs?: number;
}

/** Liveness probing of a running backend: restarted after `failures` failed probes in a row. */
export type BackendHealthOptions = ({ path: string; tcp?: false } | { tcp: true; path?: undefined }) & {
  /** Between probe starts, in ms; default 5000. Probes never overlap. */
  intervalMs?: number;
  /** A probe slower than this fails; default 2000. */
  timeoutMs?: number;
  /** Consecutive failures before `unhealthy` and a restart; default 3. */
  failures?: number;
  /** Failures in this period after ready do not count until the first success; default 0. */
  startPeriodMs?: number;
};

/** Rotating log files of the backend's stdout and stderr lines. */
export interface BackendLogOptions {
  /** Directory, created when missing (`start()` fails with `EACCES`/`ENOENT`/`ENOTDIR` naming it). */
  dir: string;
  /** Size at which `<name>.log` is rotated; default 10 MiB. */
  maxBytes?: number;
  /** Rotated files kept (`<name>.log.1` … `.N`); default 5. */
  files?: number;
}

/** Resource limits of the backend's whole tree. */
export interface BackendLimits {
  /**
   * Memory of the whole tree; exceeding it emits `limit` and restarts the backend. Windows: the
   * job object's `JOB_OBJECT_LIMIT_JOB_MEMORY` (committed memory, kernel-enforced: the allocation
   * fails), and the sampler's working-set check as a backstop. Linux and macOS: the sampler
   * compares the tree's resident memory every `intervalMs`.
   */
  memoryBytes: number;
  /** How often the tree is sampled, in ms; default 5000. */
  intervalMs?: number;
}

export interface BackendUnhealthyEvent {
  pid: number;
  failures: number;
  /** The last answer (`'HTTP 503'`) or error code (`'ETIMEDOUT'`, `'ECONNREFUSED'`). */
  last: string;
}

export interface BackendLimitEvent {
  pid: number;
  /** The limit. */
  memoryBytes: number;
  /** `'sampler'`: the tree's resident memory was over it; `'job'` (Windows): the kernel refused an allocation. */
  source: 'sampler' | 'job';
  /** The tree's resident memory (Windows: working set) when sampled; null for `'job'`. */
  rssBytes: number | null;
  /** `'job'` only: the job's committed memory when the kernel refused (null when Windows did not say). */
  committedBytes?: number | null;
}

/** The HTTP request a stop tries first, before any signal. */
export interface BackendShutdownRequest {
  /** Path starting with `/`, e.g. `'/shutdown'`. */
  path: string;
  /** Upper-case HTTP method; default `'POST'`. */
  method?: string;
  /** How long to wait for an answer; default 5000 (and never more than `stopTimeoutMs`). */
  timeoutMs?: number;
}

/** Automatic restarts after unexpected exits. */
export interface BackendRestartPolicy {
  /** Restarts allowed within `windowMs` before giving up (state `crashed`); default 3. */
  maxRestarts?: number;
  /** Sliding window for `maxRestarts`, in ms; default 60000. A backend that stayed up longer starts a fresh count. */
  windowMs?: number;
  /** Delay before the first restart, doubled for each further one; default 1000. */
  backoffMs?: number;
  /** Upper bound of the delay; default 30000. */
  maxBackoffMs?: number;
}

/** Options of `new Backend(options)`; all validated in the constructor. */
export interface BackendOptions {
  /** Absolute path of the executable (no shell, no PATH lookup). Required. */
  command: string;
  /** Arguments; every `{port}` is replaced by the chosen port. */
  args?: readonly string[];
  /** Working directory of the backend. */
  cwd?: string;
  /** Variables merged over `process.env`; `undefined` or `null` removes an inherited one. */
  env?: Record<string, string | number | boolean | undefined | null>;
  /** For logs, errors and the default firewall rule name; default: the command's file name. */
  name?: string;
  /** IP address the backend listens on; default `'127.0.0.1'`. Not `'localhost'`: URLs use the literal address. */
  host?: string;
  /** A port (tried first, then any free one), `0`/absent = any free port, a {@link BackendPortSpec}, or `false` for none. */
  port?: number | BackendPortSpec | false;
  /** Environment variable that carries the port; default `'PORT'`; `false` = none. */
  portEnv?: string | false;
  /** Default `{ tcp: true }` with a port, `false` without: ready once spawned. */
  readiness?: BackendHttpReadiness | BackendTcpReadiness | BackendOutputReadiness | false;
  /** How long a start waits for readiness before `ETIMEDOUT`; default 30000. */
  timeoutMs?: number;
  /** HTTP request tried first on stop; default none. */
  shutdown?: BackendShutdownRequest | false;
  /** Grace period of a stop (shutdown request and polite signal) before force; default 10000. */
  stopTimeoutMs?: number;
  /** How long to wait for a forced kill to finish before giving up with survivors; default 5000. */
  killTimeoutMs?: number;
  /** When the host dies, the polite signal gets at most this long before the force (0..999, default 500). */
  hostDeathGraceMs?: number;
  /** Restart policy: `true`/absent = the defaults, `false` = never restart. */
  restart?: BackendRestartPolicy | boolean;
  /** File recording `{ pid, startTime, port }` of the running backend, to stop a left-over one on the next start. */
  pidFile?: string;
  /** Force-kill the tree with `stopSync()` when the host process exits; default `true`. */
  stopOnExit?: boolean;
  /** Where the Backend logs; default silent. An electron-log instance fits. */
  logger?: BackendLogger;
  /** Liveness probes; default none. */
  health?: BackendHealthOptions | false;
  /** Log files of the backend's output; default none. */
  logs?: BackendLogOptions | false;
  /** Memory limit; default none. */
  limits?: BackendLimits | false;
}

/** Options of {@link Backend.start}. */
export interface BackendStartOptions {
  /** Aborts the start in progress: the backend is stopped and the start rejects with an `AbortError`. */
  signal?: AbortSignal;
}







export interface BackendStartingEvent {
  /** 0 for a requested start, n for the n-th automatic restart. */
  attempt: number;
}

export interface BackendRestartingEvent {
  /** `'crash'`, `'unhealthy'`, `'limit'`: automatic; `'requested'`: `restart()`. */
  reason: 'crash' | 'requested' | 'unhealthy' | 'limit';
  /** The n-th automatic restart since the last `start()`/`restart()`; 0 when requested. */
  attempt: number;
  /** Back-off before the attempt, in ms. */
  delayMs: number;
  /** The exit that caused it (automatic), or the last one. */
  lastExit: BackendExit | null;
}

/**
 * Another process took the port chosen for the backend before the backend bound it (it exited
 * with EADDRINUSE before it was ready): the start spawns it again on `nextPort`. Up to 3 spawns
 * in all; not a crash, so not counted by the restart policy. Never for a pinned port (`[p, p]`).
 */
export interface BackendPortTakenEvent {
  /** The port the backend lost. */
  port: number;
  /** Who holds it; `null` when the OS does not name the listener. */
  holder: PortHolder | null;
  /** 1 for the first spawn of this start, 2 for the second. */
  attempt: number;
  /** The port the next spawn is given. */
  nextPort: number;
}

export interface BackendCrashedEvent extends BackendExit {
  /** Automatic restarts made before giving up. */
  restarts: number;
  /** The last failure (`ERR_BACKEND_EXITED`, or a failed restart's error). */
  error: BackendErrorInfo | null;
}

export interface BackendStoppedEvent {
  /** `stop()`, `stopSync()`, a clean exit (code 0), a failed start, or a start aborted by its signal. */
  reason: 'stop' | 'stopSync' | 'exit' | 'start-failed' | 'aborted';
  /** Nothing of the tree survived. */
  success: boolean;
  /** The tree had to be killed. */
  forced: boolean;
}

/** Event names and listener arguments of a {@link Backend}. */
export interface BackendEvents {
  /** A start attempt begins (after any back-off). */
  starting: [event: BackendStartingEvent];
  /** The readiness probe passed. */
  ready: [info: BackendStartResult];
  /** One whole line the backend wrote to stdout. */
  stdout: [line: string];
  /** One whole line the backend wrote to stderr. */
  stderr: [line: string];
  /** The root process exited (expected or not). */
  exit: [exit: BackendExit];
  /** A restart is scheduled (automatic) or begins (requested). */
  restarting: [event: BackendRestartingEvent];
  /** The chosen port was taken before the backend bound it; another port is tried. */
  portTaken: [event: BackendPortTakenEvent];
  /** Unexpected exit with restarts off or used up. */
  crashed: [event: BackendCrashedEvent];
  /** The state became `stopped`. */
  stopped: [event: BackendStoppedEvent];
  /** Every state change. */
  status: [status: BackendStatus];
  /** `options.health`: the probes failed `failures` times in a row; a restart follows. */
  unhealthy: [event: BackendUnhealthyEvent];
  /** `options.limits`: the tree used more memory than allowed; a restart follows. */
  limit: [event: BackendLimitEvent];
  /** Background failures with no promise to reject (a failed automatic restart, a pid file write); logged instead when nobody listens. */
  error: [error: Error];
  /** EventEmitter's own: a listener is about to be added. */
  newListener: [eventName: string | symbol, listener: (...args: any[]) => void];
  /** EventEmitter's own: a listener was removed. */
  removeListener: [eventName: string | symbol, listener: (...args: any[]) => void];
}

/**
 * One backend process tree: started, probed for readiness, restarted after crashes with
 * back-off, stopped gracefully first and by force when needed. Concurrent calls are serialised;
 * `stop()` wins over a start or restart in progress.
 *
 * `U` is the type of the URL `start()` and `restart()` resolve: `string` when the backend has a
 * port (a number, a {@link BackendPortSpec} or no `port` option: any free port), `null` with
 * `port: false`. Plain `Backend` accepts either.
 */
export interface Backend<U extends string | null = string | null> extends EventEmitter {
  /** `options.name`, or the command's file name. */
  readonly name: string;
  /** The current state; `status().state`. */
  readonly state: BackendState;
  /**
   * Starts the backend (a no-op when running; joins a start in progress). Rejects with
   * `ENOENT`/`EACCES` (cannot spawn), `ERR_BACKEND_EXITED` (exited before ready, with `exitCode`,
   * `signal` and the last `output`), `EADDRINUSE` (it exited because its port was taken; `holder`
   * names who has it), `ETIMEDOUT` (not ready in time; also when only another process's listener
   * answered), `ERR_BACKEND_OWNED` (the pid file names another live app instance's backend) or an
   * `AbortError`: see {@link isBackendError}.
   */
  start(options?: BackendStartOptions): Promise<BackendStartResult<U>>;
  /** Stops the whole tree (shutdown request, polite signal, force); idempotent; no restart afterwards. */
  stop(): Promise<BackendStopResult>;
  /** Stops, then starts; joins a start in progress. Rejects like `start()`. */
  restart(): Promise<BackendRestartResult<U>>;
  /** Synchronous force-kill of the whole tree, for `process.on('exit')` and Electron's `will-quit`. */
  stopSync(): void;
  /** Stops and refuses further starts (`ERR_BACKEND_DISPOSED`). */
  dispose(): Promise<BackendStopResult>;
  /** A cheap snapshot; no system calls. */
  status(): BackendStatus;
  /** CPU and memory of the backend's whole tree (daemons re-parented to the supervisor, or in the job, included); rejects `ERR_BACKEND_NOT_RUNNING` when no process runs. */
  usage(): Promise<TreeUsage>;
  /** The Windows Firewall verdict for this backend's program, port and host. */
  checkFirewall(): Promise<FirewallStatus>;
  /** Rules for this backend's program, or for the rule `name`. */
  getFirewallRule(options?: { name?: string }): Promise<FirewallRuleResult>;
  /** The command that would allow this backend (rule name default: `name`); shown to the user, never run. */
  getFirewallCommand(options?: { name?: string }): string;

  on<K extends keyof BackendEvents>(event: K, listener: (...args: BackendEvents[K]) => void): this;
  once<K extends keyof BackendEvents>(event: K, listener: (...args: BackendEvents[K]) => void): this;
  off<K extends keyof BackendEvents>(event: K, listener: (...args: BackendEvents[K]) => void): this;
  addListener<K extends keyof BackendEvents>(event: K, listener: (...args: BackendEvents[K]) => void): this;
  removeListener<K extends keyof BackendEvents>(event: K, listener: (...args: BackendEvents[K]) => void): this;
  prependListener<K extends keyof BackendEvents>(event: K, listener: (...args: BackendEvents[K]) => void): this;
  prependOnceListener<K extends keyof BackendEvents>(event: K, listener: (...args: BackendEvents[K]) => void): this;
  emit<K extends keyof BackendEvents>(event: K, ...args: BackendEvents[K]): boolean;
}

/** `new Backend(options)`: the URL is `string` unless `port: false`. Options are validated here. */
export interface BackendConstructor {
  new (options: BackendOptions & { port: false }): Backend<null>;
  new (options: BackendOptions & { port?: number | BackendPortSpec }): Backend<string>;
  new (options: BackendOptions): Backend;
  readonly prototype: Backend;
  /** Every {@link BackendState}, in lifecycle order. */
  readonly STATES: readonly BackendState[];
}

export declare const Backend: BackendConstructor;

// --- Errors ---

/**
 * Every error backend-warden throws or rejects with (in the main process): an `Error` with a
 * Node-style `code` — argument errors (`ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`,
 * `ERR_OUT_OF_RANGE`), system errors (`ENOENT`, `ESRCH`, `EADDRINUSE`, … with `errno` and
 * `syscall`), and the Backend's own below. Narrow a `catch (err)` with {@link isBackendError}.
 */
export interface BackendWardenError extends Error {
  code: string;
  /** System errors: `-errno` on POSIX, the Win32 error or HRESULT on Windows. */
  errno?: number;
  /** System errors: the failing call (`'spawn'` when the backend could not be started). */
  syscall?: string;
  /** Spawn failures: the program that could not be started. */
  path?: string;
  /** COM failures: the HRESULT as `0x8000…`. */
  hresult?: string;
}

/** `start()`/`restart()`: the backend exited before it was ready. */
export interface BackendExitedError extends BackendWardenError {
  code: 'ERR_BACKEND_EXITED';
  /** Its exit code; `null` when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended it, e.g. `'SIGKILL'`; `null` for a normal exit. */
  signal: string | null;
  /** Its last lines of output (stderr if it wrote any, else stdout), joined with `\n`. */
  output: string;
}

/** `start()`/`restart()`: not ready within `timeoutMs` (also `waitForPort`'s timeout). */
export interface BackendTimeoutError extends BackendWardenError {
  code: 'ETIMEDOUT';
  /** The backend's last lines of output, when a Backend timed out. */
  output?: string;
  /** The process whose listener answered on the backend's port instead of the backend's tree. */
  holder?: PortHolder;
  cause?: unknown;
}

/** The process holding a port: its pid and program name (`null` when the OS does not say). */
export interface PortHolder {
  pid: number;
  name: string | null;
}

/**
 * `start()`/`restart()`: the backend exited before it was ready because its port was taken
 * (another process bound it after it was chosen), and the port is pinned (`[p, p]`) or 3 ports
 * were lost in a row (each loss emits `portTaken`). Also `findFreePort` when no port the OS
 * assigned was free (then only `errno` and `syscall: 'bind'`).
 */
export interface BackendAddressInUseError extends BackendWardenError {
  code: 'EADDRINUSE';
  /** `'listen'` for a Backend, `'bind'` for `findFreePort`. */
  syscall: string;
  /** A Backend's port and host. */
  port?: number;
  address?: string;
  /** Who holds the port; `null` when the OS does not name the listener (e.g. under Wine). */
  holder?: PortHolder | null;
  /** The backend's exit code, signal and last lines of output. */
  exitCode?: number | null;
  signal?: string | null;
  output?: string;
}

/**
 * `start()`/`restart()` with `pidFile`: the file names the backend of another *live* app instance
 * (its host's pid and start time match), which is left alone. Use
 * `app.requestSingleInstanceLock()` so a second instance quits instead.
 */
export interface BackendOwnedError extends BackendWardenError {
  code: 'ERR_BACKEND_OWNED';
  /** The other app instance's process. */
  hostPid: number;
  /** Its backend's pid, as the pid file records it. */
  pid: number | null;
  /** The pid file. */
  pidFile: string;
}

/** The program could not be started: `ENOENT`, `EACCES`, … with `syscall: 'spawn'` and `path`. */
export interface BackendSpawnError extends BackendWardenError {
  syscall: 'spawn';
  path: string;
}

/** An `AbortSignal` aborted the call, or `stop()` overtook a start. */
export interface BackendAbortError extends BackendWardenError {
  name: 'AbortError';
  code: 'ABORT_ERR';
  /** The signal's reason. */
  cause?: unknown;
}

/** `start()`/`restart()` after `dispose()`. */
export interface BackendDisposedError extends BackendWardenError {
  code: 'ERR_BACKEND_DISPOSED';
}

/** The error types {@link isBackendError} narrows to by code. */
export interface BackendErrorMap {
  ERR_BACKEND_EXITED: BackendExitedError;
  ETIMEDOUT: BackendTimeoutError;
  ABORT_ERR: BackendAbortError;
  ERR_BACKEND_DISPOSED: BackendDisposedError;
  ERR_BACKEND_OWNED: BackendOwnedError;
  EADDRINUSE: BackendAddressInUseError;
  ENOENT: BackendSpawnError;
  EACCES: BackendSpawnError;
}

/**
 * Whether `err` is an `Error` with a string `code` (every error of this library is), and with
 * `code` when given — so a `catch (err)` narrows without a cast:
 * `if (isBackendError(err, 'ERR_BACKEND_EXITED')) show(err.output)`.
 */
export function isBackendError<C extends keyof BackendErrorMap>(err: unknown, code: C): err is BackendErrorMap[C];
export function isBackendError<C extends string>(err: unknown, code: C): err is BackendWardenError & { code: C };
export function isBackendError(err: unknown): err is BackendWardenError;

/** The parts of Electron's `ipcMain` that {@link registerIpcHandlers} uses. */
export interface IpcMainLike {
  /** Must throw when the channel already has a handler, as Electron's does. */
  handle(channel: string, listener: (event: any, ...args: any[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** A `BrowserWindow` or `WebContents` to push status changes to. */
export type StatusTarget =
  | { webContents: { send(channel: string, ...args: any[]): void; isDestroyed?(): boolean; getURL?(): string }; isDestroyed?(): boolean }
  | { send(channel: string, ...args: any[]): void; isDestroyed?(): boolean; getURL?(): string };

export interface RegisterIpcHandlersOptions {
  /** Channel prefix: channels are `<prefix>:start` … and `<prefix>:status-changed`; default `'backend'`. */
  prefix?: string;
  /**
   * Who may call: origins (or URLs, reduced to their origin) such as `'http://localhost:5173'` or
   * `'app://bundle'`; a `file:` URL of a directory for the files below it; `'file://'` for any
   * local file (not recommended: a dropped HTML file would be trusted). Default: the files below
   * {@link RegisterIpcHandlersOptions.appPath}.
   */
  allowedOrigins?: readonly string[];
  /** The app's directory for the default `allowedOrigins`; default `app.getAppPath()` (outside Electron: the working directory). */
  appPath?: string;
  /** Where status changes go; default: every webContents that made an allowed call. */
  windows?: readonly StatusTarget[] | (() => readonly StatusTarget[]);
  /** Where rejected calls are logged (once each); default: the Backend's logger. */
  logger?: BackendLogger;
}

/**
 * Registers `ipcMain.handle` for `<prefix>:start`, `:restart`, `:stop`, `:status`,
 * `:checkFirewall`, `:getFirewallRule` and `:getFirewallCommand`, checking the sender's origin
 * and the arguments, and pushes every status change on `<prefix>:status-changed`. Throws
 * `ERR_BACKEND_WARDEN_HANDLER_EXISTS` when a channel is taken. Returns `dispose()`, which
 * removes exactly these handlers and listeners.
 */
export function registerIpcHandlers(ipcMain: IpcMainLike, backend: Backend, options?: RegisterIpcHandlersOptions): () => void;

/** The parts of Electron's `app` that {@link attachToApp} uses. */
export interface AppLike {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'browser-window-created', listener: (event: unknown, window: any) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
  quit(): void;
  exit(exitCode?: number): void;
}

/** A `BrowserWindow`, for Windows' `query-session-end` / `session-end`. */
export interface SessionEndTarget {
  on(event: 'query-session-end' | 'session-end', listener: (...args: any[]) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
}

export interface AttachToAppOptions {
  /** How long the held quit waits for the graceful stops before it force-stops and calls `app.exit()`; default 30000. */
  quitTimeoutMs?: number;
  /** Exit code of that `app.exit()`; default 0. */
  exitCode?: number;
  /** Windows that exist already (later ones are seen through `browser-window-created`), for Windows logoff/shutdown. */
  windows?: readonly SessionEndTarget[];
  /** Where timeouts and failed stops are logged; default silent. */
  logger?: BackendLogger;
}

/**
 * Ties backends to Electron's quit: holds the first `before-quit` while a backend is active,
 * stops every backend gracefully in parallel, then quits; after `quitTimeoutMs` force-stops them
 * (`stopSync()`) and calls `app.exit()`. `will-quit`, the process's `exit` and Windows'
 * `query-session-end`/`session-end` (which skip `before-quit`) run `stopSync()`. Returns `detach()`.
 */
export function attachToApp(app: AppLike, backends: Backend | readonly Backend[], options?: AttachToAppOptions): () => void;

/** The parts of Electron's `Session` that {@link registerPreload} uses (either API). */
export type SessionLike =
  | {
      registerPreloadScript(script: { type: 'frame'; id?: string; filePath: string }): string;
      unregisterPreloadScript(id: string): void;
      getPreloadScripts?(): Array<{ id: string }>;
    }
  | { setPreloads(preloads: string[]): void; getPreloads(): string[] };

export interface RegisterPreloadOptions {
  /** Property of `window`; default `'backend'`. */
  key?: string;
  /** Must match `registerIpcHandlers`; default `'backend'`. */
  prefix?: string;
}

/**
 * Registers the package's self-contained preload (`backend-warden/sandboxed-preload`) for every
 * frame of `session` (`registerPreloadScript`, or `setPreloads` before Electron 35), so that
 * sandboxed windows get `window[key]` beside the app's own preload. Returns `unregister()`.
 */
export function registerPreload(session: SessionLike, options?: RegisterPreloadOptions): () => void;








