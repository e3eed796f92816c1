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

// --- Backend and Electron integration ---

async function backendLifecycle(): Promise<void> {
  const backend = new warden.Backend({
    command: 'C:\\Program Files\\My App\\resources\\backend\\MyApp.Api.exe',
    args: ['--urls', 'http://127.0.0.1:{port}'],
    env: { ASPNETCORE_ENVIRONMENT: 'Production', DOTNET_gcServer: 0, UNSET_ME: undefined },
    port: { preferred: 5000, range: [5000, 5100] },
    portEnv: 'ASPNETCORE_HTTP_PORTS',
    readiness: { path: '/health', timeoutMs: 20000 },
    shutdown: { path: '/shutdown', method: 'POST' },
    stopTimeoutMs: 5000,
    killTimeoutMs: 2000,
    restart: { maxRestarts: 3, windowMs: 60000, backoffMs: 500, maxBackoffMs: 8000 },
    pidFile: '/tmp/api.pid',
    stopOnExit: true,
    logger: console,
    name: 'api',
  });
  new warden.Backend({ command: '/usr/bin/python3', port: false, readiness: false, restart: false });
  new warden.Backend({ command: '/usr/bin/python3', port: 0, readiness: { tcp: true } });

  backend.on('ready', (info: warden.BackendStartResult) => console.log(info.url, info.port, info.pid));
  backend.on('stderr', (line: string) => console.error(line));
  backend.on('status', (s: warden.BackendStatus) => console.log(s.state, s.running, s.url, s.restarts));
  backend.on('crashed', (e: warden.BackendCrashedEvent) => console.log(e.code, e.signal, e.restarts, e.error?.code));
  backend.once('restarting', (e: warden.BackendRestartingEvent) => console.log(e.attempt, e.delayMs, e.reason));
  backend.on('portTaken', (e: warden.BackendPortTakenEvent) => console.log(e.port, e.nextPort, e.attempt, e.holder?.pid));
  backend.on('exit', (e: warden.BackendExit) => console.log(e.code, e.expected));
  backend.on('stopped', (e: warden.BackendStoppedEvent) => console.log(e.reason, e.forced));
  backend.on('error', (err: Error) => console.error(err.message));

  const ac = new AbortController();
  const { url, port, pid }: warden.BackendStartResult = await backend.start({ signal: ac.signal });
  const state: warden.BackendState = backend.status().state;
  const restarted: warden.BackendRestartResult = await backend.restart();
  const fw: warden.FirewallStatus = await backend.checkFirewall();
  const rule: warden.FirewallRuleResult = await backend.getFirewallRule({ name: 'api' });
  const cmd: string = backend.getFirewallCommand();
  const stopped: warden.BackendStopResult = await backend.stop();
  process.on('exit', () => backend.stopSync());
  await backend.dispose();
  console.log(url, port, pid, state, restarted.success, fw.compatible, rule.exists, cmd, stopped.forced);
}

void backendLifecycle;

// Electron's objects, reduced to what the helpers use (no electron types here).
declare const ipcMain: { handle(channel: string, fn: (event: any, ...args: any[]) => unknown): void; removeHandler(channel: string): void };
declare const mainWindow: { webContents: { send(channel: string, ...args: any[]): void }; isDestroyed(): boolean };
declare const contextBridge: { exposeInMainWorld(key: string, api: any): void };
declare const ipcRenderer: {
  invoke(channel: string, ...args: any[]): Promise<any>;
  on(channel: string, listener: (event: unknown, ...args: any[]) => void): unknown;
  removeListener(channel: string, listener: (...args: any[]) => void): unknown;
};

function mainProcess(backend: warden.Backend): void {
  const dispose: () => void = warden.registerIpcHandlers(ipcMain, backend, {
    prefix: 'backend',
    allowedOrigins: ['file://', 'http://localhost:5173'],
    windows: () => [mainWindow],
  });
  dispose();
}

function preloadScript(): void {
  const api: warden.BackendBridge = warden.exposeBackend(contextBridge, ipcRenderer, { key: 'backend', prefix: 'backend' });
  contextBridge.exposeInMainWorld('electron', { backend: warden.createBackendApi(ipcRenderer) });
  void api;
}

declare global {
  interface Window extends warden.BackendWindow {}
}

async function renderer(win: Window): Promise<void> {
  const s: warden.BackendStatus = await win.backend.status();
  const { running, port, url } = s;
  const r = await win.backend.restart();
  if (r.success) {
    const newUrl: string | null = r.url;
    console.log(newUrl);
  } else {
    const why: warden.BackendErrorInfo = r.error;
    console.error(why.code, why.message);
  }
  const st: warden.BackendStopResult | warden.BackendBridgeFailure = await win.backend.stop();
  const fw = await win.backend.checkFirewall();
  const text: string = fw.recommendation ?? fw.message;
  const rule = await win.backend.getFirewallRule();
  const cmd: string = await win.backend.getFirewallCommand({ name: 'My App' });
  const off: () => void = win.backend.onStatus((status) => console.log(status.state));
  off();
  win.backend.start().catch((err: warden.BackendErrorInfo) => console.error(err.code, err.message));
  console.log(running, port, url, st.success, text, rule.exists, cmd);
}

