'use strict';
// waitForPort's deadline on Windows (binding/ports/ports_win.c): the time
// left must not wrap past the deadline. A listener whose accept queue is
// full (fixtures/full_listener_win.c) leaves connects pending, so each
// attempt lasts as long as the waiter lets it.

const assert = require('assert');
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const { waitForPort } = require('..');
const { isWindows, waitFor } = require('./helpers');

const LISTENER = path.join(__dirname, '..', 'build-win', 'fixtures', 'full_listener_win.exe');
const ready = isWindows && fs.existsSync(LISTENER);
const why = !isWindows ? ' (Windows only)' : ready ? '' : ' (skipped: build-win/fixtures/full_listener_win.exe is built by npm run test:win)';

// Opens connections to host:port until one stays pending: the queue is full.
async function fillQueue(host, port, sockets) {
  for (let i = 0; i < 8; i++) {
    const s = net.connect({ host, port });
    s.on('error', () => {});
    sockets.push(s);
    const connected = await new Promise((resolve) => {
      const t = setTimeout(resolve, 700, false);
      s.once('connect', () => { clearTimeout(t); resolve(true); });
    });
    if (!connected) return true;
  }
  return false;
}

(ready ? describe : describe.skip)(`waitForPort on Windows${why}`, function () {
  this.timeout(60000);
  let proc;
  let port;
  const sockets = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-full-'));

  before(async function () {
    const file = path.join(dir, 'port');
    proc = spawn(LISTENER, [file], { stdio: 'ignore' });
    await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('\n'), 30000);
    port = Number(fs.readFileSync(file, 'utf8'));
    if (!(await fillQueue('127.0.0.1', port, sockets)) || !(await fillQueue('::1', port, sockets))) {
      throw new Error('the accept queue never filled: connects do not stay pending here');
    }
  });

  after(function () {
    for (const s of sockets) s.destroy();
    if (proc) proc.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives up at timeoutMs when a connect to the second address is still pending past the deadline (no unsigned wrap)', async function () {
    const t0 = Date.now();
    await assert.rejects(waitForPort(port, { host: 'localhost', timeoutMs: 600 }), { code: 'ETIMEDOUT' });
    const took = Date.now() - t0;
    // The wrap made the ::1 attempt wait a full second past the deadline
    // (1660-1830 ms measured under Wine; about 1000 ms without it).
    assert.ok(took < 1500, `rejected after ${took} ms for a 600 ms timeout`);
  });
});
