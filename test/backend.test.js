'use strict';
// The Backend lifecycle against real backend processes (test/fixtures/
// backend-server.js): start, readiness, restart, stop, crash loops, stale
// runs, port fallback, concurrency and leaks.

const assert = require('assert');
const { once } = require('events');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const { Backend, processInfo } = require('..');
const { isWindows, isWine, fixture, waitFor, httpGet, pidAlive } = require('./helpers');
const { assertConsistent, remember } = require('./consistent');

const SERVER = fixture('backend-server.js');
// portOwner under Wine (see test/ports.test.js).
const WINE_LISTENER = ' (Wine: GetExtendedTcpTable reports pid 0 for a TCP listener, so the log line cannot name it)';
// Spawns cost ~0.5 s under Wine: scale loops down there.
const CYCLES = isWindows ? 5 : 50;

function tmpDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bw-backend-'));
}

function captureLogger() {
  const lines = [];
  const logger = { lines };
  for (const level of ['debug', 'info', 'warn', 'error']) logger[level] = (...a) => lines.push(`${level}: ${a.join(' ')}`);
  return logger;
}

// Pids the fixture processes recorded in `dir` (their own pid files) that
// are still alive, judged without the library: process.kill(pid, 0) and, on
// Linux, the zombie state in /proc (helpers.pidAlive).
async function alive(dir) {
  return fs.readdirSync(dir).map(Number).filter((pid) => pidAlive(pid));
}

function pidCount(dir) {
  return fs.readdirSync(dir).length;
}

function listeningPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function ipv6Loopback() {
  return Object.values(os.networkInterfaces()).flat().some((i) => i && i.address === '::1');
}

