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
