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

async function ports(): Promise<void> {
  const port: number = await warden.findFreePort({ port: 5000, host: 'localhost', range: [5000, 5100], exclude: [5001] });
  const anyPort: number = await warden.findFreePort();
  const free: boolean = await warden.isPortFree(port, '127.0.0.1');
  const ac = new AbortController();
  await warden.waitForPort(port, { host: 'localhost', timeoutMs: 10000, signal: ac.signal, pid: process.pid });
  await warden.waitForPort(anyPort).catch((err: warden.WaitForPortError) => console.error(err.code, err.address, err.port, err.pid));
  const owner: warden.PortOwner | null = await warden.portOwner(port, { protocol: 'udp', host: '::1' });
  if (owner) {
    const pid: number | null = owner.pid;
    const name: string | null = owner.name;
    const state: warden.SocketState = owner.state;
    console.log(pid, name, owner.address, state, free);
  }
}

ports().catch(() => {});
