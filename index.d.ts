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
  range?: readonly [min: number, max: number];
  /** Ports never returned. */
  exclude?: readonly number[];
}

/**
 * A port a backend can bind on `host`: the preferred `port` if it is free, else the first free one in
 * `range`, else one the OS assigns (also when the whole range is taken). Free means bindable with the
 * socket options a server uses (`SO_REUSEADDR` on Linux and macOS, `SO_EXCLUSIVEADDRUSE` on Windows) on
 * every address of `host`. Ports that answer `EACCES` (Windows excluded port ranges, privileged ports)
 * are never returned; a block of them is jumped, not walked. Another process can still take the port
 * before the backend binds it.
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
