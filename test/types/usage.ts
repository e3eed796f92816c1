// Compiled with tsc --noEmit --strict by test/types.test.js: typed usage of
// the public API must compile.
import * as warden from 'backend-warden';

async function main(): Promise<void> {
  const info: warden.ProcessInfo = await warden.processInfo(process.pid);
  const pid: number = info.pid;
  const start: number | null = info.startTime;
  const native: warden.NativeInfo = warden.nativeInfo();
  const platform: 'linux' | 'darwin' | 'win32' = native.platform;
  console.log(pid, start, platform);
}

main().catch((err: warden.SystemError) => console.error(err.code, err.errno, err.syscall));
