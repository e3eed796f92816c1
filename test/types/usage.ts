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

async function trees(): Promise<void> {
  const child: warden.SupervisedProcess = warden.spawnTree('/usr/bin/python3', ['-m', 'http.server'], {
    env: { ...process.env, PORT: '8000' }, stdout: 'pipe', graceMs: 2000,
  });
  const { pid, startTime } = await child.spawned;
  child.on('exit', (code: number | null, signal: NodeJS.Signals | null) => console.log(code, signal));
  child.stdout?.on('data', (chunk: Buffer) => console.log(chunk.toString()));
  const tree: warden.ProcessInfo[] = await warden.listTree(pid, { startTime });
  const result: warden.KillResult = await warden.killTree(pid, { signal: 'SIGTERM', graceMs: 1000, startTime });
  const forced: boolean = result.forced;
  const again: warden.KillResult = await child.kill({ graceMs: 0 });
  child.killSync();
  warden.killTreeSync(pid, { startTime: null });
  console.log(tree.length, forced, again.killed.length);
}

main().catch((err: warden.SystemError) => console.error(err.code, err.errno, err.syscall));

void trees;

async function firewall(): Promise<void> {
  const status: warden.FirewallStatus = await warden.checkFirewall({
    program: 'C:\\Program Files\\My App\\backend.exe',
    port: 5000,
    protocol: 'tcp',
    host: '0.0.0.0',
  });
  const ok: boolean = status.compatible;
  const text: string = status.recommendation ?? status.message;
  const state: warden.FirewallState = status.state;
  const blockers: string[] = (status.blockedBy ?? []).map((r: warden.FirewallRuleInfo) => r.name);
  const hresult: string | undefined = status.error?.hresult;
  const active: warden.FirewallProfileName[] = status.profiles.filter((p) => p.active).map((p) => p.name);
  const defaults = await warden.checkFirewall();
  const byName: warden.FirewallRuleResult = await warden.firewallRule({ name: 'My App' });
  const byProgram = await warden.firewallRule({ program: 'C:\\Program Files\\My App\\backend.exe' });
  const ports: string | undefined = byProgram.details?.[0]?.localPorts;
  const cmd: string = warden.firewallCommand({ name: 'My App', program: 'C:\\x.exe', port: 5000, protocol: 'udp' });
  console.log(ok, text, state, blockers, hresult, active, defaults.state, byName.exists, ports, cmd);
}

firewall().catch((err: warden.SystemError) => console.error(err.code, err.hresult));
