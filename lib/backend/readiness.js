'use strict';
// Readiness of a Run: its port accepts a TCP connection (and, with
// readiness.path, GET path answers 2xx) within readiness.timeoutMs. A
// backend that dies first fails at once with ERR_BACKEND_EXITED; a timeout
// is ETIMEDOUT saying what the last attempt got. Both quote the tail of the
// backend's output.

const { onAbort, abortable, withTimeout } = require('../abort');
const { codedError } = require('../errors');
const { waitForPort } = require('../ports');
const { waitForHttp, connectHost } = require('./http');

function describeTail(lines) {
  return lines.length ? `\n--- last output of the backend ---\n${lines.join('\n')}` : '';
}

// Resolves once `run` is ready; rejects as above, or with an AbortError
// when `signal` aborts. o: the Backend's normalised options.
async function waitReady(run, o, signal, observer) {
  const r = o.readiness;
  if (!r) return;
  const probeController = new AbortController();
  const off = onAbort(signal, () => probeController.abort(signal.reason));
  const deadline = Date.now() + r.timeoutMs;
  let target = `${run.url}${r.path || ''}`;
  const probe = (async () => {
    // readiness.stdout (./readiness-output.js): a matching line, which may
    // say the port; then tcp/path too when asked for.
    if (r.stdout) {
      await observer.waitForLine(run, r.stdout, deadline, probeController.signal);
      target = `${run.url}${r.path || ''}`;
    }
    if (!r.tcp) return;
    // With the root's pid: a listener seen after the root died is not
    // ready (a daemonizing server); that ends as ERR_BACKEND_EXITED (`died`).
    try {
      await waitForPort(run.port, { host: connectHost(o.host), timeoutMs: Math.max(1, deadline - Date.now()), signal: probeController.signal, pid: run.pid });
    } catch (err) {
      if (err.code === 'ESRCH') await new Promise(() => {}); // `died` settles the race
      throw err;
    }
    if (r.path) {
      await waitForHttp({ host: o.host, port: run.port, path: r.path, deadline, signal: probeController.signal });
    }
  })();
  // A backend that dies before it is ready fails the start at once.
  const died = run.exited.then(async (exit) => {
    await withTimeout(run.closedPromise, 2000, () => {}); // let the last output arrive
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const err = codedError(Error, 'ERR_BACKEND_EXITED',
      `backend "${o.name}" ${how} before it was ready${describeTail(run.tail())}`);
    err.exitCode = exit.code;
    err.signal = exit.signal;
    err.output = run.tail().join('\n');
    throw err;
  });
  try {
    await abortable(Promise.race([probe, died]), signal);
  } catch (err) {
    if (err.code === 'ETIMEDOUT') {
      const detail = err.last ? `last answer: ${err.last}` : 'the port never accepted a connection';
      const e = codedError(Error, 'ETIMEDOUT',
        `ETIMEDOUT: backend "${o.name}" was not ready at ${target} within ${r.timeoutMs} ms` +
        ` (${detail})${describeTail(run.tail())}`);
      e.cause = err;
      e.output = run.tail().join('\n');
      throw e;
    }
    throw err;
  } finally {
    off();
    probeController.abort();
    probe.catch(() => {});
    died.catch(() => {});
  }
}

module.exports = { waitReady };
