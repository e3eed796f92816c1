'use strict';
// Real third-party servers from Debian's packages (installed by
// scripts/ensure-servers.js in CI): gunicorn with workers (a master that
// forks, workers that serve a slow request) and redis-server. Readiness,
// stop, and host death with a request in flight (G1, G2). Each server skips
// with the reason in its title when it is not installed.

const assert = require('assert');
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const path = require('path');

const warden = require('..');
const { fixture, waitFor, makeMarker, markedProcesses, killMarked, removeMarker, markerEnv } = require('./helpers');

const isLinux = process.platform === 'linux';
function which(cmd) {
  for (const d of ['/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/local/bin']) {
    const p = path.join(d, cmd);
    if (fs.existsSync(p)) return p;
  }
  return null;
}
const GUNICORN = isLinux ? which('gunicorn') : null;
const REDIS = isLinux ? which('redis-server') : null;
const HOST = fixture('engine-host.js');
const QUIET = { info() {}, warn() {}, error() {}, debug() {} };

// npm run test:asan preloads libasan into every process, third-party servers
// included: they are not what that lane checks, and run far too slowly there.
const SANITIZED = /libasan/.test(process.env.LD_PRELOAD || '');

function skipReason(bin, name, pkg) {
  if (!isLinux) return ' (skipped: the real-server tests run on Linux)';
  if (SANITIZED) return ' (skipped: sanitizer lane; libasan would be preloaded into the third-party server too)';
  return bin ? '' : ` (skipped: ${name} not installed; apt-get install ${pkg}, as scripts/ensure-servers.js does in CI)`;
}

const SERVERS = [
  {
    name: 'gunicorn (2 workers)', bin: GUNICORN, pkg: 'gunicorn', min: 3,
    args: (port) => ['--workers', '2', '--bind', `127.0.0.1:${port}`, '--chdir', path.dirname(fixture('wsgi_app.py')), '--graceful-timeout', '30', '--timeout', '120', 'wsgi_app:app'],
    readiness: { path: '/health' },
    // A request that holds a worker for a minute: the worker is busy, the
    // master waits for it (graceful timeout 30 s) — only the force ends it.
    inFlight: (port) => http.get({ host: '127.0.0.1', port, path: '/slow', agent: false }).on('error', () => {}),
  },
  {
    name: 'redis-server', bin: REDIS, pkg: 'redis-server', min: 1,
    args: (port) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    readiness: { tcp: true },
    // DEBUG SLEEP blocks redis's only thread: a busy server at host death.
    inFlight: (port) => {
      const s = require('net').connect(port, '127.0.0.1', () => s.write('*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$2\r\n30\r\n'));
      s.on('error', () => {});
      return s;
    },
  },
];

describe('real servers (Debian packages)', function () {
  this.timeout(60000);

  for (const srv of SERVERS) {
    const skip = skipReason(srv.bin, srv.name, srv.pkg);
    const test = skip ? it.skip : it;

    test(`${srv.name}: ready only once it serves, then stop() leaves no process of its tree${skip}`, async function () {
      const marker = makeMarker();
      const backend = new warden.Backend({
        command: srv.bin, args: srv.args('{port}'), env: { BW_TEST_MARKER: marker }, readiness: srv.readiness,
        stopTimeoutMs: 5000, logger: QUIET,
      });
      try {
        const { port, pid } = await backend.start();
        // gunicorn's master accepts before it has forked every worker: wait for them.
        let tree = await warden.listTree(pid);
        await waitFor(async () => (tree = await warden.listTree(pid)).length >= srv.min, 10000).catch(() => {});
        assert.ok(tree.length >= srv.min, `tree of ${tree.length}: ${JSON.stringify(tree.map((p) => p.name))}`);
        assert.ok(!(await warden.isPortFree(port)), 'the server listens');
        const owner = await warden.portOwner(port);
        assert.ok(owner && tree.some((p) => p.pid === owner.pid), `the listener ${JSON.stringify(owner)} is in the tree`);
        const result = await backend.stop();
        assert.strictEqual(result.success, true, JSON.stringify(result));
        await waitFor(() => markedProcesses(marker).length === 0, 5000).catch(() => {});
        assert.deepStrictEqual(markedProcesses(marker), []);
        assert.ok(await warden.isPortFree(port), 'the port is free again');
      } finally {
        await backend.stop().catch(() => {});
        killMarked(marker);
        removeMarker(marker);
      }
    });

    test(`${srv.name}: busy with a request in flight, its tree is gone within about a second of the host's SIGKILL${skip}`, async function () {
      const marker = makeMarker();
      const port = await warden.findFreePort();
      const host = spawn(process.execPath, [HOST, '10000', 'default', '--', srv.bin, ...srv.args(port)], {
        env: markerEnv(marker, { BW_TEST_READY: 'none' }), stdio: ['ignore', 'ignore', 'inherit'],
      });
      let request;
      try {
        await waitFor(() => fs.existsSync(path.join(marker, 'host-ready')), 20000);
        await warden.waitForPort(port, { timeoutMs: 20000 });
        request = srv.inFlight(port);
        await new Promise((r) => setTimeout(r, 300)); // the request reaches the server
        assert.ok(markedProcesses(marker).length >= srv.min, 'the server runs');
        const t0 = Date.now();
        host.kill('SIGKILL');
        await waitFor(() => markedProcesses(marker).length === 0, 10000, 10).catch(() => {});
        const dt = Date.now() - t0;
        assert.deepStrictEqual(markedProcesses(marker), [], 'survivors of host death');
        // G2: one second (hostDeathGraceMs 500, then the force); generous
        // for a loaded machine (see test/tree-engine.test.js), far below the
        // 10 s stop grace.
        assert.ok(dt < 4000, `tree gone ${dt} ms after host death`);
      } finally {
        if (request) request.destroy();
        host.kill('SIGKILL');
        killMarked(marker);
        removeMarker(marker);
      }
    });
  }
});
