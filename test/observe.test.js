'use strict';
// Observe and heal on a real Backend (test/fixtures/observe-backend.js):
// usage(), liveness restarts, the memory limit, log files and readiness
// from output.

const assert = require('assert');
const { once } = require('events');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { Backend, treeUsage } = require('..');
const { spawnTree } = require('../lib/tree');
const {
  isWindows, isWine, fixture, waitFor, httpGet, pidAlive, makeMarker, markedProcesses, removeMarker, noSubreaper, NO_SUBREAPER,
} = require('./helpers');

const SERVER = fixture('observe-backend.js');

function tmpDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bw-observe-'));
}

// Linux: the supervisor is a child subreaper, so the orphan is re-parented
// to it; Windows: it stays in the job. macOS has no subreaper (the orphan
// goes to launchd, out of reach of usage() and stop() alike), nor has
// qemu-user.
const orphanSkip = process.platform === 'darwin'
  ? ' (skipped on macOS: no subreaper, the orphan is re-parented to launchd)'
  : noSubreaper ? ` (skipped: ${NO_SUBREAPER})` : '';

const backends = [];
function backend(options) {
  const b = new Backend({ command: process.execPath, name: 'obs', stopTimeoutMs: 1000, ...options });
  backends.push(b);
  return b;
}

afterEach(async () => {
  for (const b of backends.splice(0)) await b.stop().catch(() => {});
});

describe('observe: options are validated up front', () => {
  const base = { command: process.execPath, args: [SERVER] };
  const cases = [
    [{ health: 5 }, 'ERR_INVALID_ARG_TYPE'],
    [{ health: {} }, 'ERR_INVALID_ARG_VALUE'],
    [{ health: { path: '/h', failures: 0 } }, 'ERR_OUT_OF_RANGE'],
    [{ health: { tcp: true }, port: false, readiness: false }, 'ERR_INVALID_ARG_VALUE'],
    [{ logs: { dir: 5 } }, 'ERR_INVALID_ARG_TYPE'],
    [{ logs: { dir: '/tmp', maxBytes: -1 } }, 'ERR_OUT_OF_RANGE'],
    [{ logs: { dir: '/tmp', keep: 2 } }, 'ERR_INVALID_ARG_VALUE'],
    [{ limits: { memoryBytes: '1G' } }, 'ERR_INVALID_ARG_TYPE'],
    [{ limits: { memoryBytes: 10 } }, 'ERR_OUT_OF_RANGE'],
    [{ limits: {} }, 'ERR_INVALID_ARG_TYPE'],
    [{ readiness: { stdout: 'listening' } }, 'ERR_INVALID_ARG_TYPE'],
    [{ readiness: { stdout: /x/g } }, 'ERR_INVALID_ARG_VALUE'],
  ];
  for (const [extra, code] of cases) {
    it(`${JSON.stringify(extra, (k, v) => (v instanceof RegExp ? String(v) : v))} → ${code}`, () => {
      assert.throws(() => new Backend({ ...base, ...extra }), { code });
    });
  }
});

