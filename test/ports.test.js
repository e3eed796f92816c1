'use strict';
// Ports: findFreePort, isPortFree, waitForPort and portOwner against real
// processes (test/fixtures/ports-hold.js holds a port the way a backend
// does) and real sockets; bad input through the JS layer and the raw binding.

const assert = require('assert');
const { spawn, spawnSync } = require('child_process');
const { once } = require('events');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { Worker } = require('worker_threads');

const native = require('../lib/native');
const { findFreePort, isPortFree, waitForPort, portOwner } = require('..');
const { _internal } = require('../lib/ports');
const { isWindows, isWine, slow, QEMU_NOTE, childNode, fixture, waitFor, readableRoot, readableEnv } = require('./helpers');

const root = path.resolve(__dirname, '..');
// Whether ::1 exists here, asked with the bind probe itself (-3: no such
// address or family).
const hasIPv6 = native.binding().probeBind('::1', 0, true) > 0;
const itIPv6 = (title, fn) => (hasIPv6 ? it(title, fn) : it.skip(`${title} (skipped: no IPv6 loopback on this machine)`, fn));
// Spawning a process under Wine costs about half a second; bounds widen
// (and more under qemu-user: tests bounded by slack say so in the title).
const slack = slow(isWindows ? 5000 : 2000);
const isRoot = !isWindows && process.getuid() === 0;
// Under Wine a listening socket's only Unix descriptor lives in wineserver,
// so GetExtendedTcpTable reports owner pid 0 for TCP listeners (UDP sockets
// are also held by the process and get their pid): portOwner says null.
const wineListenerNote = ' (Wine: GetExtendedTcpTable reports pid 0 for a TCP listener, whose only Unix fd wineserver holds, so pid and name are null)';
const listenerPid = (pid) => (isWine ? null : pid);
const label = (v) => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) || (v && typeof v === 'object') ? JSON.stringify(v) : String(v));

let tmp;
let seq = 0;
const children = [];
const servers = [];

// A port held by another process: { child, port }.
async function hold(protocol, host, port = 0, { v6only = false } = {}) {
  const ready = path.join(tmp, `ready-${process.pid}-${++seq}`);
  const args = [fixture('ports-hold.js'), protocol, host, String(port), ready];
  if (v6only) args.push('v6only');
  const child = spawn(childNode, args, { stdio: 'ignore' });
  children.push(child);
  const got = await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`ports-hold.js exited with ${child.exitCode}`);
    return fs.existsSync(ready) && Number(fs.readFileSync(ready, 'utf8'));
  }, isWindows ? 20000 : 5000);
  return { child, port: got };
}

// A listener in this process.
function listen(host, port = 0, { ipv6Only = false } = {}) {
  const server = net.createServer((c) => c.destroy());
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ipv6Only }, () => resolve(server));
  });
}

// Runs code in a child node with this uid (root only); returns its JSON. The
// package is swapped for readableRoot(): a copy any user may read when the checkout
// sits in a directory the uid cannot enter (mktemp -d makes 0700 ones).
function runAs(uid, code) {
  const r = spawnSync(process.execPath, ['-e', code.split(JSON.stringify(root)).join(JSON.stringify(readableRoot()))], {
    uid, gid: uid, encoding: 'utf8', cwd: os.tmpdir(), timeout: slow(15000), env: readableEnv(),
  });
  assert.strictEqual(r.status, 0, r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : r.stderr);
  return JSON.parse(r.stdout);
}