async function tasks(): Promise<void> {
  const controller = new AbortController();
  const frames: number[] = [];
  try {
    const r: warden.TaskResult = await warden.runTree('ffmpeg', ['-i', 'in.mkv', '-progress', 'pipe:1', 'out.mp4'], {
      signal: controller.signal,
      timeoutMs: 600000,
      graceMs: 2000,
      maxBuffer: 1 << 20,
      stderr: 'ignore',
      onLine: (stream: 'stdout' | 'stderr', line: string) => {
        const m = /^frame=(\d+)$/.exec(line);
        if (stream === 'stdout' && m) frames.push(Number(m[1]));
      },
    });
    const code: number | null = r.exitCode;
    const flags: boolean = r.forced || r.cancelled || r.timedOut;
    const out: string = r.stdout + r.stderr;
    console.log(code, flags, out, r.durationMs.toFixed(0), r.signal, r.command, r.pid);
  } catch (e) {
    const err = e as warden.TaskError;
    if (err.code === 'ERR_TASK_FAILED') console.error(err.exitCode, err.signal, err.stderr);
    else if (err.code === 'ABORT_ERR' || err.code === 'ETIMEDOUT') console.error(err.result.durationMs, err.cancelled);
  }
  const soft = await warden.runTree('node', { input: Buffer.from('x'), reject: false, env: { A: '1', B: undefined } });
  console.log(soft.exitCode);
  const child = warden.spawnTree('npm', ['run', 'dev'], { signal: controller.signal, timeoutMs: 1000 });
  const resolved: string = child.spawnfile;
  const why: boolean = child.cancelled || child.timedOut;
  console.log(resolved, why);
}

void mainProcess;
void preloadScript;
void renderer;
void tasks;

// attachToApp / registerPreload with stand-ins shaped like Electron's objects.
declare const electronApp: {
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
  quit(): void;
  exit(code?: number): void;
};
declare const electronSession: { registerPreloadScript(s: { type: 'frame'; id?: string; filePath: string }): string; unregisterPreloadScript(id: string): void };
function electronGlue(b1: warden.Backend, b2: warden.Backend): void {
  const detach: () => void = warden.attachToApp(electronApp, [b1, b2], { quitTimeoutMs: 10000 });
  warden.attachToApp(electronApp, b1);
  detach();
  const unregister: () => void = warden.registerPreload(electronSession, { key: 'api', prefix: 'api' });
  warden.registerPreload(electronSession);
  unregister();
}
void electronGlue;

// A port configured (or none given: any free port) → url is a string; port: false → null.
declare function loadURL(url: string): Promise<void>;
async function urlTypes(): Promise<void> {
  const withPort = new warden.Backend({ command: '/usr/bin/python3', port: 5000 });
  const { url, port } = await withPort.start();
  await loadURL(url);
  const p: number = port;
  const anyPort = new warden.Backend({ command: '/usr/bin/python3' });
  await loadURL((await anyPort.start()).url);
  await loadURL((await anyPort.restart()).url);
  const noPort = new warden.Backend({ command: '/usr/bin/python3', port: false });
  const none: null = (await noPort.start()).url;
  // Every kind is a Backend.
  const all: warden.Backend[] = [withPort, anyPort, noPort];
  const states: readonly warden.BackendState[] = warden.Backend.STATES;
  console.log(p, none, all.length, states.includes('running'), withPort instanceof warden.Backend);
  // EventEmitter's own events.
  withPort.on('newListener', (name: string | symbol) => console.log(String(name)));
  withPort.on('removeListener', (name: string | symbol) => console.log(String(name)));
}
void urlTypes;

// Port ranges built elsewhere: a readonly tuple or a number[].
const RANGE = [5000, 5100] as const;
const computed: number[] = [5000, 5000 + 100];
new warden.Backend({ command: '/usr/bin/python3', port: { preferred: 5000, range: RANGE } });
new warden.Backend({ command: '/usr/bin/python3', port: { range: computed } });
void warden.findFreePort({ range: RANGE });
void warden.findFreePort({ range: computed });

// Narrowing a catch without casts.
async function errors(backend: warden.Backend<string>): Promise<void> {
  try {
    await backend.start();
  } catch (err) {
    if (warden.isBackendError(err, 'ERR_BACKEND_EXITED')) {
      const out: string = err.output;
      const code: number | null = err.exitCode;
      console.error(out, code, err.signal);
    } else if (warden.isBackendError(err, 'ETIMEDOUT')) {
      console.error(err.output ?? err.message, err.holder?.pid);
    } else if (warden.isBackendError(err, 'EADDRINUSE')) {
      const holder: warden.PortHolder | null | undefined = err.holder;
      console.error(err.port, holder?.pid, holder?.name, err.syscall);
    } else if (warden.isBackendError(err, 'ERR_BACKEND_OWNED')) {
      const other: number = err.hostPid;
      const file: string = err.pidFile;
      console.error(other, file, err.pid);
    } else if (warden.isBackendError(err, 'ENOENT')) {
      const program: string = err.path;
      console.error(program, err.syscall);
    } else if (warden.isBackendError(err)) {
      const code: string = err.code;
      console.error(code, err.message);
    }
  }
}
void errors;

async function usage(): Promise<void> {
  const u: warden.TreeUsage = await warden.treeUsage(1234, { startTime: null });
  const top: warden.ProcessUsage | undefined = u.members[0];
  console.log(u.processes, u.cpuMs, u.cpuPercent, u.rssBytes, top?.pid, top?.ppid, top?.name, top?.cpuMs, top?.rssBytes);
}
void usage;
