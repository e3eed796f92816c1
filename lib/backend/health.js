'use strict';
// Liveness probing of a running backend: { path | tcp, intervalMs,
// timeoutMs, failures, startPeriodMs }. One probe at a time (the next is
// scheduled when the previous has settled, never on a fixed timer), each
// bounded by timeoutMs; after `failures` consecutive failures the monitor
// emits 'unhealthy' once and stops itself; the Backend restarts through its
// restart policy and starts a new monitor for the new run. stop() aborts a
// probe in flight and emits nothing more.

const EventEmitter = require('events');
const net = require('net');
const { onAbort, withTimeout } = require('../abort');
const { invalidArgValue, invalidArgType, systemError, abortError } = require('../errors');
const { validateInteger, validateString, validateBoolean } = require('../validate');
const { request, connectHost } = require('./http');

const KNOWN = ['path', 'tcp', 'intervalMs', 'timeoutMs', 'failures', 'startPeriodMs'];
const MS_MAX = 2147483647;

// options.health → normalized options or null. hasPort: whether the backend
// has a port to probe (options.port is not false).
function normalizeHealth(value, hasPort) {
  if (value === undefined || value === null || value === false) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgType('options.health', 'of type object', value);
  for (const key of Object.keys(value)) {
    if (!KNOWN.includes(key)) throw invalidArgValue(`options.health.${key}`, value[key], 'is not a known option');
  }
  let path = null;
  if (value.path !== undefined) {
    path = validateString(value.path, 'options.health.path', { maxLength: 2048 });
    if (!path.startsWith('/')) throw invalidArgValue('options.health.path', path, "must start with '/'");
  }
  const tcp = value.tcp === undefined ? false : validateBoolean(value.tcp, 'options.health.tcp');
  if ((path === null) === !tcp) throw invalidArgValue('options.health', value, 'must have exactly one of path and tcp: true');
  if (!hasPort) throw invalidArgValue('options.health', value, 'needs a port; with options.port false there is nothing to probe');
  const ms = (key, def, min) => (value[key] === undefined ? def : validateInteger(value[key], `options.health.${key}`, min, MS_MAX));
  const timeoutMs = ms('timeoutMs', 2000, 1);
  const intervalMs = ms('intervalMs', 5000, 10);
  const failures = value.failures === undefined ? 3 : validateInteger(value.failures, 'options.health.failures', 1, 1000);
  const startPeriodMs = ms('startPeriodMs', 0, 0);
  return { path, tcp, intervalMs, timeoutMs, failures, startPeriodMs };
}

function tcpProbe({ host, port, timeoutMs, signal }) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: connectHost(host), port });
    let done = false;
    let off = () => {};
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      off();
      socket.destroy();
      if (err) reject(err);
      else resolve('connected');
    };
    const timer = setTimeout(() => finish(systemError('ETIMEDOUT', `no connection within ${timeoutMs} ms`, 'connect')), timeoutMs);
    off = onAbort(signal, () => finish(abortError(signal.reason)));
    socket.once('connect', () => finish(null));
    socket.once('error', finish);
  });
}

// One probe of { host, port } with the normalized options: resolves the
// answer ("HTTP 200", "connected") or rejects with why it failed.
async function probeOnce(o, { host, port }, signal) {
  if (o.tcp) return tcpProbe({ host, port, timeoutMs: o.timeoutMs, signal });
  const { statusCode } = await request({ host, port, path: o.path, timeoutMs: o.timeoutMs, signal });
  const answer = `HTTP ${statusCode}`;
  if (statusCode >= 200 && statusCode < 400) return answer;
  const err = new Error(`GET ${o.path} answered ${answer}`);
  err.code = 'ERR_BACKEND_UNHEALTHY';
  err.answer = answer;
  throw err;
}

class HealthMonitor extends EventEmitter {
  // options from normalizeHealth; target { host, port }; probe(signal)
  // may replace the built-in HTTP/TCP probe (it must settle).
  constructor(options, target, probe) {
    super();
    this._o = options;
    this._probe = probe || ((signal) => probeOnce(options, target, signal));
    this._timer = null;
    this._controller = null;
    this._running = false;
    this._startedAt = 0;
    this._inStartPeriod = false;
    this.failures = 0;
    this.ok = null; // null until the first probe settles
    this.lastCheckAt = null;
    this.last = null; // the last answer or error message
  }

  get status() {
    return { ok: this.ok, failures: this.failures, lastCheckAt: this.lastCheckAt };
  }

  start() {
    if (this._running) return;
    this._running = true;
    this._startedAt = Date.now();
    this._inStartPeriod = this._o.startPeriodMs > 0;
    this._schedule(this._o.intervalMs);
  }

  stop() {
    this._running = false;
    clearTimeout(this._timer);
    this._timer = null;
    if (this._controller) this._controller.abort();
  }

  _schedule(ms) {
    if (!this._running) return;
    this._timer = setTimeout(() => {
      this._timer = null;
      this._check();
    }, ms);
    this._timer.unref();
  }

  async _check() {
    const controller = new AbortController();
    this._controller = controller;
    const began = Date.now();
    let ok = false;
    let last;
    try {
      last = await withTimeout(this._probe(controller.signal), this._o.timeoutMs, () => {
        throw systemError('ETIMEDOUT', `no answer within ${this._o.timeoutMs} ms`, 'probe');
      });
      ok = true;
    } catch (err) {
      last = err;
    } finally {
      controller.abort();
      if (this._controller === controller) this._controller = null;
    }
    if (!this._running) return;
    this.lastCheckAt = Date.now();
    this.ok = ok;
    this.last = ok ? last : (last && (last.answer || last.code || last.message)) || String(last);
    if (this._inStartPeriod && (ok || this.lastCheckAt - this._startedAt >= this._o.startPeriodMs)) this._inStartPeriod = false;
    if (ok) {
      this.failures = 0;
    } else if (!this._inStartPeriod) {
      this.failures++;
    }
    this.emit('check', { ok, answer: this.last, failures: this.failures, durationMs: this.lastCheckAt - began });
    if (this.failures >= this._o.failures) {
      this.stop();
      this.emit('unhealthy', { failures: this.failures, last: this.last, error: ok ? null : last });
      return;
    }
    this._schedule(Math.max(10, this._o.intervalMs - (Date.now() - began)));
  }
}

module.exports = { HealthMonitor, normalizeHealth, probeOnce };
