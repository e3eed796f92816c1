'use strict';
// The HTTP requests a Backend makes to its own backend: the readiness probe
// (GET until 2xx) and the shutdown request. Always to a literal address
// (127.0.0.1, ::1), never a name, with no agent (no pooled sockets left open)
// and a timeout on every request.

const http = require('http');
const { onAbort, delay } = require('../abort');
const { systemError, abortError } = require('../errors');

// The address to connect to for a backend listening on `host`: a wildcard
// listen address is reached over loopback.
function connectHost(host) {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

function urlOf(host, port) {
  const h = connectHost(host);
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

// One request; resolves { statusCode } once the whole response was read.
function request({ host, port, path, method = 'GET', timeoutMs = 5000, signal }) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) {
      reject(abortError(signal.reason));
      return;
    }
    let settled = false;
    let off = () => {};
    const finish = (err, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      off();
      if (err) reject(err);
      else resolve(value);
    };
    const req = http.request({
      host: connectHost(host),
      port,
      path,
      method,
      agent: false,
      headers: { connection: 'close', 'content-length': 0 },
    });
    const timer = setTimeout(() => {
      const err = systemError('ETIMEDOUT', `no answer within ${timeoutMs} ms`, `${method} ${urlOf(host, port)}${path}`);
      finish(err);
      req.destroy(err);
    }, timeoutMs);
    if (signal) {
      off = onAbort(signal, () => {
        const err = abortError(signal.reason);
        finish(err);
        req.destroy(err);
      });
    }
    req.on('response', (res) => {
      res.on('error', (err) => finish(err));
      res.on('end', () => finish(null, { statusCode: res.statusCode }));
      res.resume();
    });
    req.on('error', (err) => finish(err));
    req.end();
  });
}

// GET `path` until it answers 2xx. Rejects with ETIMEDOUT at `deadline`
// (a Date.now() value), saying what the last attempt got, or with an
// AbortError when `signal` aborts.
async function waitForHttp({ host, port, path, deadline, signal, intervalMs = 100 }) {
  let last = 'no answer';
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) {
      const err = systemError('ETIMEDOUT', `GET ${urlOf(host, port)}${path} did not answer 2xx in time (last: ${last})`);
      err.last = last;
      throw err;
    }
    try {
      const { statusCode } = await request({ host, port, path, timeoutMs: Math.min(left, 5000), signal });
      if (statusCode >= 200 && statusCode < 300) return;
      last = `HTTP ${statusCode}`;
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      // A request cut short by the deadline says nothing new about the backend.
      if (!(err.code === 'ETIMEDOUT' && Date.now() >= deadline && last !== 'no answer')) last = err.code || err.message;
    }
    await delay(Math.max(0, Math.min(intervalMs, deadline - Date.now())), signal);
  }
}

module.exports = { request, waitForHttp, connectHost, urlOf };
