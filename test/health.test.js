'use strict';
// Liveness probing (lib/backend/health.js) against real sockets.

const assert = require('assert');
const http = require('http');
const net = require('net');
const { HealthMonitor, normalizeHealth } = require('../lib/backend/health');

function listen(handler) {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function once(emitter, event, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (v) => { clearTimeout(t); resolve(v); });
  });
}

describe('health: options', () => {
  it('fills defaults', () => {
    assert.deepStrictEqual(normalizeHealth({ path: '/health' }, true), {
      path: '/health', tcp: false, intervalMs: 5000, timeoutMs: 2000, failures: 3, startPeriodMs: 0,
    });
    assert.strictEqual(normalizeHealth(undefined, true), null);
  });

  it('rejects bad options with Node-style codes', () => {
    assert.throws(() => normalizeHealth(1, true), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => normalizeHealth({}, true), { code: 'ERR_INVALID_ARG_VALUE', message: /exactly one of path and tcp/ });
    assert.throws(() => normalizeHealth({ path: '/a', tcp: true }, true), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => normalizeHealth({ path: 'a' }, true), { code: 'ERR_INVALID_ARG_VALUE', message: /must start with/ });
    assert.throws(() => normalizeHealth({ tcp: 'yes' }, true), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => normalizeHealth({ tcp: true, failures: 0 }, true), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => normalizeHealth({ tcp: true, intervalMs: 1.5 }, true), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => normalizeHealth({ tcp: true, timeoutMs: -1 }, true), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => normalizeHealth({ tcp: true, every: 1 }, true), { code: 'ERR_INVALID_ARG_VALUE', message: /options\.health\.every/ });
    assert.throws(() => normalizeHealth({ tcp: true }, false), { code: 'ERR_INVALID_ARG_VALUE', message: /needs a port/ });
  });
});

describe('health: HealthMonitor', () => {
  it('reports ok while the server answers 2xx, then unhealthy after N failures', async () => {
    let status = 200;
    const server = await listen((req, res) => { res.statusCode = status; res.end(); });
    const { port } = server.address();
    const m = new HealthMonitor(normalizeHealth({ path: '/h', intervalMs: 30, timeoutMs: 1000, failures: 2 }, true), { host: '127.0.0.1', port });
    try {
      m.start();
      const first = await once(m, 'check');
      assert.strictEqual(first.ok, true);
      assert.strictEqual(first.answer, 'HTTP 200');
      assert.strictEqual(m.status.ok, true);
      assert.strictEqual(m.status.failures, 0);
      assert.ok(m.status.lastCheckAt <= Date.now());
      status = 503;
      const bad = await once(m, 'unhealthy');
      assert.deepStrictEqual({ failures: bad.failures, last: bad.last }, { failures: 2, last: 'HTTP 503' });
      assert.strictEqual(m.status.ok, false);
    } finally {
      m.stop();
      server.close();
    }
  });

  it('a slow answer within timeoutMs is healthy; one past it is a failure', async () => {
    let delayMs = 150;
    const server = await listen((req, res) => setTimeout(() => res.end('ok'), delayMs));
    const { port } = server.address();
    const m = new HealthMonitor(normalizeHealth({ path: '/', intervalMs: 20, timeoutMs: 600, failures: 1 }, true), { host: '127.0.0.1', port });
    const checks = [];
    m.on('check', (c) => checks.push(c));
    try {
      m.start();
      await new Promise((r) => setTimeout(r, 800));
      assert.ok(checks.length >= 2, `checks: ${checks.length}`);
      assert.ok(checks.every((c) => c.ok), JSON.stringify(checks));
      delayMs = 2000;
      const bad = await once(m, 'unhealthy');
      assert.strictEqual(bad.last, 'ETIMEDOUT');
    } finally {
      m.stop();
      server.closeAllConnections();
      server.close();
    }
  });

  it('never overlaps probes, and stop() aborts the one in flight and ends probing', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    const probe = (signal) => new Promise((resolve, reject) => {
      calls++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let settled = false;
      const settle = () => { settled = true; inFlight--; };
      const t = setTimeout(() => { settle(); resolve('slow ok'); }, 120);
      signal.addEventListener('abort', () => {
        if (settled) return;
        clearTimeout(t);
        settle();
        reject(new Error('aborted'));
      }, { once: true });
    });
    const m = new HealthMonitor(normalizeHealth({ tcp: true, intervalMs: 10, timeoutMs: 1000 }, true), null, probe);
    m.start();
    await new Promise((r) => setTimeout(r, 700));
    assert.strictEqual(maxInFlight, 1);
    assert.ok(calls >= 2 && calls <= 8, `calls: ${calls}`);
    m.stop();
    assert.strictEqual(inFlight, 0);
    const after = calls;
    let events = 0;
    m.on('check', () => events++);
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(calls, after);
    assert.strictEqual(events, 0);
  });

  it('tcp: connected is healthy; a closed port fails', async () => {
    const server = net.createServer((s) => s.destroy());
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address();
    const m = new HealthMonitor(normalizeHealth({ tcp: true, intervalMs: 20, timeoutMs: 1000, failures: 1 }, true), { host: '127.0.0.1', port });
    try {
      m.start();
      assert.strictEqual((await once(m, 'check')).answer, 'connected');
      await new Promise((r) => server.close(r));
      const bad = await once(m, 'unhealthy');
      assert.strictEqual(bad.last, 'ECONNREFUSED');
    } finally {
      m.stop();
    }
  });

  it('failures within startPeriodMs do not count until the first success', async () => {
    let ok = false;
    const m = new HealthMonitor(normalizeHealth({ tcp: true, intervalMs: 20, timeoutMs: 500, failures: 1, startPeriodMs: 400 }, true), null,
      async () => { if (!ok) throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }); return 'connected'; });
    let unhealthy = 0;
    m.on('unhealthy', () => unhealthy++);
    try {
      m.start();
      await new Promise((r) => setTimeout(r, 200));
      assert.strictEqual(unhealthy, 0);
      assert.strictEqual(m.status.failures, 0);
      ok = true;
      await once(m, 'check');
      ok = false;
      // After a success the start period is over: the next failure counts.
      await once(m, 'unhealthy');
    } finally {
      m.stop();
    }
  });
});