describe('observe: usage', function () {
  this.timeout(30000);

  it('treeUsage(pid) sums the whole tree natively; cpuPercent is over the interval since the previous call', async () => {
    const b = backend({ args: [SERVER, '--children', '2'], readiness: { tcp: true } });
    const { pid } = await b.start();
    // On Windows a console backend's conhost.exe is its child, so a member of its tree.
    const own = (u) => u.members.filter((m) => !(isWindows && /^conhost\.exe$/i.test(m.name)));
    const first = await waitFor(async () => {
      const u = await b.usage();
      return own(u).length === 3 && u;
    }, 15000);
    assert.strictEqual(first.members[0].pid, pid);
    assert.strictEqual(first.members.length, first.processes);
    assert.strictEqual(first.rssBytes, first.members.reduce((s, m) => s + m.rssBytes, 0));
    assert.ok(first.rssBytes > 10 * 1024 * 1024, `rss ${first.rssBytes}`);
    assert.ok(first.cpuMs > 0);
    for (const m of first.members) assert.strictEqual(typeof m.name, 'string');
    const second = await b.usage();
    assert.ok(second.cpuPercent >= 0 && Number.isFinite(second.cpuPercent));
    const t = await treeUsage(pid);
    assert.strictEqual(own(t).length, 3);
  });

  it(`cpuPercent of a busy tree is high, of an idle one low${isWine ? ' (skipped under Wine: it reports the same CPU times for every other process)' : ''}`, async function () {
    if (isWine) this.skip();
    const b = backend({ args: [SERVER], readiness: { tcp: true } });
    const { url } = await b.start();
    await b.usage();
    await new Promise((r) => setTimeout(r, 500));
    const idle = await b.usage();
    assert.ok(idle.cpuPercent < 50, `idle ${idle.cpuPercent}`);
    httpGet(`${url}/hang`).catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    await b.usage();
    await new Promise((r) => setTimeout(r, 1000));
    const busy = await b.usage();
    assert.ok(busy.cpuPercent > idle.cpuPercent + 5, `idle ${idle.cpuPercent}, busy ${busy.cpuPercent}`);
  });

  it(`a member whose parent exited is still counted, then stopped (Linux: re-parented to the supervisor; Windows: from the job's list of processes)${orphanSkip}`, async function () {
    if (orphanSkip) this.skip();
    const marker = makeMarker();
    const file = path.join(marker, 'orphan');
    const b = backend({ args: [SERVER, '--orphan', file], readiness: { tcp: true }, env: { BW_TEST_MARKER: marker } });
    const { pid } = await b.start();
    const orphan = Number(await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8'), 15000));
    // Its parent is gone: the root's tree by parent links no longer has it.
    await waitFor(async () => !(await treeUsage(pid)).members.some((m) => m.pid === orphan), 15000);
    const [root] = (await treeUsage(pid)).members;
    const u = await b.usage();
    const member = u.members.find((m) => m.pid === orphan);
    assert.ok(member, `orphan ${orphan} not in ${JSON.stringify(u.members)}`);
    if (!isWindows) {
      // Re-parented to the supervisor (the root's parent), which is not counted, nor the host.
      assert.strictEqual(member.ppid, root.ppid);
      assert.ok(!u.members.some((m) => m.pid === root.ppid || m.pid === process.pid), JSON.stringify(u.members));
    }
    assert.strictEqual(u.members[0].pid, pid);
    assert.strictEqual(u.processes, u.members.length);
    assert.strictEqual(new Set(u.members.map((m) => m.pid)).size, u.members.length);
    assert.strictEqual(u.rssBytes, u.members.reduce((s, m) => s + m.rssBytes, 0));
    assert.ok(member.rssBytes > 0, JSON.stringify(member));
    await b.stop();
    await waitFor(() => !pidAlive(orphan), 10000);
    assert.deepStrictEqual(markedProcesses(marker), []);
    removeMarker(marker);
  });

  it('usage() rejects ERR_BACKEND_NOT_RUNNING when nothing runs; treeUsage rejects bad pids', async () => {
    const b = backend({ args: [SERVER] });
    await assert.rejects(b.usage(), { code: 'ERR_BACKEND_NOT_RUNNING' });
    await assert.rejects(treeUsage(0), { code: 'ERR_OUT_OF_RANGE' });
    await assert.rejects(treeUsage('1'), { code: 'ERR_INVALID_ARG_TYPE' });
    await assert.rejects(treeUsage(4294967295), { code: 'ESRCH' });
  });
});

describe('observe: liveness', function () {
  this.timeout(60000);

  it('a hung backend (SIGSTOP) is restarted after `failures` failed probes (skipped on Windows: no SIGSTOP)', async function () {
    if (isWindows) this.skip();
    const b = backend({
      args: [SERVER], readiness: { path: '/health' },
      health: { path: '/health', intervalMs: 100, timeoutMs: 300, failures: 2 },
      restart: { backoffMs: 10 },
    });
    const { pid } = await b.start();
    assert.deepStrictEqual(Object.keys(b.status().health).sort(), ['failures', 'lastCheckAt', 'ok']);
    await waitFor(() => b.status().health.ok === true, 10000);
    const unhealthy = once(b, 'unhealthy');
    process.kill(pid, 'SIGSTOP');
    const [event] = await unhealthy;
    assert.strictEqual(event.pid, pid);
    assert.strictEqual(event.failures, 2);
    assert.strictEqual(event.last, 'ETIMEDOUT');
    const [info] = await once(b, 'ready');
    assert.notStrictEqual(info.pid, pid);
    assert.strictEqual(b.status().restarts, 1);
    assert.strictEqual(b.status().lastExit.reason, 'unhealthy');
    assert.strictEqual(b.status().lastExit.health.failures, 2);
    await waitFor(() => !pidAlive(pid), 10000);
  });

  it('a backend that stops answering (busy event loop) is restarted; restarting says why', async () => {
    const b = backend({
      args: [SERVER], readiness: { path: '/health' },
      health: { path: '/health', intervalMs: 100, timeoutMs: 500, failures: 2 },
      restart: { backoffMs: 10 },
    });
    const { url, pid } = await b.start();
    const restarting = once(b, 'restarting');
    await httpGet(`${url}/hang`);
    const [ev] = await restarting;
    assert.strictEqual(ev.reason, 'unhealthy');
    const [info] = await once(b, 'ready');
    assert.notStrictEqual(info.pid, pid);
  });

  it('a slow answer within timeoutMs is not restarted', async () => {
    const b = backend({
      args: [SERVER], env: { BW_OBS_HEALTH_MS: '300' }, readiness: { tcp: true },
      health: { path: '/health', intervalMs: 100, timeoutMs: 1500, failures: 1 },
    });
    let unhealthy = 0;
    b.on('unhealthy', () => unhealthy++);
    const { pid } = await b.start();
    await new Promise((r) => setTimeout(r, 2000));
    assert.strictEqual(unhealthy, 0);
    assert.strictEqual(b.status().pid, pid);
    assert.strictEqual(b.status().health.ok, true);
    assert.strictEqual(b.status().health.failures, 0);
  });

  it('never probes while stopping, and not after the stop', async () => {
    const dir = tmpDir();
    const b = backend({
      args: [SERVER, '--ignore-term'], readiness: { tcp: true }, stopTimeoutMs: 1500,
      health: { path: '/health', intervalMs: 50, timeoutMs: 500, failures: 100 },
    });
    await b.start();
    await waitFor(() => b.status().health.lastCheckAt !== null, 10000);
    const stopping = b.stop();
    const at = b.status().health.lastCheckAt;
    await new Promise((r) => setTimeout(r, 700));
    assert.strictEqual(b.state, 'stopping');
    assert.strictEqual(b.status().health.lastCheckAt, at);
    await stopping;
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('observe: memory limit', function () {
  this.timeout(60000);

  // Windows: JOB_OBJECT_LIMIT_JOB_MEMORY refuses the allocation and the job's
  // message heals. Wine 8 accepts the limit but neither stores nor enforces
  // it (no refusal, no message): there the sampler's working-set check fires.
  const how = !isWindows ? 'the sampler sees the resident memory'
    : isWine ? "under Wine 8 the job limit is accepted but not enforced, so the sampler's working-set check fires"
      : 'the job object refuses the allocation';
  it(`exceeding limits.memoryBytes emits limit and restarts, with the figure in lastExit (${how})`, async function () {
    const limit = 200 * 1024 * 1024;
    const b = backend({ args: [SERVER], readiness: { tcp: true }, limits: { memoryBytes: limit, intervalMs: 100 }, restart: { backoffMs: 10 } });
    const { url, pid } = await b.start();
    const limited = once(b, 'limit');
    httpGet(`${url}/alloc?mb=256`).catch(() => {}); // may be cut short by the restart
    const [ev] = await limited;
    assert.strictEqual(ev.pid, pid);
    assert.strictEqual(ev.memoryBytes, limit);
    const byJob = isWindows && !isWine;
    assert.strictEqual(ev.source, byJob ? 'job' : 'sampler');
    if (byJob) assert.ok(ev.committedBytes === null || ev.committedBytes > 0, String(ev.committedBytes));
    else assert.ok(ev.rssBytes > limit, String(ev.rssBytes));
    const [info] = await once(b, 'ready');
    assert.notStrictEqual(info.pid, pid);
    const { lastExit, lastError } = b.status();
    assert.strictEqual(lastExit.reason, 'limit');
    assert.strictEqual(lastExit.limit.memoryBytes, limit);
    assert.strictEqual(lastExit.limit.source, ev.source);
    if (!byJob) assert.ok(lastExit.limit.rssBytes > limit);
    assert.strictEqual(lastError, null); // cleared when ready again
  });

  // The memory of a grandchild whose parent exited counts too (Linux: the
  // supervisor's descendants; Windows: the job's members).
  it(`an orphaned grandchild's memory counts toward limits.memoryBytes (${how})${orphanSkip}`, async function () {
    if (orphanSkip) this.skip();
    const marker = makeMarker();
    const file = path.join(marker, 'orphan');
    // Over the tree without the orphan's buffer (Linux about 130 MB, Wine 300), under it with.
    const limit = 500 * 1024 * 1024;
    const b = backend({
      args: [SERVER, '--orphan', file, '--orphan-mb', '640'], readiness: { tcp: true },
      limits: { memoryBytes: limit, intervalMs: 100 }, restart: false, env: { BW_TEST_MARKER: marker },
    });
    const limited = once(b, 'limit');
    const { pid } = await b.start();
    const orphan = Number(await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8'), 15000));
    let timer;
    const ev = await Promise.race([limited.then(([e]) => e), new Promise((r) => { timer = setTimeout(r, 20000); })]);
    clearTimeout(timer);
    assert.ok(ev, `no limit event in 20 s; usage: ${JSON.stringify(await b.usage().catch((e) => e.code))}`);
    assert.strictEqual(ev.pid, pid);
    const byJob = isWindows && !isWine;
    assert.strictEqual(ev.source, byJob ? 'job' : 'sampler');
    if (!byJob) assert.ok(ev.rssBytes > limit, String(ev.rssBytes));
    await b.stop();
    await waitFor(() => !pidAlive(orphan), 10000);
    assert.deepStrictEqual(markedProcesses(marker), []);
    removeMarker(marker);
  });

  it(`Windows: the backend's job carries JOB_OBJECT_LIMIT_JOB_MEMORY and its own accounting${!isWindows ? ' (skipped: Windows only)' : isWine ? ' (Wine 8: SetInformationJobObject accepts the limit, QueryInformationJobObject reports none and no CPU time)' : ''}`, async function () {
    if (!isWindows) this.skip();
    const limit = 300 * 1024 * 1024;
    const child = spawnTree(process.execPath, [SERVER], { stdout: 'ignore', stderr: 'ignore' }, { memoryLimit: limit });
    try {
      await child.spawned;
      const job = await waitFor(() => {
        const u = child.jobUsage();
        return u && u.activeProcesses >= 1 && u;
      }, 10000);
      assert.deepStrictEqual(Object.keys(job).sort(), ['activeProcesses', 'cpuMs', 'memoryAtLimitBytes', 'memoryLimitBytes', 'memoryLimitHit', 'peakMemoryBytes', 'totalProcesses']);
      assert.strictEqual(job.memoryLimitBytes, isWine ? null : limit);
      assert.strictEqual(job.memoryLimitHit, false);
      assert.ok(job.totalProcesses >= job.activeProcesses);
      if (!isWine) assert.ok(job.cpuMs > 0 && job.peakMemoryBytes > 0, JSON.stringify(job));
      // Without a limit the job reports none.
      const plain = spawnTree(process.execPath, [SERVER], { stdout: 'ignore', stderr: 'ignore' });
      await plain.spawned;
      assert.strictEqual(plain.jobUsage().memoryLimitBytes, null);
      await plain.kill({ graceMs: 0 });
      assert.strictEqual(plain.jobUsage(), null);
    } finally {
      await child.kill({ graceMs: 0 });
    }
  });
});

describe('observe: logs', function () {
  this.timeout(30000);

  it('writes stdout and stderr lines with timestamps to <dir>/<name>.log, closed on stop', async () => {
    const dir = tmpDir();
    const b = backend({ args: [SERVER, '--lines', '3'], readiness: { stdout: /Now listening/ }, logs: { dir } });
    await b.start();
    await b.stop();
    const text = fs.readFileSync(path.join(dir, 'obs.log'), 'utf8');
    assert.match(text, /^\d{4}-\d\d-\d\dT[\d:.]+Z warden started pid \d+/m);
    assert.match(text, /Z stdout line 0\n.*Z stdout line 1\n.*Z stdout line 2\n/);
    assert.match(text, /Z stdout Now listening on: http:\/\/127\.0\.0\.1:\d+/);
  });

  it("a crash's last lines are in the file when 'crashed' fires", async () => {
    const dir = tmpDir();
    const b = backend({ args: [SERVER, '--crash-after', '300'], readiness: { tcp: true }, restart: false, logs: { dir } });
    const crashed = new Promise((resolve) => b.once('crashed', () => resolve(fs.readFileSync(path.join(dir, 'obs.log'), 'utf8'))));
    await b.start();
    const text = await crashed;
    assert.match(text, /Z stderr fatal: crash\n/);
  });

  it('a log directory that cannot be created fails start() naming the path', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');
    const b = backend({ args: [SERVER], logs: { dir: path.join(file, 'logs') } });
    await assert.rejects(b.start(), (err) => {
      assert.ok(['ENOTDIR', 'ENOENT', 'EEXIST'].includes(err.code), err.code);
      assert.ok(err.message.includes(path.join(file, 'logs')), err.message);
      return true;
    });
    assert.strictEqual(b.state, 'stopped');
    assert.strictEqual(b.status().pid, null);
  });
});

describe('observe: readiness from output', function () {
  this.timeout(30000);
  const LINE = /Now listening on: (http:\/\/127\.0\.0\.1:\d+)/;

  it('with port: 0 and a capture group the backend picks its port and the URL comes from the line', async () => {
    const b = backend({ args: [SERVER, '--port', '{port}'], port: 0, readiness: { stdout: /Now listening on: http:\/\/127\.0\.0\.1:(\d+)/ } });
    const { url, port } = await b.start();
    assert.ok(port > 0);
    assert.strictEqual(url, `http://127.0.0.1:${port}`);
    assert.strictEqual((await httpGet(`${url}/health`)).body, 'ok');
    assert.strictEqual(b.status().port, port);
  });

  it('a URL capture works too, and combined with path readiness both must hold', async () => {
    const b = backend({ args: [SERVER, '--port', '0'], port: 0, portEnv: false, readiness: { stdout: LINE, path: '/health' } });
    const { url } = await b.start();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('a line printed after the port is open holds readiness back until it appears', async () => {
    const b = backend({ args: [SERVER, '--print-delay', '800'], readiness: { stdout: /Now listening/, tcp: true } });
    const t = Date.now();
    await b.start();
    assert.ok(Date.now() - t >= 700, `${Date.now() - t} ms`);
  });

  it('a pattern that never matches fails readiness with ETIMEDOUT and the last lines', async () => {
    // Windows Node under Wine takes seconds to start on a loaded machine.
    const b = backend({ args: [SERVER, '--quiet'], readiness: { stdout: /Now listening/, timeoutMs: isWindows ? 10000 : 1500 } });
    await assert.rejects(b.start(), (err) => {
      assert.strictEqual(err.code, 'ETIMEDOUT');
      assert.match(err.message, /no stdout line matched \/Now listening\//);
      assert.match(err.message, /started, not saying where/);
      return true;
    });
  });
});
