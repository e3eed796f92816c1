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
