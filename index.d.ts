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
