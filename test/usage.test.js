'use strict';
// treeUsage(pid): CPU and memory of a whole tree, natively (binding/usage/).

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { treeUsage, processInfo } = require('..');
const {
  isWine, fixture, waitFor, httpGet, makeMarker, markerEnv, killMarked, removeMarker,
} = require('./helpers');

describe('usage: treeUsage', function () {
  this.timeout(30000);
  let child;
  let port;
  let marker;

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-usage-'));
    const readyFile = path.join(dir, 'port');
    // The marker: test/hooks.js checks that no member outlives the run.
    marker = makeMarker();
    child = spawn(process.execPath, [fixture('observe-backend.js'), '--children', '2', '--ready-file', readyFile], { stdio: 'ignore', env: markerEnv(marker) });
    port = Number(await waitFor(() => fs.existsSync(readyFile) && fs.readFileSync(readyFile, 'utf8'), 15000));
    await waitFor(async () => (await treeUsage(child.pid)).processes === 3, 15000);
  });

  // The whole tree: the two children would outlive their root on Linux.
  after(() => {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch { /* gone */ }
    killMarked(marker);
    removeMarker(marker);
  });

  it('lists the whole tree, root first, and sums its figures', async () => {
    const u = await treeUsage(child.pid);
    assert.strictEqual(u.processes, 3);
    assert.strictEqual(u.members.length, 3);
    assert.strictEqual(u.members[0].pid, child.pid);
    assert.strictEqual(u.members[0].ppid, process.pid);
    for (const m of u.members.slice(1)) assert.strictEqual(m.ppid, child.pid);
    for (const m of u.members) {
      assert.deepStrictEqual(Object.keys(m).sort(), ['cpuMs', 'name', 'pid', 'ppid', 'rssBytes']);
      assert.ok(m.rssBytes > 1024 * 1024, JSON.stringify(m));
      assert.ok(m.cpuMs >= 0);
    }
    assert.strictEqual(u.rssBytes, u.members.reduce((s, m) => s + m.rssBytes, 0));
    assert.strictEqual(u.cpuMs, u.members.reduce((s, m) => s + m.cpuMs, 0));
    assert.ok(u.cpuMs > 0);
  });

  it(`cpuPercent is over the interval since the previous call: low when idle, high when busy${isWine ? ' (skipped under Wine: it reports the same CPU times for every other process)' : ''}`, async function () {
    if (isWine) this.skip();
    // Let the children finish starting (node's own start-up is CPU work).
    await new Promise((r) => setTimeout(r, 1500));
    await treeUsage(child.pid);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = await treeUsage(child.pid);
    assert.ok(idle.cpuPercent >= 0 && idle.cpuPercent < 50, `idle ${idle.cpuPercent}`);
    await httpGet(`http://127.0.0.1:${port}/hang`);
    await new Promise((r) => setTimeout(r, 300));
    await treeUsage(child.pid);
    await new Promise((r) => setTimeout(r, 1000));
    const busy = await treeUsage(child.pid);
    // One spinning core; on a loaded shared machine it gets what it gets,
    // but clearly more than an idle tree.
    assert.ok(busy.cpuPercent > idle.cpuPercent + 5, `idle ${idle.cpuPercent}, busy ${busy.cpuPercent}`);
  });

  it('checks the identity given as startTime', async () => {
    const { startTime } = await processInfo(child.pid);
    assert.strictEqual((await treeUsage(child.pid, { startTime })).members[0].pid, child.pid);
    await assert.rejects(treeUsage(child.pid, { startTime: startTime + 12345 }), { code: 'ESRCH' });
  });

  it('rejects bad arguments with Node-style codes and a missing pid with ESRCH', async () => {
    await assert.rejects(treeUsage(0), { code: 'ERR_OUT_OF_RANGE' });
    await assert.rejects(treeUsage(1.5), { code: 'ERR_OUT_OF_RANGE' });
    await assert.rejects(treeUsage('1'), { code: 'ERR_INVALID_ARG_TYPE' });
    await assert.rejects(treeUsage(1, { startTime: 'x' }), { code: 'ERR_INVALID_ARG_TYPE' });
    await assert.rejects(treeUsage(4294967295), { code: 'ESRCH' });
  });
});

describe('usage: the tree as the OS links it', function () {
  this.timeout(30000);
  const isLinux = process.platform === 'linux';

  // The parent links of every process, read from /proc independently of the
  // binding: the expected members of pid's tree.
  function procTree(pid) {
    const parent = new Map();
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
        parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch { /* gone */ }
    }
    const members = new Set([pid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [p, pp] of parent) if (members.has(pp) && !members.has(p)) grew = members.add(p) && true;
    }
    return [...members].sort((a, b) => a - b);
  }

  it(`a wide and deep tree: the same members as a /proc parent scan${isLinux ? '' : ' (skipped: Linux only)'}`, async function () {
    if (!isLinux) this.skip();
    const script = 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 1000 & done; sh -c "sleep 1000 & sh -c \'sleep 1000 & wait\' & wait" & wait';
    const root = spawn('sh', ['-c', script], { stdio: 'ignore', detached: true });
    try {
      // 1 + 10 sleeps + sh + sleep + sh + sleep
      const u = await waitFor(async () => {
        const t = await treeUsage(root.pid);
        return t.processes === 15 && t;
      }, 15000);
      assert.deepStrictEqual(u.members.map((m) => m.pid).sort((a, b) => a - b), procTree(root.pid));
      assert.strictEqual(u.members[0].pid, root.pid);
      // Breadth-first: every member comes after its parent.
      const at = new Map(u.members.map((m, i) => [m.pid, i]));
      for (const m of u.members.slice(1)) assert.ok(at.get(m.ppid) < at.get(m.pid), JSON.stringify(m));
    } finally {
      process.kill(-root.pid, 'SIGKILL');
    }
  });

  it(`a child started from a worker thread is a member (Linux: it is on that thread's children list)${isLinux ? '' : ' (skipped: Linux only)'}`, async function () {
    if (!isLinux) this.skip();
    const code = `const { Worker } = require('worker_threads');
new Worker("require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' }); setInterval(() => {}, 1e6);", { eval: true });`;
    const root = spawn(process.execPath, ['-e', code], { stdio: 'ignore', detached: true });
    try {
      const u = await waitFor(async () => {
        const t = await treeUsage(root.pid);
        return t.processes === 2 && t;
      }, 15000);
      const child = u.members[1];
      assert.strictEqual(child.ppid, root.pid);
      // It really is a worker thread's child, not the main thread's.
      const tids = fs.readdirSync(`/proc/${root.pid}/task`);
      const owner = tids.find((tid) => fs.readFileSync(`/proc/${root.pid}/task/${tid}/children`, 'latin1').split(' ').includes(String(child.pid)));
      assert.ok(owner && Number(owner) !== root.pid, `on the children list of thread ${owner}`);
    } finally {
      process.kill(-root.pid, 'SIGKILL');
    }
  });
});