function exitedChild() {
  const child = spawn(childNode, ['-e', ''], { stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', () => resolve(child.pid)));
}

describe('ports', function () {
  before(function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-ports-'));
  });

  afterEach(function () {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    for (const s of servers.splice(0)) s.close();
  });

  after(function () {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('findFreePort', function () {
    it('returns the preferred port when it is free', async function () {
      // A port the OS gave a listener that is closed again: free, and never
      // handed out by findFreePort.
      const s = await listen('127.0.0.1');
      const p = s.address().port;
      await new Promise((resolve) => s.close(resolve));
      assert.ok(p > 0 && p <= 65535);
      assert.strictEqual(await findFreePort({ port: p }), p);
    });

    it('never hands out one port twice in a while, also to calls that race (get-port\'s lock)', async function () {
      const s = await listen('127.0.0.1');
      const p = s.address().port;
      await new Promise((resolve) => s.close(resolve));
      const got = await Promise.all(Array.from({ length: 8 }, () => findFreePort({ port: p })));
      assert.strictEqual(new Set(got).size, 8, `distinct ports: ${got.join(', ')}`);
      assert.ok(got.includes(p), `the preferred port went to one of them: ${got.join(', ')}`);
      const any = await Promise.all(Array.from({ length: 8 }, () => findFreePort()));
      assert.strictEqual(new Set(any).size, 8, `distinct OS-assigned ports: ${any.join(', ')}`);
      for (const q of got) assert.notStrictEqual(await findFreePort({ port: q }), q, `port ${q} was just handed out`);
      assert.notStrictEqual(await findFreePort({ range: [p, p] }), p, 'a range walk skips it too');
      assert.strictEqual(await isPortFree(p), true, 'it is still free: the lock is in-process only');
    });

    it(`gives a different, bindable port when another process holds the preferred one, and portOwner names that process${isWine ? wineListenerNote : ''}`, async function () {
      const h = await hold('tcp', '127.0.0.1');
      const got = await findFreePort({ port: h.port });
      assert.notStrictEqual(got, h.port);
      await listen('127.0.0.1', got); // really free
      const owner = await portOwner(h.port);
      assert.deepStrictEqual(owner, { pid: listenerPid(h.child.pid), name: owner.name, address: '127.0.0.1', state: 'LISTEN' });
      if (isWine) assert.strictEqual(owner.name, null);
      else assert.match(owner.name, /^node(\.exe)?$/i);
    });

    it(`treats a wildcard holder as holding 127.0.0.1, and a 127.0.0.1 holder as blocking a wildcard bind${isWindows ? ' (SO_EXCLUSIVEADDRUSE)' : ''}`, async function () {
      const any = await hold('tcp', '0.0.0.0');
      assert.strictEqual(await isPortFree(any.port), false);
      assert.notStrictEqual(await findFreePort({ port: any.port }), any.port);
      const lo = await hold('tcp', '127.0.0.1');
      assert.strictEqual(await isPortFree(lo.port, '0.0.0.0'), false);
      assert.notStrictEqual(await findFreePort({ port: lo.port, host: '0.0.0.0' }), lo.port);
    });

    it('walks the range past a held port and never returns an excluded one', async function () {
      // Below every OS's ephemeral range, so that port + 20 exists.
      const h = await hold('tcp', '127.0.0.1', await findFreePort({ range: [20000, 30000] }));
      const max = h.port + 20;
      const got = await findFreePort({ port: h.port, range: [h.port, max], exclude: [h.port + 1] });
      assert.ok(got > h.port + 1 && got <= max, `${got} in (${h.port + 1}, ${max}]`);
      assert.strictEqual(await isPortFree(got), true);
      const p = await findFreePort();
      assert.notStrictEqual(await findFreePort({ port: p, exclude: [p] }), p);
    });

    it('falls back to a port the OS assigns when the whole range is taken', async function () {
      const h = await hold('tcp', '127.0.0.1');
      const got = await findFreePort({ range: [h.port, h.port] });
      assert.notStrictEqual(got, h.port);
      assert.strictEqual(await isPortFree(got), true);
    });

    itIPv6('with host "localhost", a port held only on ::1 is not free', async function () {
      const h = await hold('tcp', '::1', 0, { v6only: true });
      assert.notStrictEqual(await findFreePort({ port: h.port, host: 'localhost' }), h.port);
      assert.strictEqual(await findFreePort({ port: h.port, host: '127.0.0.1' }), h.port);
    });

    // Windows excluded port ranges answer WSAEACCES in blocks; on Linux the
    // ports below ip_unprivileged_port_start answer EACCES to a non-root
    // process the same way, which makes the jump testable with real binds.
    const unprivStart = isWindows ? 0 : Number((() => {
      try {
        return fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8');
      } catch {
        return '1024';
      }
    })());
    (isWindows || unprivStart < 100 ? it.skip : it)(`jumps past a block of ports that answer EACCES${isWindows ? ' (skipped on Windows: creating an excluded port range needs administrator rights, and Wine runs as root here)' : unprivStart < 100 ? ' (skipped: every port is unprivileged on this machine)' : ' (Linux: privileged ports probed as an unprivileged user)'}`, async function () {
      const code = `require(${JSON.stringify(root)}).findFreePort({ range: [${unprivStart - 100}, ${unprivStart + 100}] })
        .then(async (p) => console.log(JSON.stringify({ p, low: await require(${JSON.stringify(root)}).isPortFree(${unprivStart - 1}) })))`;
      const r = isRoot ? runAs(65534, code) : JSON.parse(spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 60000 }).stdout);
      assert.strictEqual(r.low, false, 'a privileged port is not free');
      assert.ok(r.p >= unprivStart && r.p <= unprivStart + 100, `${r.p} in [${unprivStart}, ${unprivStart + 100}]`);
    });

    it('findFreePort never leaps over a free port between two blocked blocks, and stays in range (the blocks are EACCES answers of the native probe, as Windows excluded port ranges give)', async function () {
      const b = native.binding();
      const s = await listen('127.0.0.1');
      const free = s.address().port;
      await new Promise((resolve) => s.close(resolve));
      const min = Math.max(1, free - 100);
      const max = Math.min(65535, free + 99);
      const real = b.probeBind;
      const probed = [];
      // Every port of [min, max] but `free` answers BLOCKED (EACCES), as the
      // OS does inside excluded ranges; `free` is probed for real.
      b.probeBind = (address, port, optional) => {
        probed.push(port);
        return port >= min && port <= max && port !== free ? _internal.BLOCKED : real.call(b, address, port, optional);
      };
      let got;
      try {
        got = await findFreePort({ range: [min, max] });
      } finally {
        b.probeBind = real;
      }
      assert.strictEqual(got, free, `the free port ${free} between the blocks [${min}, ${free - 1}] and [${free + 1}, ${max}]`);
      assert.ok(probed.includes(free));
    });

    it('never leaps over a free port between two blocked blocks, and stays in range', async function () {
      const { scanRange, BLOCKED, IN_USE } = _internal;
      // Blocked 1000..1099 and 1101..1199 (as excluded port ranges answer), 1100 free.
      const probe = (q) => (q === 1100 ? q : q >= 1000 && q <= 1199 ? BLOCKED : IN_USE);
      assert.strictEqual(await scanRange(probe, 1000, 1199, new Set()), 1100);
      // The free port held by someone: nothing in range, so 0 (the caller then asks the OS).
      const held = (q) => (q === 1100 ? IN_USE : probe(q));
      assert.strictEqual(await scanRange(held, 1000, 1199, new Set()), 0);
      // Excluded: skipped, and the answer is never outside [min, max].
      assert.strictEqual(await scanRange(probe, 1000, 1199, new Set([1100])), 0);
      const free = (q) => q;
      assert.strictEqual(await scanRange(free, 1150, 1160, new Set([1150, 1151])), 1152);
    });
  });

  describe('isPortFree', function () {
    it('is true for a free port and false for a held one', async function () {
      const p = await findFreePort();
      assert.strictEqual(await isPortFree(p), true);
      const h = await hold('tcp', '127.0.0.1');
      assert.strictEqual(await isPortFree(h.port), false);
      assert.strictEqual(await isPortFree(h.port, '127.0.0.1'), false);
      assert.strictEqual(await isPortFree(h.port, 'localhost'), false);
    });

    itIPv6('an IPv6-only listener on ::1: busy for "localhost" and "::1", free for 127.0.0.1', async function () {
      const s = await listen('::1', 0, { ipv6Only: true });
      const p = s.address().port;
      assert.strictEqual(await isPortFree(p, 'localhost'), false);
      assert.strictEqual(await isPortFree(p, '::1'), false);
      assert.strictEqual(await isPortFree(p, '[::1]'), false);
      assert.strictEqual(await isPortFree(p, '127.0.0.1'), true);
    });

    it('rejects with EADDRNOTAVAIL for an address this machine does not have', async function () {
      await assert.rejects(isPortFree(4000, '192.0.2.1'), { code: 'EADDRNOTAVAIL', syscall: 'bind' });
    });

    it("rejects with the resolver's error for a host that does not resolve", async function () {
      // A malformed name fails inside getaddrinfo without any DNS traffic.
      await assert.rejects(isPortFree(4000, 'bad..host'), (err) => {
        assert.match(err.code, /^(ENOTFOUND|EAI_FAIL|EAI_NONAME)$/);
        assert.strictEqual(err.syscall, 'getaddrinfo');
        return true;
      });
    });
  });

  describe('waitForPort', function () {
    it('resolves at once for a port that accepts connections', async function () {
      const s = await listen('127.0.0.1');
      await waitForPort(s.address().port, { timeoutMs: 5000 });
    });

    it(`resolves soon after a server starts listening 300 ms later${QEMU_NOTE}`, async function () {
      const port = await findFreePort();
      const server = net.createServer((c) => c.destroy());
      servers.push(server);
      const t0 = Date.now();
      setTimeout(() => server.listen(port, '127.0.0.1'), 300);
      await waitForPort(port, { timeoutMs: 10000 });
      assert.strictEqual(server.listening, true, 'resolved only once the server listened');
      assert.ok(Date.now() - t0 < 300 + slack, `${Date.now() - t0} ms`);
    });

    itIPv6('an IPv6-only listener on ::1: resolves for "localhost", times out for 127.0.0.1', async function () {
      const s = await listen('::1', 0, { ipv6Only: true });
      const p = s.address().port;
      await waitForPort(p, { host: 'localhost', timeoutMs: 5000 });
      await waitForPort(p, { host: '::1', timeoutMs: 5000 });
      await assert.rejects(waitForPort(p, { timeoutMs: 200 }), { code: 'ETIMEDOUT' });
    });

    it(`rejects with ETIMEDOUT (code, errno, syscall, address, port) after timeoutMs${QEMU_NOTE}`, async function () {
      const port = await findFreePort();
      const t0 = Date.now();
      await assert.rejects(waitForPort(port, { timeoutMs: 250 }), (err) => {
        assert.strictEqual(err.code, 'ETIMEDOUT');
        assert.strictEqual(typeof err.errno, 'number');
        assert.strictEqual(err.syscall, 'connect');
        assert.strictEqual(err.address, '127.0.0.1');
        assert.strictEqual(err.port, port);
        assert.match(err.message, new RegExp(`^ETIMEDOUT: .*connect 127\\.0\\.0\\.1:${port}$`));
        return true;
      });
      assert.ok(Date.now() - t0 < 250 + slack, `${Date.now() - t0} ms`);
      await assert.rejects(waitForPort(port, { timeoutMs: 0 }), { code: 'ETIMEDOUT' });
    });

    it(`rejects with an AbortError on signal, and at once for an aborted signal${QEMU_NOTE}`, async function () {
      const port = await findFreePort();
      const ac = new AbortController();
      const reason = new Error('app quitting');
      setTimeout(() => ac.abort(reason), 100);
      const t0 = Date.now();
      await assert.rejects(waitForPort(port, { signal: ac.signal }), (err) => {
        assert.strictEqual(err.name, 'AbortError');
        assert.strictEqual(err.code, 'ABORT_ERR');
        assert.strictEqual(err.cause, reason);
        return true;
      });
      assert.ok(Date.now() - t0 < 100 + slack, `${Date.now() - t0} ms`);
      await assert.rejects(waitForPort(port, { signal: AbortSignal.abort() }), { name: 'AbortError', code: 'ABORT_ERR' });
    });

    it(`with pid, rejects with ESRCH as soon as that process exits${QEMU_NOTE}`, async function () {
      const port = await findFreePort();
      const child = spawn(childNode, ['-e', 'setTimeout(() => {}, 300)'], { stdio: 'ignore' });
      children.push(child);
      const t0 = Date.now();
      await assert.rejects(waitForPort(port, { pid: child.pid, timeoutMs: 30000 }), (err) => {
        assert.strictEqual(err.code, 'ESRCH');
        assert.strictEqual(err.pid, child.pid);
        assert.strictEqual(err.port, port);
        assert.strictEqual(typeof err.errno, 'number');
        assert.strictEqual(typeof err.syscall, 'string');
        return true;
      });
      assert.ok(Date.now() - t0 < 300 + slack + 2000, `${Date.now() - t0} ms, not the 30 s timeout`);
    });

    it('with pid, rejects with ESRCH for a process already gone, even if the port accepts (someone else listens)', async function () {
      const pid = await exitedChild();
      const s = await listen('127.0.0.1');
      await assert.rejects(waitForPort(s.address().port, { pid, timeoutMs: 5000 }), { code: 'ESRCH' });
      await assert.rejects(waitForPort(await findFreePort(), { pid, timeoutMs: 5000 }), { code: 'ESRCH', pid });
    });

    it('with pid, resolves while that process is alive', async function () {
      const h = await hold('tcp', '127.0.0.1');
      await waitForPort(h.port, { pid: h.child.pid, timeoutMs: 5000 });
    });

    it('settles many concurrent waits independently', async function () {
      const s = await listen('127.0.0.1');
      const free = await findFreePort();
      const results = await Promise.allSettled([
        ...Array.from({ length: 8 }, () => waitForPort(free, { timeoutMs: 300 })),
        ...Array.from({ length: 8 }, () => waitForPort(s.address().port, { timeoutMs: 5000 })),
      ]);
      assert.deepStrictEqual(results.map((r) => r.status), [...Array(8).fill('rejected'), ...Array(8).fill('fulfilled')]);
    });

    it('in worker_threads: resolves there, and a worker terminated mid-wait ends cleanly', async function () {
      this.timeout(60000);
      const s = await listen('127.0.0.1');
      const free = await findFreePort();
      const mod = JSON.stringify(root);
      const ok = new Worker(`const { parentPort } = require('worker_threads');
        require(${mod}).waitForPort(${s.address().port}, { timeoutMs: 5000 }).then(() => parentPort.postMessage('ok'), (e) => parentPort.postMessage(e.code));`, { eval: true });
      assert.strictEqual(await new Promise((resolve, reject) => ok.once('message', resolve).once('error', reject)), 'ok');
      await ok.terminate();
      const busy = Array.from({ length: isWindows ? 2 : 4 }, () => new Worker(`const { parentPort } = require('worker_threads');
        const w = require(${mod});
        for (let i = 0; i < 4; i++) w.waitForPort(${free}, { timeoutMs: 60000 }).catch(() => {});
        parentPort.postMessage('waiting');`, { eval: true }));
      await Promise.all(busy.map((w) => new Promise((resolve, reject) => w.once('message', resolve).once('error', reject))));
      const errors = [];
      for (const w of busy) w.on('error', (e) => errors.push(e));
      const exits = busy.map((w) => once(w, 'exit'));
      const codes = await Promise.all(busy.map((w) => w.terminate()));
      assert.ok(codes.every((c) => Number.isInteger(c)), `terminate() resolves with an exit code: ${codes}`);
      assert.deepStrictEqual((await Promise.all(exits)).map(([code]) => code), codes, 'every worker emitted exit');
      assert.deepStrictEqual(errors, [], 'no worker reported an error');
      // Their waits were abandoned, not left holding anything this thread
      // needs: here and in a new worker, a wait still resolves.
      await waitForPort(s.address().port, { timeoutMs: 5000 });
      const after = new Worker(`const { parentPort } = require('worker_threads');
        require(${mod}).waitForPort(${s.address().port}, { timeoutMs: 5000 }).then(() => parentPort.postMessage('ok'), (e) => parentPort.postMessage(e.code));`, { eval: true });
      assert.strictEqual(await new Promise((resolve, reject) => after.once('message', resolve).once('error', reject)), 'ok');
      await after.terminate();
    });
  });

  describe('portOwner', function () {
    it(`names this process for its own listener, and honours host${isWine ? wineListenerNote : ''}`, async function () {
      const s = await listen('127.0.0.1');
      const p = s.address().port;
      const owner = await portOwner(p);
      assert.strictEqual(owner.pid, listenerPid(process.pid));
      assert.strictEqual(owner.state, 'LISTEN');
      assert.strictEqual(owner.address, '127.0.0.1');
      assert.deepStrictEqual(await portOwner(p, { host: 'localhost' }), owner);
      assert.deepStrictEqual(await portOwner(p, { host: '127.0.0.1' }), owner);
      assert.strictEqual(await portOwner(p, { host: '::1' }), null);
    });

    it(`a wildcard listener serves 127.0.0.1${isWine ? wineListenerNote : ''}`, async function () {
      const h = await hold('tcp', '0.0.0.0');
      const owner = await portOwner(h.port, { host: '127.0.0.1' });
      assert.deepStrictEqual(owner, { pid: listenerPid(h.child.pid), name: owner.name, address: '0.0.0.0', state: 'LISTEN' });
    });

    it('is null for a port nobody holds', async function () {
      assert.strictEqual(await portOwner(await findFreePort()), null);
    });

    it(`finds the process holding a UDP port${isWine ? ' (Wine: GetExtendedUdpTable reports the Windows pid of the holding node.exe)' : ''}`, async function () {
      const h = await hold('udp', '127.0.0.1');
      const owner = await portOwner(h.port, { protocol: 'udp' });
      assert.strictEqual(owner.pid, h.child.pid);
      assert.match(owner.name, /^node(\.exe)?$/i);
      assert.strictEqual(owner.state, 'UNCONN');
      assert.strictEqual(owner.address, '127.0.0.1');
    });

    (isRoot ? it : it.skip)(`reports pid: null when the owner may not be inspected${isWindows ? ' (skipped on Windows: it asks as an unprivileged user, uid 65534, which needs Linux and root)' : isRoot ? ' (Linux: asked by an unprivileged user about a root listener)' : ' (skipped: needs root to ask as another user)'}`, async function () {
      const s = await listen('127.0.0.1');
      const r = runAs(65534, `require(${JSON.stringify(root)}).portOwner(${s.address().port}).then((o) => console.log(JSON.stringify(o)))`);
      assert.deepStrictEqual(r, { pid: null, name: null, address: '127.0.0.1', state: 'LISTEN' });
    });
  });

  describe('bad input', function () {
    const badPorts = [
      [-1, RangeError, 'ERR_OUT_OF_RANGE'],
      [65536, RangeError, 'ERR_OUT_OF_RANGE'],
      [1.5, RangeError, 'ERR_OUT_OF_RANGE'],
      [NaN, RangeError, 'ERR_OUT_OF_RANGE'],
      ['80', TypeError, 'ERR_INVALID_ARG_TYPE'],
      [null, TypeError, 'ERR_INVALID_ARG_TYPE'],
    ];
    const is = (Ctor, code) => (err) => err instanceof Ctor && err.code === code;

    for (const [bad, Ctor, code] of badPorts) {
      it(`port ${label(bad)} → ${Ctor.name} ${code} (JS layer and raw binding)`, async function () {
        await assert.rejects(findFreePort({ port: bad }), is(Ctor, code));
        await assert.rejects(isPortFree(bad), is(Ctor, code));
        await assert.rejects(waitForPort(bad), is(Ctor, code));
        await assert.rejects(portOwner(bad), is(Ctor, code));
        const b = native.binding();
        assert.throws(() => b.probeBind('127.0.0.1', bad, false), is(Ctor, code));
        assert.throws(() => b.waitPort(['127.0.0.1'], bad, 0, 0, () => {}), is(Ctor, code));
        assert.throws(() => b.portOwner(bad, 'tcp'), is(Ctor, code));
      });
    }

    it('port 0 means "any" for findFreePort only', async function () {
      assert.ok((await findFreePort({ port: 0 })) > 0);
      await assert.rejects(isPortFree(0), is(RangeError, 'ERR_OUT_OF_RANGE'));
      await assert.rejects(waitForPort(0), is(RangeError, 'ERR_OUT_OF_RANGE'));
      await assert.rejects(portOwner(0), is(RangeError, 'ERR_OUT_OF_RANGE'));
    });

    for (const [bad, Ctor, code] of [
      [42, TypeError, 'ERR_INVALID_ARG_TYPE'],
      [null, TypeError, 'ERR_INVALID_ARG_TYPE'],
      ['', TypeError, 'ERR_INVALID_ARG_VALUE'],
      ['a\0b', TypeError, 'ERR_INVALID_ARG_VALUE'],
    ]) {
      it(`host ${label(bad)} → ${Ctor.name} ${code} (JS layer and raw binding)`, async function () {
        await assert.rejects(findFreePort({ host: bad }), is(Ctor, code));
        await assert.rejects(isPortFree(80, bad), is(Ctor, code));
        await assert.rejects(waitForPort(80, { host: bad }), is(Ctor, code));
        await assert.rejects(portOwner(80, { host: bad }), is(Ctor, code));
        const b = native.binding();
        assert.throws(() => b.probeBind(bad, 80, false), is(Ctor, code));
        assert.throws(() => b.waitPort([bad], 80, 0, 0, () => {}), is(Ctor, code));
        assert.throws(() => b.portOwner(80, 'tcp', [bad]), is(Ctor, code));
      });
    }

    for (const [range, Ctor, code] of [
      [[10, 5], RangeError, 'ERR_OUT_OF_RANGE'],
      [[], RangeError, 'ERR_OUT_OF_RANGE'],
      [[3000], RangeError, 'ERR_OUT_OF_RANGE'],
      [[1, 2, 3], RangeError, 'ERR_OUT_OF_RANGE'],
      [[0, 10], RangeError, 'ERR_OUT_OF_RANGE'],
      [[10, 65536], RangeError, 'ERR_OUT_OF_RANGE'],
      [['1', 10], TypeError, 'ERR_INVALID_ARG_TYPE'],
      ['1-10', TypeError, 'ERR_INVALID_ARG_TYPE'],
    ]) {
      it(`range ${label(range)} → ${Ctor.name} ${code}`, async function () {
        await assert.rejects(findFreePort({ range }), is(Ctor, code));
      });
    }

    it('other options: exclude, timeoutMs, signal, pid, protocol, options itself', async function () {
      await assert.rejects(findFreePort({ exclude: 80 }), is(TypeError, 'ERR_INVALID_ARG_TYPE'));
      await assert.rejects(findFreePort({ exclude: [70000] }), is(RangeError, 'ERR_OUT_OF_RANGE'));
      await assert.rejects(findFreePort('3000'), is(TypeError, 'ERR_INVALID_ARG_TYPE'));
      await assert.rejects(waitForPort(80, { timeoutMs: -1 }), is(RangeError, 'ERR_OUT_OF_RANGE'));
      await assert.rejects(waitForPort(80, { timeoutMs: '5' }), is(TypeError, 'ERR_INVALID_ARG_TYPE'));
      await assert.rejects(waitForPort(80, { signal: {} }), is(TypeError, 'ERR_INVALID_ARG_TYPE'));
      await assert.rejects(waitForPort(80, { pid: 0 }), is(RangeError, 'ERR_OUT_OF_RANGE'));
      await assert.rejects(waitForPort(80, { pid: '1' }), is(TypeError, 'ERR_INVALID_ARG_TYPE'));
      await assert.rejects(waitForPort(80, null), is(TypeError, 'ERR_INVALID_ARG_TYPE'));
      await assert.rejects(portOwner(80, { protocol: 'sctp' }), is(TypeError, 'ERR_INVALID_ARG_VALUE'));
      await assert.rejects(portOwner(80, { protocol: 6 }), is(TypeError, 'ERR_INVALID_ARG_TYPE'));
    });

    it('raw binding: wrong shapes throw, never crash', function () {
      const b = native.binding();
      const fn = () => {};
      const type = is(TypeError, 'ERR_INVALID_ARG_TYPE');
      const value = is(TypeError, 'ERR_INVALID_ARG_VALUE');
      const range = is(RangeError, 'ERR_OUT_OF_RANGE');
      assert.throws(() => b.probeBind(), type);
      assert.throws(() => b.probeBind('127.0.0.1', 80), type);
      assert.throws(() => b.probeBind('localhost', 80, false), value);
      assert.throws(() => b.probeBind('1.2.3.4.5', 80, false), value);
      assert.throws(() => b.probeBind('x'.repeat(1000), 80, false), range);
      assert.throws(() => b.waitPort(), type);
      assert.throws(() => b.waitPort('127.0.0.1', 80, 0, 0, fn), type);
      assert.throws(() => b.waitPort([], 80, 0, 0, fn), range);
      assert.throws(() => b.waitPort(Array(17).fill('127.0.0.1'), 80, 0, 0, fn), range);
      assert.throws(() => b.waitPort(['127.0.0.1'], 80, -2, 0, fn), range);
      assert.throws(() => b.waitPort(['127.0.0.1'], 80, 0, -1, fn), range);
      assert.throws(() => b.waitPort(['127.0.0.1'], 80, 0, 2 ** 32, fn), range);
      assert.throws(() => b.waitPort(['127.0.0.1'], 80, 0, 0, 'fn'), type);
      assert.throws(() => b.waitPort(['127.0.0.1'], 80, 0, 0), type);
      assert.throws(() => b.waitPortCancel(), type);
      assert.throws(() => b.waitPortCancel({}), type);
      assert.throws(() => b.waitPortCancel(1), type);
      assert.throws(() => b.portOwner(), type);
      assert.throws(() => b.portOwner(80), type);
      assert.throws(() => b.portOwner(80, 'sctp'), value);
      assert.throws(() => b.portOwner(80, 'tcp', '127.0.0.1'), type);
      assert.throws(() => b.portOwner(80, 'tcp', [42]), type);
      assert.throws(() => b.portOwner(80, 'tcp', []), range);
    });

    it('raw binding: cancelling a finished or cancelled wait is harmless', async function () {
      const b = native.binding();
      let calls = 0;
      const h = b.waitPort(['127.0.0.1'], await findFreePort(), 0, 0, () => calls++);
      await waitFor(() => calls === 1);
      b.waitPortCancel(h);
      b.waitPortCancel(h);
      const h2 = b.waitPort(['127.0.0.1'], await findFreePort(), 60000, 0, () => calls++);
      b.waitPortCancel(h2);
      b.waitPortCancel(h2);
      await new Promise((r) => setTimeout(r, 100));
      assert.strictEqual(calls, 1, 'a cancelled wait does not call back');
    });
  });
});
