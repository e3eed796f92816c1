'use strict';
// Readiness of a Run: its port accepts a TCP connection from a listener of
// the backend's own tree (and, with readiness.path, GET path answers 2xx)
// within readiness.timeoutMs. A backend that dies first fails at once with
// ERR_BACKEND_EXITED, or EADDRINUSE naming the holder when its port was
// taken; a timeout is ETIMEDOUT saying what the last attempt got (another
// process's listener, say). All quote the tail of the backend's output.
// However it ends, the Run's in-process port hold is released.

const { onAbort, abortable, withTimeout, delay } = require('../abort');
const { codedError } = require('../errors');
const { waitForPort } = require('../ports');
const { waitForHttp, connectHost } = require('./http');
const { listenerOf, describeHolder, addressInUse } = require('./listener');

// How often a port that answers from another process is looked at again.
const FOREIGN_RETRY_MS = 50;

function describeTail(lines) {
  return lines.length ? `\n--- last output of the backend ---\n${lines.join('\n')}` : '';
}

// Resolves once `run` is ready; rejects as above, or with an AbortError
// when `signal` aborts. o: the Backend's normalised options.
async function waitReady(run, o, signal, observer) {
  try {
    await untilReady(run, o, signal, observer);
  } finally {
    run.releasePort();
  }
}

// The port answers, from a listener of run's tree. A listener of another
// process (it took the port between the probe and the backend's bind, or
// another Backend's) is not ready: looked at again until the deadline, by
// when the backend has usually exited with EADDRINUSE (`died`). When the OS
// does not name the owner (Wine, another user's socket), the port answering
// while the root lives is taken as ready, as before; logged at debug.
async function tcpReady(run, o, deadline, signal) {
  for (;;) {
    // With the root's pid: a listener seen after the root died is not
    // ready (a daemonizing server); that ends as ERR_BACKEND_EXITED (`died`).
    try {
      await waitForPort(run.port, { host: connectHost(o.host), timeoutMs: Math.max(1, deadline - Date.now()), signal, pid: run.pid });
    } catch (err) {
      if (err.code === 'ESRCH') await new Promise(() => {}); // `died` settles the race
      throw err;
    }
    const { ours, owner } = await listenerOf(run, o.host);
    if (ours) return;
    if (ours === null) {
      o.logger.debug(`[backend-warden] ${o.name}: port ${run.port} answers; the system does not say which process listens, so it is taken as the backend's`);
      return;
    }
    const last = `port ${run.port} answers from ${describeHolder(owner)}, not from the backend's tree`;
    if (Date.now() + FOREIGN_RETRY_MS >= deadline) {
      const err = codedError(Error, 'ETIMEDOUT', last);
      err.last = last;
      err.holder = { pid: owner.pid, name: owner.name };
      throw err;
    }
    await delay(FOREIGN_RETRY_MS, signal);
  }
}

async function untilReady(run, o, signal, observer) {
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
    await tcpReady(run, o, deadline, probeController.signal);
    if (r.path) {
      await waitForHttp({ host: o.host, port: run.port, path: r.path, deadline, signal: probeController.signal });
    }
  })();
  // A backend that dies before it is ready fails the start at once.
  const died = run.exited.then(async (exit) => {
    await withTimeout(run.closedPromise, 2000, () => {}); // let the last output arrive
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    // Its port taken: EADDRINUSE, naming the holder.
    const inUse = await addressInUse(run, o, exit, how, run.tail());
    const err = inUse || codedError(Error, 'ERR_BACKEND_EXITED', `backend "${o.name}" ${how} before it was ready`);
    err.message += describeTail(run.tail());
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
      if (err.holder) e.holder = err.holder;
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

// The port answered, but the root is gone: a start must not end 'running'.
function exitedWhileStarting(name, exit) {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const err = codedError(Error, 'ERR_BACKEND_EXITED',
    `backend "${name}" ${how} while starting: its root process is gone, so it is not running` +
    ' (a server that daemonizes leaves the tree; run it in the foreground, e.g. redis-server --daemonize no)');
  err.exitCode = exit.code;
  err.signal = exit.signal;
  return err;
}

module.exports = { waitReady, exitedWhileStarting };
