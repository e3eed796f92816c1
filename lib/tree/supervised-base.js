'use strict';
// What every SupervisedProcess shares, whatever supervises it (the
// supervisor executable on Linux/macOS, a job object on Windows): state,
// the spawned/exited promises, 'close' bookkeeping, and kill() semantics
// (one shared sequence; a second request with graceMs 0 escalates at once).
// Subclasses implement _stop(signal, graceMs) → Promise<result> and killSync().

const { EventEmitter } = require('events');

/** @type {{ killed: readonly number[], forced: boolean, survivors: readonly number[], complete?: boolean }} */
const EMPTY_RESULT = Object.freeze({ killed: Object.freeze([]), forced: false, survivors: Object.freeze([]), complete: true });

// An error like Node's own spawn errors: "spawn <command> <CODE>".
function spawnError(code, command, { errno, detail } = {}) {
  const err = new Error(`spawn ${command} ${code}${detail ? ` (${detail})` : ''}`);
  err.code = code;
  if (errno !== undefined) err.errno = errno;
  err.syscall = 'spawn';
  err.path = command;
  return err;
}

class SupervisedBase extends EventEmitter {
  constructor(command, graceMs) {
    super();
    this.pid = undefined;
    this.startTime = undefined;
    this.exitCode = null;
    this.signalCode = null;
    this.killed = false;
    this.supervisorPid = undefined;
    this._command = command;
    this._graceMs = graceMs;
    this._closed = false;
    this._closeResult = EMPTY_RESULT;
    this._killPromise = null;
    this._onClose = [];
    this.exited = new Promise((resolve) => this._onClose.push(resolve));
    this.spawned = new Promise((resolve, reject) => {
      this._resolveSpawned = resolve;
      this._rejectSpawned = reject;
    });
    // A spawn failure is reported through `spawned`; an unobserved rejection
    // must not crash the host.
    this.spawned.catch(() => {});
  }

  _spawnSucceeded(pid, startTime) {
    this.pid = pid;
    this.startTime = startTime;
    this._resolveSpawned({ pid, startTime });
  }

  _spawnFailed(err) {
    this._rejectSpawned(err);
    this._finish(null, null);
  }

  // The whole tree is gone and stdio is closed.
  _finish(code, signal, result) {
    if (this._closed) return;
    this._closed = true;
    if (result) this._closeResult = result;
    for (const fn of this._onClose) fn({ code, signal });
    this._onClose = [];
    this.emit('close', code, signal);
  }

  // Polite stop of the whole tree, wait up to graceMs, then force; resolves
  // { killed, forced, survivors } once everything is gone.
  kill({ signal = 'SIGTERM', graceMs = this._graceMs } = {}) {
    if (this._closed) return Promise.resolve(this._killPromise ? this._closeResult : EMPTY_RESULT);
    if (this._killPromise) {
      if (graceMs === 0) this.killSync();
      return this._killPromise;
    }
    this.killed = true;
    this._killPromise = this._stop(signal, graceMs);
    return this._killPromise;
  }
}

module.exports = { SupervisedBase, spawnError, EMPTY_RESULT };
