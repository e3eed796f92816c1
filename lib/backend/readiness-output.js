'use strict';
// Readiness from the backend's own output: readiness: { stdout: RegExp }
// resolves when a stdout line matches. With a capture group the match also
// says where the backend listens — a port number ("(\d+)") or a URL — so
// with port: 0 the backend binds a port of its own choosing and there is no
// choose-then-bind race (ASP.NET Core --urls http://127.0.0.1:0, Vite,
// uvicorn print such a line).

const { onAbort } = require('../abort');
const { invalidArgType, invalidArgValue, systemError, abortError } = require('../errors');

// options.readiness.stdout → { re, captures } or null.
function normalizeStdout(value) {
  if (value === undefined) return null;
  if (!(value instanceof RegExp)) throw invalidArgType('options.readiness.stdout', 'an instance of RegExp', value);
  if (value.global || value.sticky) {
    throw invalidArgValue('options.readiness.stdout', value, 'must not have the g or y flag (lines are matched one by one)');
  }
  const captures = new RegExp(`${value.source}|`, value.flags).exec('').length - 1;
  return { re: new RegExp(value.source, value.flags), captures };
}

// What a match says about the address: { port, url } or null. A capture
// that is neither a port nor an http(s) URL is an error the caller reports.
function addressOf(match) {
  const text = match[1];
  if (text === undefined) return null;
  if (/^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65535) return { port: Number(text), url: null };
  try {
    const u = new URL(text);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.port) return { port: Number(u.port), url: text.replace(/\/$/, '') };
  } catch { /* not a URL */ }
  return { invalid: text };
}

// Resolves { match, address } at the first matching line. subscribe(fn)
// registers a line listener and returns its removal; earlier is the lines
// already seen (checked first). Rejects with ETIMEDOUT at deadline (a
// Date.now() value) or an AbortError on signal.
function waitForOutput({ stdout, subscribe, earlier = [], deadline, signal }) {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    let off = () => {};
    let timer;
    const finish = (err, value) => {
      unsubscribe();
      off();
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value);
    };
    const test = (line) => {
      const match = stdout.re.exec(line);
      if (!match) return false;
      const address = addressOf(match);
      if (address && address.invalid !== undefined) {
        const err = new Error(`the readiness line's capture ${JSON.stringify(address.invalid)} is neither a port nor an http URL: ${line}`);
        err.code = 'ERR_BACKEND_READINESS_CAPTURE';
        finish(err);
      } else {
        finish(null, { match, address, line });
      }
      return true;
    };
    const abort = () => finish(abortError(signal.reason));
    if (signal && signal.aborted) return abort();
    if (signal) off = onAbort(signal, abort);
    for (const line of earlier) if (test(line)) return undefined;
    unsubscribe = subscribe((line) => test(line));
    timer = setTimeout(() => {
      const err = systemError('ETIMEDOUT', `no stdout line matched ${stdout.re}`);
      err.last = `no stdout line matched ${stdout.re}`;
      finish(err);
    }, Math.max(0, deadline - Date.now()));
    return undefined;
  });
}

module.exports = { normalizeStdout, waitForOutput, addressOf };