describe('Backend', function () {
  this.timeout(isWindows ? 120000 : 30000);
  const made = [];
  const dirs = [];
  const strays = []; // processes a test spawned itself

  function spawnStray(...args) {
    const child = spawn(...args);
    strays.push(child);
    return child;
  }

  function backend(flags = [], options = {}) {
    const b = new Backend({
      command: process.execPath,
      args: [SERVER, ...flags],
      stopTimeoutMs: 3000,
      ...options,
    });
    made.push(b);
    return b;
  }

  function dir() {
    const d = tmpDir();
    dirs.push(d);
    return d;
  }

  afterEach(async function () {
    for (const b of made.splice(0)) await b.stop().catch(() => {});
    for (const c of strays.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  describe('options', function () {
    const cmd = process.execPath;
    for (const [title, options, code] of [
      ['no options', undefined, 'ERR_INVALID_ARG_TYPE'],
      ['a missing command', {}, 'ERR_INVALID_ARG_TYPE'],
      ['a relative command with a directory', { command: './bin/server' }, 'ERR_INVALID_ARG_VALUE'],
      ['args that are not an array', { command: cmd, args: '--port 1' }, 'ERR_INVALID_ARG_TYPE'],
      ['a non-string argument', { command: cmd, args: ['a', 1] }, 'ERR_INVALID_ARG_TYPE'],
      ['an unknown option', { command: cmd, colour: 'red' }, 'ERR_INVALID_ARG_VALUE'],
      ['a port that is a string', { command: cmd, port: '8080' }, 'ERR_INVALID_ARG_TYPE'],
      ['a port above 65535', { command: cmd, port: 70000 }, 'ERR_OUT_OF_RANGE'],
      ['a fractional port', { command: cmd, port: 80.5 }, 'ERR_OUT_OF_RANGE'],
      ['a port range that is backwards', { command: cmd, port: { range: [9000, 8000] } }, 'ERR_OUT_OF_RANGE'],
      ['a port range that is not a pair', { command: cmd, port: { range: [9000] } }, 'ERR_INVALID_ARG_TYPE'],
      ['a preferred port outside its range', { command: cmd, port: { preferred: 80, range: [9000, 9100] } }, 'ERR_OUT_OF_RANGE'],
      ["host 'localhost'", { command: cmd, host: 'localhost' }, 'ERR_INVALID_ARG_VALUE'],
      ['a readiness path without a slash', { command: cmd, readiness: { path: 'health' } }, 'ERR_INVALID_ARG_VALUE'],
      ['readiness {} ', { command: cmd, readiness: {} }, 'ERR_INVALID_ARG_VALUE'],
      ['readiness without a port', { command: cmd, port: false, readiness: { tcp: true } }, 'ERR_INVALID_ARG_VALUE'],
      ['a negative timeout', { command: cmd, timeoutMs: -1 }, 'ERR_OUT_OF_RANGE'],
      ['a string stopTimeoutMs', { command: cmd, stopTimeoutMs: '10' }, 'ERR_INVALID_ARG_TYPE'],
      ['a shutdown without a path', { command: cmd, shutdown: {} }, 'ERR_INVALID_ARG_TYPE'],
      ['a lower-case shutdown method', { command: cmd, shutdown: { path: '/x', method: 'post' } }, 'ERR_INVALID_ARG_VALUE'],
      ['maxBackoffMs below backoffMs', { command: cmd, restart: { backoffMs: 500, maxBackoffMs: 100 } }, 'ERR_OUT_OF_RANGE'],
      ['an unknown restart option', { command: cmd, restart: { retries: 3 } }, 'ERR_INVALID_ARG_VALUE'],
      ['an env value that is an object', { command: cmd, env: { A: {} } }, 'ERR_INVALID_ARG_TYPE'],
      ['a bad portEnv', { command: cmd, portEnv: 'MY PORT' }, 'ERR_INVALID_ARG_VALUE'],
      ['a logger that is a function', { command: cmd, logger: () => {} }, 'ERR_INVALID_ARG_TYPE'],
      ['a logger whose warn is not a function', { command: cmd, logger: { warn: 1 } }, 'ERR_INVALID_ARG_TYPE'],
      ['a string stopOnExit', { command: cmd, stopOnExit: 'yes' }, 'ERR_INVALID_ARG_TYPE'],
    ]) {
      it(`rejects ${title} in the constructor (${code})`, function () {
        assert.throws(() => new Backend(options), (err) => {
          assert.strictEqual(err.code, code, err.message);
          return true;
        });
      });
    }

    it('says why a relative command is refused, and accepts a bare name (looked up on PATH)', function () {
      assert.throws(() => new Backend({ command: 'bin/python' }), /absolute path or a bare name/);
      assert.strictEqual(new Backend({ command: 'python', port: false }).status().state, 'idle');
    });

    it('accepts every documented option', function () {
      const b = new Backend({
        command: cmd, args: ['--port', '{port}'], cwd: os.tmpdir(), env: { A: '1', B: undefined }, name: 'api',
        host: '::1', port: { preferred: 0, range: [20000, 30000] }, portEnv: 'API_PORT',
        readiness: { path: '/health', timeoutMs: 1000 }, timeoutMs: 5000, shutdown: { path: '/shutdown', method: 'DELETE' },
        stopTimeoutMs: 100, killTimeoutMs: 100, restart: { maxRestarts: 1, windowMs: 10, backoffMs: 1, maxBackoffMs: 2 },
        pidFile: path.join(os.tmpdir(), 'x.pid'), stopOnExit: false, logger: console,
      });
      assert.strictEqual(b.name, 'api');
    });

    it('starts idle, with a status snapshot of the documented shape', function () {
      const b = backend();
      const s = b.status();
      assert.deepStrictEqual(Object.keys(s).sort(), ['health', 'lastError', 'lastExit', 'name', 'pid', 'port', 'restarts', 'running', 'startedAt', 'state', 'uptimeMs', 'url'].sort());
      assert.strictEqual(s.state, 'idle');
      assert.strictEqual(s.running, false);
      assert.strictEqual(s.pid, null);
      assert.strictEqual(s.url, null);
      assert.strictEqual(b.name, path.basename(process.execPath).replace(/\.exe$/i, ''));
    });

    it('validates start() options', async function () {
      const b = backend();
      await assert.rejects(b.start(null), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(b.start({ signal: {} }), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(b.start({ timeout: 1 }), { code: 'ERR_INVALID_ARG_VALUE' });
      assert.strictEqual(b.status().state, 'idle');
    });
  });

  describe('lifecycle', function () {
    it(`start → ready → status → restart (new pid) → stop leaves no process of the tree`, async function () {
      const d = dir();
      // A long grace: the stop of a backend that obeys the polite signal must
      // take a small fraction of it (a quarter, generous under load).
      const stopTimeoutMs = isWindows ? 60000 : 20000;
      const b = backend([`--pid-dir=${d}`, '--children=2'], { readiness: { path: '/health' }, stopTimeoutMs });
      const events = [];
      for (const e of ['starting', 'ready', 'exit', 'stopped', 'restarting']) b.on(e, () => events.push(e));
      const states = [];
      b.on('status', (s) => states.push(s.state));
      const lines = [];
      b.on('stderr', (line) => lines.push(line));

      const info = await b.start();
      assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.strictEqual(info.url, `http://127.0.0.1:${info.port}`);
      assert.strictEqual(typeof info.pid, 'number');
      const s = b.status();
      assert.strictEqual(s.state, 'running');
      assert.strictEqual(s.running, true);
      assert.strictEqual(s.pid, info.pid);
      assert.strictEqual(s.port, info.port);
      assert.strictEqual(s.url, info.url);
      assert.ok(s.startedAt <= Date.now() && s.uptimeMs >= 0);
      assert.ok(lines.some((l) => l === `listening on 127.0.0.1:${info.port}`), lines.join('\n'));
      assert.strictEqual((await httpGet(`${info.url}/health`)).body, 'ok');
      await assertConsistent(b);
      await waitFor(() => pidCount(d) === 3);
      assert.strictEqual((await alive(d)).length, 3);
      assert.deepStrictEqual(await b.start(), info, 'start() when running is a no-op');

      const r = await b.restart();
      assert.strictEqual(r.success, true);
      assert.strictEqual(r.url, info.url, 'a restart keeps the port when it is free');
      const pid2 = b.status().pid;
      assert.notStrictEqual(pid2, info.pid);
      await waitFor(() => pidCount(d) === 6);
      assert.deepStrictEqual((await alive(d)).length, 3, 'the first tree is gone');
      await assertConsistent(b);

      const stopStarted = Date.now();
      const stopped = await b.stop();
      const stopMs = Date.now() - stopStarted;
      assert.ok(stopMs < stopTimeoutMs / 4, `stop() took ${stopMs} ms of stopTimeoutMs ${stopTimeoutMs}`);
      assert.deepStrictEqual(stopped, { success: true, forced: false });
      assert.deepStrictEqual(await alive(d), [], 'no survivors');
      assert.strictEqual(b.status().state, 'stopped');
      await assertConsistent(b);
      assert.strictEqual(b.status().pid, null);
      assert.deepStrictEqual(await b.stop(), { success: true, forced: false }, 'stop() is idempotent');
      assert.deepStrictEqual(states, ['starting', 'running', 'stopping', 'starting', 'running', 'stopping', 'stopped']);
      assert.deepStrictEqual(events, ['starting', 'ready', 'restarting', 'exit', 'starting', 'ready', 'exit', 'stopped']);
    });

    it('passes the port in PORT (or portEnv) and in {port} arguments, env merged over process.env', async function () {
      const b = backend(['--env=API_PORT,BW_TEST_EXTRA,BW_TEST_REMOVED', '--port={port}'], {
        portEnv: 'API_PORT', env: { BW_TEST_EXTRA: 'yes', BW_TEST_REMOVED: undefined },
      });
      process.env.BW_TEST_REMOVED = 'inherited';
      const out = [];
      b.on('stdout', (line) => out.push(line));
      const { port } = await b.start();
      delete process.env.BW_TEST_REMOVED;
      assert.ok(out.includes(`API_PORT=${port}`), out.join('\n'));
      assert.ok(out.includes('BW_TEST_EXTRA=yes'), out.join('\n'));
      assert.ok(out.includes('BW_TEST_REMOVED=undefined'), out.join('\n'));
      const argv = JSON.parse(out.find((l) => l.startsWith('argv ')).slice(5));
      assert.deepStrictEqual(argv, ['--env=API_PORT,BW_TEST_EXTRA,BW_TEST_REMOVED', `--port=${port}`]);
    });

    it(`runs a backend that takes no port (port: false): ready once spawned, url null`, async function () {
      const b = backend(['--never-listen'], { port: false });
      const info = await b.start();
      assert.strictEqual(info.port, null);
      assert.strictEqual(info.url, null);
      assert.strictEqual(b.status().state, 'running');
      assert.deepStrictEqual(await b.stop(), { success: true, forced: false });
    });

    (ipv6Loopback() ? it : it.skip)(`uses the literal IPv6 address in the URL (host '::1')${ipv6Loopback() ? '' : ' (skipped: no ::1 on this machine)'}`, async function () {
      const b = backend(['--host=::1'], { host: '::1', readiness: { path: '/health' } });
      const { url, port } = await b.start();
      assert.strictEqual(url, `http://[::1]:${port}`);
    });

    it('asks the backend to shut down over HTTP first when shutdown is set', async function () {
      const b = backend([], { shutdown: { path: '/shutdown' } });
      const lines = [];
      b.on('stderr', (l) => lines.push(l));
      await b.start();
      assert.deepStrictEqual(await b.stop(), { success: true, forced: false });
      assert.ok(lines.includes('shutdown requested'), lines.join('\n'));
    });

    it(`forces a backend that ignores ${isWindows ? 'the polite stop' : 'SIGTERM'}: forced: true, whole tree gone`, async function () {
      const d = dir();
      const b = backend(['--ignore-term', `--pid-dir=${d}`, '--children=1'], { stopTimeoutMs: 500 });
      await b.start();
      await waitFor(() => pidCount(d) === 2);
      const t0 = Date.now();
      const r = await b.stop();
      assert.deepStrictEqual(r, { success: true, forced: true });
      assert.ok(Date.now() - t0 < 10000, 'no longer than grace + a generous margin');
      assert.deepStrictEqual(await alive(d), []);
    });

    it('a shutdown request that does not end the backend still ends in a forced stop', async function () {
      const b = backend(['--no-shutdown', '--ignore-term'], { shutdown: { path: '/shutdown' }, stopTimeoutMs: 500 });
      await b.start();
      assert.deepStrictEqual(await b.stop(), { success: true, forced: true });
    });
  });

  describe('failing starts', function () {
    it('rejects ENOENT for a command that does not exist; state stopped, no restart loop', async function () {
      const missing = path.join(os.tmpdir(), 'bw-no-such-backend', isWindows ? 'server.exe' : 'server');
      const b = new Backend({ command: missing, restart: { maxRestarts: 3, backoffMs: 10 } });
      made.push(b);
      const events = [];
      for (const e of ['crashed', 'restarting', 'ready']) b.on(e, () => events.push(e));
      await assert.rejects(b.start(), (err) => {
        assert.strictEqual(err.code, 'ENOENT');
        assert.strictEqual(err.syscall, 'spawn');
        assert.strictEqual(err.path, missing);
        return true;
      });
      assert.strictEqual(b.status().state, 'stopped');
      assert.deepStrictEqual(b.status().lastError.code, 'ENOENT');
      await new Promise((r) => setTimeout(r, 100));
      assert.deepStrictEqual(events, []);
      assert.strictEqual(b.status().state, 'stopped');
    });

    (isWindows ? it.skip : it)(`rejects EACCES for a file that is not executable${isWindows ? ' (skipped on Windows: no execute bit)' : ''}`, async function () {
      const d = dir();
      const file = path.join(d, 'server');
      fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o644 });
      const b = new Backend({ command: file });
      made.push(b);
      await assert.rejects(b.start(), { code: 'EACCES' });
      assert.strictEqual(b.status().state, 'stopped');
    });

    it('fails at once with the exit code and stderr tail when the backend exits before it is ready', async function () {
      const b = backend(['--exit-before-ready=3'], { timeoutMs: 60000 });
      const t0 = Date.now();
      await assert.rejects(b.start(), (err) => {
        assert.strictEqual(err.code, 'ERR_BACKEND_EXITED');
        assert.strictEqual(err.exitCode, 3);
        assert.match(err.message, /exited with code 3 before it was ready/);
        assert.match(err.message, /fatal: the configuration file is missing/);
        assert.match(err.output, /exiting with code 3/);
        return true;
      });
      assert.ok(Date.now() - t0 < 20000, 'did not wait for the 60 s readiness timeout');
      const s = b.status();
      assert.strictEqual(s.state, 'stopped');
      assert.strictEqual(s.lastExit.code, 3);
      assert.strictEqual(s.lastError.code, 'ERR_BACKEND_EXITED');
      await assertConsistent(b);
    });

    const REDIS = isWindows ? null : (process.env.PATH || '').split(path.delimiter).map((p) => path.join(p, 'redis-server')).find((f) => fs.existsSync(f));
    (REDIS ? it : it.skip)(`a root that exits while starting (redis-server --daemonize yes) ends the start: rejected, never running${REDIS ? '' : ' (skipped: redis-server is not installed; .ci/run installs it)'}`, async function () {
      const d = dir();
      const pidfile = path.join(d, 'redis.pid');
      const b = backend([], {
        command: REDIS,
        args: ['--port', '{port}', '--bind', '127.0.0.1', '--daemonize', 'yes', '--pidfile', pidfile, '--dir', d, '--save', '', '--appendonly', 'no'],
      });
      const states = [];
      b.on('status', (s) => states.push(s.state));
      try {
        let resolved = false;
        await b.start().then(() => { resolved = true; }, (err) => {
          assert.strictEqual(err.code, 'ERR_BACKEND_EXITED', err.message);
          assert.match(err.message, /exited with code 0/);
        });
        // When the daemon's port answered while the root was still alive, the
        // start may resolve; the root's exit must then end 'running' at once.
        if (resolved) await waitFor(() => b.status().state === 'stopped', 5000);
        const s = b.status();
        assert.strictEqual(s.state, 'stopped');
        assert.strictEqual(s.running, false);
        assert.strictEqual(s.url, null);
        if (!resolved) assert.ok(!states.includes('running'), states.join(' → '));
        await assertConsistent(b, { pidPath: false });
      } finally {
        // The daemon left the tree on purpose (setsid); end it ourselves.
        const pid = fs.existsSync(pidfile) ? Number(fs.readFileSync(pidfile, 'utf8')) : 0;
        if (pid > 0) try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    });

    // The daemon child serves the port while the root still lives, so the
    // start resolves; the root's exit must then end 'running' at once.
    for (const [code, end] of [[0, 'stopped'], [3, 'crashed']]) {
      it(`a root that exits with code ${code} after its daemonized child answered: start() resolves, then '${end}' with the event, nothing left, never running with a dead tree`, async function () {
        const d = dir();
        const b = backend([`--daemon-exit=${isWindows ? 3000 : 1500}`, `--exit-code=${code}`, `--pid-dir=${d}`], { restart: false });
        const states = [];
        b.on('status', (st) => states.push(st.state));
        const ended = once(b, end);
        const lines = [];
        b.on('stderr', (line) => lines.push(line));
        const info = await b.start();
        const daemon = Number((await httpGet(`${info.url}/pid`)).body);
        assert.notStrictEqual(daemon, info.pid, 'the daemon child serves the port');
        await remember(b, daemon);
        await assertConsistent(b);
        await ended;
        const st = b.status();
        assert.strictEqual(st.state, end);
        assert.strictEqual(st.lastExit.code, code);
        await assertConsistent(b);
        assert.deepStrictEqual(await alive(d), [], 'root and daemon child are gone');
        assert.deepStrictEqual(states, ['starting', 'running', end]);
        assert.ok(lines.some((l) => l.includes(`daemon ${daemon} listens`)), lines.join('\n'));
      });
    }

    it('rejects ETIMEDOUT with the stderr tail when the port never opens, and leaves nothing behind', async function () {
      const d = dir();
      // Long enough for the backend to say something (a loaded machine: node needed over 1 s at load 33; node.exe under Wine needs seconds).
      const timeoutMs = isWindows ? 8000 : 3000;
      const b = backend(['--never-listen', `--pid-dir=${d}`], { timeoutMs });
      await assert.rejects(b.start(), (err) => {
        assert.strictEqual(err.code, 'ETIMEDOUT');
        assert.match(err.message, new RegExp(`not ready at http://127\\.0\\.0\\.1:\\d+ within ${timeoutMs} ms \\(the port never accepted a connection\\)`));
        assert.match(err.message, /still loading the model/);
        return true;
      });
      assert.strictEqual(b.status().state, 'stopped');
      assert.deepStrictEqual(await alive(d), []);
    });

    it('rejects ETIMEDOUT naming the last HTTP status when the health path never answers 2xx', async function () {
      const b = backend(['--health=503'], { readiness: { path: '/health', timeoutMs: isWindows ? 8000 : 1500 } });
      await assert.rejects(b.start(), (err) => {
        assert.strictEqual(err.code, 'ETIMEDOUT');
        assert.match(err.message, /\/health/);
        assert.match(err.message, /last answer: HTTP 503/);
        return true;
      });
    });
  });

  describe('crashes', function () {
    it('restarts with exponential back-off, then gives up: crashed with the exit details', async function () {
      const d = dir();
      const b = backend(['--crash-after=100', '--exit-code=7', `--pid-dir=${d}`], {
        restart: { maxRestarts: 2, windowMs: 60000, backoffMs: 200, maxBackoffMs: 300 },
      });
      const log = [];
      for (const e of ['starting', 'ready', 'exit', 'restarting', 'crashed']) b.on(e, (arg) => log.push({ e, arg, t: Date.now() }));
      const crashed = once(b, 'crashed');
      await b.start();
      const [details] = await crashed;
      assert.strictEqual(details.code, 7);
      assert.strictEqual(details.signal, null);
      assert.strictEqual(details.restarts, 2);
      assert.strictEqual(details.error.code, 'ERR_BACKEND_EXITED');
      const s = b.status();
      assert.strictEqual(s.state, 'crashed');
      assert.strictEqual(s.running, false);
      assert.strictEqual(s.restarts, 2);
      assert.strictEqual(s.lastExit.code, 7);
      await assertConsistent(b);

      const restarting = log.filter((x) => x.e === 'restarting');
      assert.deepStrictEqual(restarting.map((x) => x.arg.delayMs), [200, 300], 'backoffMs doubling, capped at maxBackoffMs');
      assert.deepStrictEqual(restarting.map((x) => x.arg.attempt), [1, 2]);
      assert.strictEqual(log.filter((x) => x.e === 'exit').length, 3);
      for (const r of restarting) {
        const next = log.find((x) => x.e === 'starting' && x.t >= r.t && x.arg.attempt === r.arg.attempt);
        assert.ok(next, 'a starting event follows each restarting event');
        const waited = next.t - r.t;
        assert.ok(waited >= r.arg.delayMs - 5, `waited ${waited} ms for a ${r.arg.delayMs} ms back-off`);
        assert.ok(waited < r.arg.delayMs + 10000, `waited ${waited} ms for a ${r.arg.delayMs} ms back-off`);
      }
      await waitFor(async () => (await alive(d)).length === 0);
    });

    it('does not count a crash after more than windowMs of uptime against maxRestarts', async function () {
      const b = backend(['--crash-after=700'], { restart: { maxRestarts: 1, windowMs: 300, backoffMs: 50, maxBackoffMs: 50 } });
      const restarting = [];
      b.on('restarting', (r) => restarting.push(r));
      let crashed = false;
      b.on('crashed', () => { crashed = true; });
      await b.start();
      await waitFor(() => restarting.length >= 3, isWindows ? 60000 : 15000);
      assert.strictEqual(crashed, false);
      assert.deepStrictEqual(restarting.slice(0, 3).map((r) => r.delayMs), [50, 50, 50]);
    });

    it('treats a clean exit (code 0) as stopped, not as a crash', async function () {
      const b = backend(['--crash-after=50', '--exit-code=0'], { restart: { backoffMs: 10 } });
      const events = [];
      for (const e of ['restarting', 'crashed']) b.on(e, () => events.push(e));
      const stopped = once(b, 'stopped');
      await b.start();
      const [info] = await stopped;
      assert.strictEqual(info.reason, 'exit');
      assert.strictEqual(b.status().state, 'stopped');
      assert.strictEqual(b.status().lastExit.code, 0);
      assert.deepStrictEqual(events, []);
      await assertConsistent(b);
    });

    it('with restart: false, a crash goes straight to crashed', async function () {
      const b = backend(['--crash-after=50'], { restart: false });
      const [details] = await Promise.all([once(b, 'crashed'), b.start()]).then(([c]) => c);
      assert.strictEqual(details.code, 1);
      assert.strictEqual(details.restarts, 0);
      assert.strictEqual(b.status().state, 'crashed');
      await assertConsistent(b);
    });

    it('stop() during the back-off cancels the restart', async function () {
      const d = dir();
      const b = backend([`--pid-dir=${d}`], { restart: { backoffMs: 5000 } });
      const restarting = once(b, 'restarting');
      const info = await b.start();
      // The crash comes once start() has resolved (GET /crash): a timed one
      // (--crash-after=50) could come before readiness was seen on a loaded
      // machine, and start() then rejected.
      await httpGet(`${info.url}/crash`);
      await restarting;
      assert.strictEqual(b.status().state, 'starting');
      assert.deepStrictEqual(await b.stop(), { success: true, forced: false });
      assert.strictEqual(b.status().state, 'stopped');
      assert.strictEqual(pidCount(d), 1, 'never restarted');
      assert.deepStrictEqual(await alive(d), []);
      await assertConsistent(b);
    });
  });

  describe('serialised operations', function () {
    it('stop() during start() wins: start rejects with an AbortError, nothing is left', async function () {
      const d = dir();
      const b = backend(['--delay=3000', `--pid-dir=${d}`]);
      const starting = b.start();
      // A generous bound: a node.exe under Wine on a loaded machine takes seconds to start.
      await waitFor(() => pidCount(d) === 1, 20000);
      const r = await b.stop();
      assert.strictEqual(r.success, true);
      await assert.rejects(starting, { name: 'AbortError', code: 'ABORT_ERR' });
      assert.strictEqual(b.status().state, 'stopped');
      assert.deepStrictEqual(await alive(d), []);
      await assertConsistent(b);
    });

    it('start({ signal }) honours an AbortSignal', async function () {
      const d = dir();
      const b = backend(['--delay=3000', `--pid-dir=${d}`]);
      const ac = new AbortController();
      const starting = b.start({ signal: ac.signal });
      await waitFor(() => pidCount(d) === 1, 20000); // generous: see above
      ac.abort();
      await assert.rejects(starting, { name: 'AbortError' });
      assert.strictEqual(b.status().state, 'stopped');
      assert.deepStrictEqual(await alive(d), []);
      await assertConsistent(b);
      await assert.rejects(b.start({ signal: AbortSignal.abort() }), { name: 'AbortError' });
    });

    it('restart() during start() joins it: one spawn', async function () {
      const d = dir();
      const b = backend(['--delay=200', `--pid-dir=${d}`]);
      let spawns = 0;
      b.on('starting', () => spawns++);
      const [info, r, info2] = await Promise.all([b.start(), b.restart(), b.start()]);
      assert.strictEqual(r.url, info.url);
      assert.deepStrictEqual(info2, info);
      assert.strictEqual(spawns, 1);
      assert.strictEqual(pidCount(d), 1);
      await assertConsistent(b);
    });

    it('restart() from a ready listener restarts (new pid), and status() stays true to the tree', async function () {
      const d = dir();
      const b = backend([`--pid-dir=${d}`]);
      let restarted = null;
      b.once('ready', () => {
        restarted = b.restart();
      });
      const info = await b.start();
      assert.ok(restarted, 'the ready listener ran');
      const r = await restarted;
      assert.strictEqual(r.success, true);
      const s = b.status();
      assert.strictEqual(s.state, 'running');
      assert.notStrictEqual(s.pid, info.pid, 'a second backend, not the finished start joined');
      await waitFor(() => pidCount(d) === 2);
      assert.deepStrictEqual(await alive(d), [s.pid], 'the first tree is gone, the second alive');
      assert.strictEqual((await httpGet(`${s.url}/health`)).status, 200);
      await assertConsistent(b);
    });

    it('stop() during restart() wins: the restart rejects, nothing is left', async function () {
      const d = dir();
      const b = backend([`--pid-dir=${d}`, '--delay=300']);
      await b.start();
      await assertConsistent(b);
      const restarting = b.restart();
      const stopping = b.stop();
      await assert.rejects(restarting, { name: 'AbortError' });
      assert.strictEqual((await stopping).success, true);
      assert.strictEqual(b.status().state, 'stopped');
      assert.deepStrictEqual(await alive(d), []);
      await assertConsistent(b);
    });

    it('20 concurrent mixed start/restart/stop calls leave exactly one backend once started', async function () {
      const d = dir();
      const b = backend([`--pid-dir=${d}`, '--delay=20'], { readiness: { path: '/health' } });
      // A fixed, varied sequence, with and without pauses between calls.
      const ops = 'srtsrrtsstrsrtrstrss'.split('');
      const calls = [];
      for (const [i, op] of ops.entries()) {
        const call = op === 's' ? b.start() : op === 'r' ? b.restart() : b.stop();
        call.catch(() => {}); // checked below, after all of them settled
        calls.push(call);
        if (i % 4 === 3) await new Promise((r) => setTimeout(r, 30));
      }
      const settled = await Promise.allSettled(calls);
      for (const s of settled) {
        if (s.status === 'rejected') assert.strictEqual(s.reason.name, 'AbortError', s.reason.stack);
      }
      const info = await b.start();
      const live = await alive(d);
      assert.deepStrictEqual(live, [info.pid], `alive: ${live}`);
      await assertConsistent(b);
      await b.stop();
      assert.deepStrictEqual(await alive(d), []);
      await assertConsistent(b);
    });
  });

  describe('stale runs and ports', function () {
    it('kills a backend left over from an earlier run, named by the pid file with a matching identity', async function () {
      const d = dir();
      const pidFile = path.join(d, 'backend.pid');
      const pids = dir();
      const stale = spawnStray(process.execPath, [SERVER, `--pid-dir=${pids}`], { stdio: 'ignore', env: { ...process.env, PORT: '0' } });
      const staleExit = once(stale, 'exit');
      await waitFor(() => pidCount(pids) === 1);
      const info = await processInfo(stale.pid);
      fs.writeFileSync(pidFile, JSON.stringify({ pid: stale.pid, startTime: info.startTime }));
      const logger = captureLogger();
      const b = backend([], { pidFile, logger });
      const { pid } = await b.start();
      await staleExit;
      assert.ok(logger.lines.some((l) => l.includes(`pid ${stale.pid}`) && /left over/.test(l)), logger.lines.join('\n'));
      assert.strictEqual(JSON.parse(fs.readFileSync(pidFile, 'utf8')).pid, pid, 'the pid file names the new backend');
      await assertConsistent(b);
      await b.stop();
      await assertConsistent(b);
      assert.strictEqual(fs.existsSync(pidFile), false, 'stop() removes the pid file');
    });

    it('leaves alone the backend of another live app instance (host identity in the pid file): the start fails saying so', async function () {
      const d = dir();
      const pidFile = path.join(d, 'backend.pid');
      const pids = dir();
      const other = spawnStray(process.execPath, [SERVER, `--pid-dir=${pids}`], { stdio: 'ignore', env: { ...process.env, PORT: '0' } });
      const host = spawnStray(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      await waitFor(() => pidCount(pids) === 1);
      const info = await processInfo(other.pid);
      const hostInfo = await processInfo(host.pid);
      const record = JSON.stringify({ pid: other.pid, startTime: info.startTime, host: host.pid, hostStartTime: hostInfo.startTime });
      fs.writeFileSync(pidFile, record);
      const logger = captureLogger();
      const b = backend([], { pidFile, logger });
      await assert.rejects(b.start(), (err) => {
        assert.strictEqual(err.code, 'ERR_BACKEND_OWNED', err.message);
        assert.ok(err.message.includes(`host pid ${host.pid}`) && /requestSingleInstanceLock/.test(err.message), err.message);
        assert.deepStrictEqual({ hostPid: err.hostPid, pid: err.pid, pidFile: err.pidFile }, { hostPid: host.pid, pid: other.pid, pidFile });
        return true;
      });
      await assertConsistent(b);
      assert.deepStrictEqual(await alive(pids), [other.pid], 'the other instance\'s backend is alive');
      assert.strictEqual(fs.readFileSync(pidFile, 'utf8'), record, 'its pid file is untouched');
      assert.strictEqual(b.status().running, false);
      assert.ok(logger.lines.some((l) => /another live app instance/.test(l)), logger.lines.join('\n'));
      // Once that host is gone its backend is a leftover: stopped, and this start succeeds.
      host.kill('SIGKILL');
      await once(host, 'exit');
      const otherExit = once(other, 'exit');
      const started = await b.start();
      await otherExit;
      const written = JSON.parse(fs.readFileSync(pidFile, 'utf8'));
      assert.strictEqual(written.pid, started.pid);
      assert.strictEqual(written.host, process.pid);
      assert.strictEqual(written.hostStartTime, (await processInfo(process.pid)).startTime);
      assert.deepStrictEqual(fs.readdirSync(d), ['backend.pid'], 'no temporary file left');
    });

    it('leaves alone a live process whose identity does not match the pid file (G4)', async function () {
      // A stray backend-like process (not the test runner, which killTree
      // refuses anyway) that merely reuses the recorded PID: its start time
      // differs from the one in the pid file.
      const d = dir();
      const pidFile = path.join(d, 'backend.pid');
      const pids = dir();
      const stray = spawnStray(process.execPath, [SERVER, `--pid-dir=${pids}`], { stdio: 'ignore', env: { ...process.env, PORT: '0' } });
      await waitFor(() => pidCount(pids) === 1);
      const info = await processInfo(stray.pid);
      fs.writeFileSync(pidFile, JSON.stringify({ pid: stray.pid, startTime: info.startTime - 1000 }));
      const logger = captureLogger();
      const b = backend([], { pidFile, logger });
      const { pid } = await b.start();
      assert.ok(logger.lines.some((l) => l.includes(`pid ${stray.pid}`) && /left alone/.test(l)), logger.lines.join('\n'));
      // start() awaits the recovery's killTree, so a kill would have landed.
      assert.deepStrictEqual(await alive(pids), [stray.pid], 'the stray process survives');
      assert.strictEqual(stray.exitCode, null);
      assert.strictEqual(stray.signalCode, null);
      assert.strictEqual(JSON.parse(fs.readFileSync(pidFile, 'utf8')).pid, pid, 'the pid file names the new backend');
    });

    it(`falls back to another port when the preferred one is held, and names the holder in a log line${isWine ? WINE_LISTENER : ''}`, async function () {
      const holder = await listeningPort();
      try {
        const taken = holder.address().port;
        const logger = captureLogger();
        const b = backend([], { port: { preferred: taken }, logger });
        const { port, url } = await b.start();
        assert.notStrictEqual(port, taken);
        assert.strictEqual(url, `http://127.0.0.1:${port}`);
        const line = logger.lines.find((l) => l.includes(`port ${taken} is held by`));
        assert.ok(line, logger.lines.join('\n'));
        if (isWine) assert.ok(line.includes('a process the system does not name'), line);
        else assert.ok(line.includes(`pid ${process.pid}`), line);
        assert.ok(line.includes(`using port ${port}`), line);
      } finally {
        holder.close();
      }
    });
  });

  describe('concurrency: one port per Backend', function () {
    // A port nobody holds and nothing in this process handed out.
    async function unusedPort() {
      const s = await listeningPort();
      const { port } = s.address();
      await new Promise((resolve) => s.close(resolve));
      return port;
    }

    it('two Backends started together on one preferred port end on different ports, each URL answering from its own tree', async function () {
      const preferred = await unusedPort();
      const logger = captureLogger();
      const a = backend([], { name: 'a', port: { preferred }, logger });
      const b = backend([], { name: 'b', port: { preferred }, logger });
      const [ia, ib] = await Promise.all([a.start(), b.start()]);
      assert.notStrictEqual(ia.port, ib.port, `both got port ${ia.port}`);
      assert.ok([ia.port, ib.port].includes(preferred), `one of them has the preferred port ${preferred}: ${ia.port}, ${ib.port}`);
      for (const [x, info] of [[a, ia], [b, ib]]) {
        assert.strictEqual((await httpGet(`${info.url}/pid`)).body, String(info.pid), `${info.url} answers from its own root`);
        await assertConsistent(x, { label: x.status().name });
      }
      assert.ok(logger.lines.some((l) => l.includes(`port ${preferred} is held by another Backend of this process`)), logger.lines.join('\n'));
      await a.stop();
      await b.stop();
      await assertConsistent(a);
      await assertConsistent(b);
    });

    // A listener the test opens on the port the backend was given, after
    // its spawn and before its bind (the fixture binds 1.5 s late).
    async function takePort(port) {
      const thief = net.createServer((c) => { c.on('error', () => {}); c.end('not the backend'); });
      await new Promise((resolve, reject) => thief.once('error', reject).listen(port, '127.0.0.1', resolve));
      return thief;
    }
    // What the port's listener says, read by the test itself.
    function greeting(port) {
      return new Promise((resolve, reject) => {
        let data = '';
        net.connect(port, '127.0.0.1').on('data', (c) => { data += c; }).on('end', () => resolve(data)).on('error', reject);
      });
    }
    const WINE_THIEF = isWine ? ' (skipped on Wine: its TCP table names no listener (pid 0), so a foreign listener cannot be told from the backend\'s)' : '';

    (isWine ? it.skip : it)(`a pinned port ([p, p]) taken by another process after it was chosen: start() fails fast with EADDRINUSE naming the holder, never ready on its listener${WINE_THIEF}`, async function () {
      const port = await unusedPort();
      const b = backend(['--delay=1500'], { port: { preferred: port, range: [port, port] }, timeoutMs: 60000 });
      const retries = [];
      b.on('portTaken', (e) => retries.push(e));
      const states = [];
      b.on('status', (st) => states.push(st.state));
      const t0 = Date.now();
      const starting = b.start();
      // The backend is spawned with the port and binds it 1.5 s later; take it first.
      await waitFor(() => b.status().pid, 20000);
      const thief = await takePort(port);
      try {
        await assert.rejects(starting, (err) => {
          assert.strictEqual(err.code, 'EADDRINUSE', err.message);
          assert.strictEqual(err.syscall, 'listen');
          assert.strictEqual(err.port, port);
          assert.deepStrictEqual(err.holder, { pid: process.pid, name: err.holder.name });
          assert.match(err.holder.name, /^node(\.exe)?$/i);
          assert.ok(err.message.includes(`port ${port} on 127.0.0.1 is in use by ${err.holder.name} (pid ${process.pid})`), err.message);
          assert.strictEqual(err.exitCode, 1);
          assert.match(err.output, /EADDRINUSE/);
          return true;
        });
        assert.ok(Date.now() - t0 < 30000, 'failed fast, not after the 60 s readiness timeout');
        assert.ok(!states.includes('running'), states.join(' → '));
        assert.strictEqual(b.status().state, 'stopped');
        assert.strictEqual(b.status().lastError.code, 'EADDRINUSE');
        assert.deepStrictEqual(retries, [], 'a pinned port is never swapped');
        await assertConsistent(b);
      } finally {
        thief.close();
      }
    });

    it(`a pinned port ([p, p]) another process holds before the start: start() rejects with EADDRINUSE naming the holder, nothing spawned${isWine ? WINE_LISTENER : ''}`, async function () {
      const holder = await listeningPort();
      try {
        const taken = holder.address().port;
        const b = backend([], { port: { preferred: taken, range: [taken, taken] } });
        const exits = [];
        b.on('exit', (e) => exits.push(e));
        await assert.rejects(b.start(), (err) => {
          assert.strictEqual(err.code, 'EADDRINUSE', err.message);
          assert.strictEqual(err.syscall, 'listen');
          assert.strictEqual(err.port, taken);
          assert.ok(err.message.includes(`pinned port ${taken} on 127.0.0.1 is in use by`), err.message);
          if (!isWine) assert.deepStrictEqual(err.holder, { pid: process.pid, name: err.holder.name });
          return true;
        });
        assert.deepStrictEqual(exits, [], 'nothing was spawned');
        assert.strictEqual(b.status().state, 'stopped');
        assert.strictEqual(b.status().lastError.code, 'EADDRINUSE');
        assert.ok(holder.listening);
        await assertConsistent(b);
      } finally {
        holder.close();
      }
    });

    (isWine ? it.skip : it)(`a port with a fallback taken by another process after it was chosen: start() spawns again on another port, not a crash, and leaves the holder alone${WINE_THIEF}`, async function () {
      const port = await unusedPort();
      const logger = captureLogger();
      const b = backend(['--delay=1500'], { port, timeoutMs: 60000, logger });
      const states = [];
      const retries = [];
      b.on('status', (st) => states.push(st.state));
      b.on('portTaken', (e) => retries.push(e));
      const starting = b.start();
      const firstPid = await waitFor(() => b.status().pid, 20000);
      assert.strictEqual(b.status().port, port, 'the first spawn was given the port');
      const thief = await takePort(port);
      try {
        const info = await starting;
        assert.notStrictEqual(info.port, port);
        assert.notStrictEqual(info.pid, firstPid);
        assert.strictEqual(b.status().port, info.port);
        assert.strictEqual(b.status().url, info.url);
        assert.strictEqual((await httpGet(`${info.url}/pid`)).body, String(info.pid), `${info.url} answers from the new root`);
        assert.deepStrictEqual(retries, [{ port, holder: { pid: process.pid, name: retries[0].holder.name }, attempt: 1, nextPort: info.port }]);
        assert.deepStrictEqual(states, ['starting', 'running']);
        assert.strictEqual(b.status().restarts, 0, 'not counted as a crash');
        assert.ok(logger.lines.some((l) => l.startsWith('warn:') && l.includes(`port ${port} on 127.0.0.1 is in use by`) && l.includes(`trying port ${info.port} (attempt 2 of 3)`)), logger.lines.join('\n'));
        assert.ok(!pidAlive(firstPid), 'the first root is gone');
        assert.ok(thief.listening);
        assert.strictEqual(await greeting(port), 'not the backend', 'the holder still has its port');
        await assertConsistent(b);
        await b.stop();
        await assertConsistent(b);
      } finally {
        thief.close();
      }
    });

    (isWine ? it.skip : it)(`a port taken again on every spawn: the start gives up after 3 spawns with EADDRINUSE for the last port, every holder left alone${WINE_THIEF}`, async function () {
      const b = backend(['--delay=1500'], { port: await unusedPort(), timeoutMs: 60000 });
      const retries = [];
      b.on('portTaken', (e) => retries.push(e));
      const starting = b.start();
      starting.catch(() => {});
      const thieves = [];
      try {
        let pid = null;
        for (let i = 0; i < 3; i++) {
          pid = await waitFor(() => b.status().pid !== pid && b.status().pid, 20000);
          thieves.push(await takePort(b.status().port));
        }
        const ports = thieves.map((t) => t.address().port);
        await assert.rejects(starting, (err) => {
          assert.strictEqual(err.code, 'EADDRINUSE', err.message);
          assert.strictEqual(err.port, ports[2]);
          assert.deepStrictEqual(err.holder, { pid: process.pid, name: err.holder.name });
          return true;
        });
        assert.deepStrictEqual(retries.map((e) => [e.port, e.attempt, e.nextPort]), [[ports[0], 1, ports[1]], [ports[1], 2, ports[2]]]);
        assert.strictEqual(new Set(ports).size, 3, ports.join(', '));
        assert.strictEqual(b.status().state, 'stopped');
        assert.strictEqual(b.status().restarts, 0);
        for (const port of ports) assert.strictEqual(await greeting(port), 'not the backend');
        await assertConsistent(b);
      } finally {
        for (const t of thieves) t.close();
      }
    });

    (isWine ? it.skip : it)(`a restart whose port is taken after it was chosen: it spawns again on another port, one restart counted, the holder left alone${WINE_THIEF}`, async function () {
      const port = await unusedPort();
      const b = backend(['--delay=1500'], { port, timeoutMs: 60000, restart: { backoffMs: 50 } });
      const first = await b.start();
      assert.strictEqual(first.port, port);
      const retries = [];
      b.on('portTaken', (e) => retries.push(e));
      const ready = once(b, 'ready');
      process.kill(first.pid, 'SIGKILL');
      // The restart chose the last port again (free once the root died) and was given it.
      await waitFor(() => b.status().pid && b.status().pid !== first.pid, 20000);
      assert.strictEqual(b.status().port, port, 'the restart was given the last port');
      const thief = await takePort(port);
      try {
        const [info] = await ready;
        assert.notStrictEqual(info.port, port);
        assert.strictEqual(b.status().state, 'running');
        assert.strictEqual(b.status().port, info.port);
        assert.strictEqual(b.status().restarts, 1, 'the crash counts, the lost port does not');
        assert.strictEqual((await httpGet(`${info.url}/pid`)).body, String(info.pid));
        assert.strictEqual(retries.length, 1, JSON.stringify(retries));
        assert.strictEqual(retries[0].port, port);
        assert.strictEqual(retries[0].nextPort, info.port);
        assert.strictEqual(await greeting(port), 'not the backend');
        await assertConsistent(b);
        await b.stop();
        await assertConsistent(b);
      } finally {
        thief.close();
      }
    });

    it(`a preferred port held by another process before the start: another port is used, and it answers from the backend's tree${isWine ? WINE_LISTENER : ''}`, async function () {
      const holder = await listeningPort();
      try {
        const taken = holder.address().port;
        const b = backend([], { port: { preferred: taken } });
        const info = await b.start();
        assert.notStrictEqual(info.port, taken);
        assert.strictEqual((await httpGet(`${info.url}/pid`)).body, String(info.pid));
        await assertConsistent(b);
      } finally {
        holder.close();
      }
    });

    it('a port findFreePort just handed out is still the Backend\'s when it is passed on, and is not handed out again meanwhile', async function () {
      const { findFreePort } = require('..');
      const port = await findFreePort();
      assert.notStrictEqual(await findFreePort({ port }), port, 'findFreePort hands a port out once');
      const b = backend([], { port });
      assert.strictEqual((await b.start()).port, port);
      await assertConsistent(b);
    });
  });

  describe('host exit and leaks', function () {
    it('stopOnExit: a host that exits normally takes the backend tree with it', async function () {
      const d = dir();
      const out = path.join(d, 'host.json');
      const pids = dir();
      const host = spawnStray(process.execPath, [fixture('backend-host.js'), out, pids], { stdio: 'ignore' });
      const [code] = await once(host, 'exit');
      assert.strictEqual(code, 0);
      const report = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.strictEqual(report.exitListenersWhileRunning, report.exitListenersBefore + 1);
      assert.strictEqual(pidCount(pids), 2);
      await waitFor(async () => (await alive(pids)).length === 0, 3000);
    });

    // The supervisor alone (its host-death path) also kills the tree when the
    // host exits, but only after hostDeathGraceMs when SIGTERM is ignored;
    // stopSync() in the exit hook kills it before the host is gone. The
    // deadline is half that grace: only the exit hook can meet it. On Windows
    // the job object's kill-on-close is as fast as stopSync(), so it cannot
    // tell the two apart there.
    (isWindows ? it.skip : it)(`stopOnExit: the exit hook force-kills a SIGTERM-ignoring tree before the host is gone, well inside the supervisor's host-death grace${isWindows ? ' (skipped on Windows: kill-on-close of the job object is as fast as the hook)' : ''}`, async function () {
      const d = dir();
      const out = path.join(d, 'host.json');
      const pids = dir();
      const hostDeathGraceMs = 999;
      const extra = { options: { stopTimeoutMs: 60000, hostDeathGraceMs, stopOnExit: true }, args: ['--ignore-term'] };
      const host = spawnStray(process.execPath, [fixture('backend-host.js'), out, pids, JSON.stringify(extra)], { stdio: 'ignore' });
      const [code] = await once(host, 'exit');
      assert.strictEqual(code, 0, fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : 'no report');
      assert.strictEqual(pidCount(pids), 2);
      const exited = Date.now();
      await waitFor(async () => (await alive(pids)).length === 0, hostDeathGraceMs / 2).catch(() => {});
      assert.deepStrictEqual(await alive(pids), [], `survivors ${Date.now() - exited} ms after the host exited`);
    });

    it('stopOnExit: false adds no exit listener', async function () {
      const before = process.listenerCount('exit');
      const b = backend([], { stopOnExit: false });
      await b.start();
      assert.strictEqual(process.listenerCount('exit'), before);
    });

    it('stopSync() force-kills the whole tree synchronously', async function () {
      const d = dir();
      const b = backend([`--pid-dir=${d}`, '--children=1', '--ignore-term']);
      const before = process.listenerCount('exit');
      await b.start();
      await waitFor(() => pidCount(d) === 2);
      assert.strictEqual(process.listenerCount('exit'), before + 1);
      b.stopSync();
      assert.strictEqual(b.status().state, 'stopped');
      assert.strictEqual(process.listenerCount('exit'), before);
      assert.deepStrictEqual(await alive(d), []);
    });

    it(`${CYCLES} start/stop cycles leak no processes, exit listeners, handles or file descriptors${isWindows ? ' (5 on Windows: a spawn costs ~0.5 s under Wine)' : ''}`, async function () {
      this.timeout(isWindows ? 300000 : 120000);
      const d = dir();
      const b = backend([`--pid-dir=${d}`]);
      const fds = () => (isWindows ? 0 : fs.readdirSync('/proc/self/fd').length);
      // One warm-up cycle loads the native binding and everything else once.
      await b.start();
      await b.stop();
      const before = { exit: process.listenerCount('exit'), fds: fds(), resources: process.getActiveResourcesInfo().length, listeners: b.eventNames().length };
      for (let i = 0; i < CYCLES; i++) {
        await b.start();
        await b.stop();
      }
      assert.strictEqual(pidCount(d), CYCLES + 1);
      assert.deepStrictEqual(await alive(d), []);
      assert.strictEqual(process.listenerCount('exit'), before.exit);
      assert.strictEqual(b.eventNames().length, before.listeners);
      const resources = process.getActiveResourcesInfo();
      assert.ok(resources.length <= before.resources + 1, `active resources ${before.resources} → ${resources.length}: ${resources}`);
      if (!isWindows) {
        const after = fds();
        assert.ok(after <= before.fds + 2, `file descriptors ${before.fds} → ${after}`);
      }
    });
  });

  describe('firewall', function () {
    it('checks the firewall for this backend\'s program and port', async function () {
      const b = backend();
      await b.start();
      const status = await b.checkFirewall();
      assert.strictEqual(typeof status.compatible, 'boolean');
      assert.strictEqual(typeof status.message, 'string');
      assert.strictEqual(status.compatible, true, 'a loopback backend is always compatible');
      if (!isWindows) assert.strictEqual(status.state, 'not-applicable');
    });

    it('builds the firewall command for this backend (shown, never run)', async function () {
      const b = backend([], { name: 'My API', port: 47123 });
      const cmd = b.getFirewallCommand();
      assert.strictEqual(typeof cmd, 'string');
      assert.ok(cmd.includes('My API'), cmd);
      assert.ok(cmd.includes('47123'), cmd);
      assert.ok(b.getFirewallCommand({ name: 'Other' }).includes('Other'));
      assert.throws(() => b.getFirewallCommand({ name: 1 }), { code: 'ERR_INVALID_ARG_TYPE' });
    });

    it(`looks up a firewall rule for this backend${isWine ? ' (Wine: INetFwPolicy2 may answer E_NOTIMPL)' : ''}`, async function () {
      const b = backend();
      let rule;
      try {
        rule = await b.getFirewallRule();
      } catch (err) {
        assert.ok(isWine, err.stack);
        assert.strictEqual(typeof err.code, 'string');
        return;
      }
      assert.strictEqual(typeof rule.exists, 'boolean');
      if (!isWindows) assert.strictEqual(rule.exists, false);
      await assert.rejects(b.getFirewallRule({ program: 'x' }), { code: 'ERR_INVALID_ARG_VALUE' });
    });
  });
});
