'use strict';
// The serialisation of a Backend's start/restart/stop calls, so that
// concurrent calls never spawn twice and never leave two backends: one
// start at a time (later callers join it; a caller's AbortSignal aborts the
// start it waits for), one stop at a time, one requested restart at a time.
// stop() wins over a start or restart in progress, and starts queued before
// a stop() give up (the epoch, bumped by every stop). Owned by the
// Lifecycle (./lifecycle.js), which does the work of a start (_runStart) and
// of a stop (_runStop) and keeps the states and the events.

const { onAbort } = require('../abort');
const { abortError } = require('../errors');

// The rejection of a start or restart that a stop() ended.
function stoppedError(what, reason) {
  const err = abortError(reason);
  err.message = `${what}() was aborted by ${typeof reason === 'string' ? reason : 'stop()'}`;
  return err;
}

class Calls {
  constructor(lifecycle) {
    this._lc = lifecycle;
    this.startTask = null; // a start (or automatic restart) in progress
    this.stopTask = null; // a stop in progress
    this.restartTask = null; // a requested restart in progress
    this.epoch = 0; // bumped by stop(): starts queued before it give up
  }

  // --- starting ----------------------------------------------------------------

  // The running backend, the start in progress, or a new start.
  ensureStarted(signal) {
    const lc = this._lc;
    if (this.stopTask) {
      // Start after the stop in progress, unless another stop() comes first.
      const epoch = this.epoch;
      return this.stopTask.then(() => this._startAfter(epoch, signal));
    }
    if (lc._state === 'running' && lc._run) return Promise.resolve(lc._info(lc._run));
    if (this.startTask) {
      if (!this.startTask.controller.signal.aborted) return this._withSignal(this.startTask.promise, signal);
      // Someone's signal aborted that start: start afresh once it has cleaned up.
      const epoch = this.epoch;
      return this.startTask.promise.catch(() => {}).then(() => this._startAfter(epoch, signal));
    }
    lc._policy.reset();
    return this._withSignal(this.beginStart({ attempt: 0, delayMs: 0 }).promise, signal);
  }

  _startAfter(epoch, signal) {
    if (epoch !== this.epoch) throw stoppedError('start');
    if (signal && signal.aborted) throw abortError(signal.reason);
    if (this._lc._disposed) throw this._lc._disposedError();
    return this.ensureStarted(signal);
  }

  // A caller's AbortSignal aborts the start it is waiting for.
  _withSignal(promise, signal) {
    if (!signal) return promise;
    const task = this.startTask;
    const off = onAbort(signal, () => {
      if (task && this.startTask === task) this.abortStart(task, signal.reason, false);
    });
    return promise.then((v) => { off(); return v; }, (e) => { off(); throw e; });
  }

  abortStart(task, reason, byStop = true) {
    if (task.controller.signal.aborted) return;
    task.byStop = byStop;
    task.controller.abort(byStop ? stoppedError('start', reason) : abortError(reason));
  }

  // A new start: the caller's, or an automatic restart (attempt > 0).
  beginStart({ attempt, delayMs }) {
    const task = { controller: new AbortController(), promise: null, run: null, byStop: false, attempt };
    this.startTask = task;
    this._lc._setState('starting');
    task.promise = this._lc._runStart(task, delayMs).finally(() => {
      if (this.startTask === task) this.startTask = null;
    });
    // Automatic restarts have no caller; their failures are handled in _runStart.
    if (attempt > 0) task.promise.catch(() => {});
    return task;
  }

  // --- restarting ----------------------------------------------------------------

  restart() {
    const lc = this._lc;
    if (this.restartTask) return this.restartTask;
    // A start in progress already brings up a fresh backend: join it.
    if (this.startTask && !this.stopTask && !this.startTask.controller.signal.aborted) {
      return this.startTask.promise.then((info) => ({ success: true, url: info.url }));
    }
    const epoch = this.epoch;
    const task = (async () => {
      if (lc._run || this.stopTask) {
        lc.emit('restarting', { reason: 'requested', attempt: 0, delayMs: 0, lastExit: lc._lastExit });
        await this.stop('restart');
      }
      if (epoch !== this.epoch) throw stoppedError('restart');
      const info = await this.ensureStarted();
      return { success: true, url: info.url };
    })().finally(() => {
      if (this.restartTask === task) this.restartTask = null;
    });
    this.restartTask = task;
    return task;
  }

  // --- stopping ------------------------------------------------------------------

  // The stop in progress, or a new one (reason 'stop' or 'restart').
  stop(reason) {
    const lc = this._lc;
    if (this.stopTask) return this.stopTask;
    const task = this.startTask;
    const run = lc._run;
    if (!task && !run) {
      lc._removeExitHook();
      if (lc._state === 'crashed' && reason === 'stop') {
        lc._setState('stopped');
      }
      return Promise.resolve({ success: true, forced: false });
    }
    const p = lc._runStop(task, reason).finally(() => {
      if (this.stopTask === p) this.stopTask = null;
    });
    this.stopTask = p;
    return p;
  }
}

module.exports = { Calls };
