'use strict';
// The Backend's state machine: its states and every legal step between
// them (TRANSITIONS, checked by _setState: an illegal step is a bug and
// throws), what a start and a stop do, what follows a backend's exit (a
// clean stop, a restart with back-off, crashed), the host-exit hook, and the
// events. The serialisation of start/restart/stop (concurrent calls never
// spawn twice and never leave two backends; stop() wins over a start or
// restart in progress) is its Calls (./calls.js). One spawned backend is a
// Run (./run.js); readiness (./readiness.js) and the restart policy
// (./restart-policy.js) are their own modules. The public class, Backend
// (./index.js), extends this one and adds status(), which every state
// change emits.
//
// States: idle → starting → running → stopping → stopped, and crashed when
// automatic restarts gave up.

const EventEmitter = require('events');

const { abortable, delay } = require('../abort');
const { abortError, codedError, plainError } = require('../errors');
const { validateOptions, validateKeys, validateAbortSignal } = require('../validate');
const { recoverPidFile } = require('./pid-file');
const { waitReady, exitedWhileStarting } = require('./readiness');
const { RestartPolicy } = require('./restart-policy');
const { Run, choosePort } = require('./run');
const { Calls } = require('./calls');
const { Observer } = require('./observe');
const { mayTryAnotherPort } = require('./listener');

// Spawns one start makes at most when another process takes its port.
const PORT_ATTEMPTS = 3;

// Every legal state change; _setState throws on any other (a bug).
const TRANSITIONS = Object.freeze({
  idle: ['starting'],
  starting: ['running', 'stopping', 'stopped', 'crashed'],
  // a crash: 'starting' (restart), 'crashed' (gave up); a clean exit: 'stopped'
  running: ['starting', 'stopping', 'stopped', 'crashed'],
  // 'starting': restart() goes on to start
  stopping: ['starting', 'stopped'],
  // 'stopping': stop() while the tree of a backend that exited is torn down
  stopped: ['starting', 'stopping'],
  crashed: ['starting', 'stopping', 'stopped'],
});
const STATES = Object.freeze(Object.keys(TRANSITIONS));

class Lifecycle extends EventEmitter {
  // o: the normalised options (./options.js).
  constructor(o) {
    super();
    this._o = o;
    this._log = this._o.logger;
    this._state = 'idle';
    this._run = null; // the current Run, see _spawn
    this._calls = new Calls(this); // the start, stop and restart in progress (./calls.js)
    this._policy = new RestartPolicy(this._o.restart);
    this._lastPort = 0;
    this._startedAt = null;
    this._lastExit = null;
    this._lastError = null;
    this._exitHook = null;
    this._disposed = false;
    // Logs, liveness and the memory limit (./observe.js); heals through _heal.
    this._observer = new Observer(this._o, (run, cause) => this._heal(run, cause), this._log);
  }

  // --- public operations ---------------------------------------------------

  start(options) {
    let signal;
    try {
      options = validateKeys(validateOptions(options), ['signal']);
      signal = validateAbortSignal(options.signal);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this._disposed) return Promise.reject(this._disposedError());
    if (signal && signal.aborted) return Promise.reject(abortError(signal.reason));
    return this._calls.ensureStarted(signal);
  }

  stop() {
    this._calls.epoch++;
    return this._calls.stop('stop');
  }

  restart() {
    if (this._disposed) return Promise.reject(this._disposedError());
    return this._calls.restart();
  }

  // Synchronous force-kill of the whole tree, for process.on('exit') and
  // Electron's will-quit, where nothing asynchronous runs any more.
  stopSync() {
    this._calls.epoch++;
    const task = this._calls.startTask;
    if (task) this._calls.abortStart(task, 'stopSync()');
    const run = this._run;
    if (run) {
      run.killSync();
      this._clearRun(run);
    }
    this._removeExitHook();
    if (this._state !== 'idle' && this._state !== 'stopped') {
      this._setState('stopped');
      this.emit('stopped', { reason: 'stopSync', success: true, forced: Boolean(run) });
    }
  }

  // --- starting ----------------------------------------------------------------

  // A start's steps, serialised by Calls.beginStart (./calls.js): what is
  // left of an earlier run, the pid file, the port, the spawn, readiness.
  async _runStart(task, delayMs) {
    const { signal } = task.controller;
    const o = this._o;
    let run = null;
    try {
      // What is left of an earlier run goes first: never two backends.
      const previous = this._run;
      if (previous) {
        await abortable(previous.terminate(), signal);
        this._clearRun(previous);
      }
      if (delayMs > 0) await delay(delayMs, signal);
      if (signal.aborted) throw signal.reason;
      this.emit('starting', { attempt: task.attempt });
      if (o.pidFile) {
        await abortable(recoverPidFile(o.pidFile, { graceMs: o.stopTimeoutMs, log: this._log, name: o.name }), signal);
      }
      await abortable(this._observer.open(), signal);
      // A chosen port is held in-process until the Run releases it (./run.js).
      let port = o.port === false ? null : this._observer.selfPort() ? 0 : await choosePort(o, this._lastPort, signal);
      // Another process may take the chosen port before the backend binds
      // it: then (unless the port is pinned) another port, up to
      // PORT_ATTEMPTS spawns in all; not a crash, no back-off.
      const lost = [];
      for (;;) {
        if (signal.aborted) {
          if (port) port.release();
          throw signal.reason;
        }
        run = this._spawn(port);
        task.run = run;
        try {
          await this._launch(run, signal);
          break;
        } catch (err) {
          if (signal.aborted || lost.length + 1 >= PORT_ATTEMPTS || !mayTryAnotherPort(o, port, err)) throw err;
          lost.push(err.port);
          await run.terminate();
          this._clearRun(run);
          run = null;
          port = await choosePort(o, 0, signal, lost);
          this._log.warn(`[backend-warden] ${o.name}: ${err.message.split('\n')[0]}; trying port ${port.port} (attempt ${lost.length + 1} of ${PORT_ATTEMPTS})`);
          this.emit('portTaken', { port: err.port, holder: err.holder, attempt: lost.length, nextPort: port.port });
        }
      }
      run.readyAt = Date.now();
      this._startedAt = run.readyAt;
      this._lastError = null;
      // This start is over before anyone hears of it: a restart() or stop()
      // from a 'status' or 'ready' listener acts on the running backend
      // instead of joining (or aborting) a finished start.
      if (this._calls.startTask === task) this._calls.startTask = null;
      this._setState('running');
      const info = this._info(run);
      this._log.info(`[backend-warden] ${o.name}: ready at ${run.url || '(no port)'} (pid ${run.pid})`);
      this._observer.ready(run);
      this.emit('ready', info);
      return info;
    } catch (caught) {
      let err = caught;
      if (signal.aborted) {
        const reason = signal.reason;
        err = reason instanceof Error && reason.name === 'AbortError' ? reason : abortError(reason);
      }
      if (run) {
        await run.terminate();
        this._clearRun(run);
      }
      if (task.byStop) throw err; // stop() owns the state from here
      this._lastError = err ? plainError(err, 'ERR_BACKEND') : null;
      if (task.attempt > 0 && !signal.aborted) {
        this._background(err);
        this._afterCrash(run && run.exitInfo ? run.exitInfo : null);
      } else if (this._calls.startTask === task || this._calls.startTask === null) {
        this._log.error(`[backend-warden] ${o.name}: start failed: ${err.message}`);
        this._setState('stopped');
        this.emit('stopped', { reason: signal.aborted ? 'aborted' : 'start-failed', success: true, forced: false });
        this._removeExitHook();
      }
      throw err;
    }
  }

  // One spawn's way to ready: spawned, pid file, readiness, root alive.
  async _launch(run, signal) {
    await abortable(run.spawned, signal);
    this._observer.spawned(run);
    if (this._o.pidFile) await run.writePidFile();
    await waitReady(run, this._o, signal, this._observer);
    if (signal.aborted) throw signal.reason;
    // The port answered, but the root is gone (a server that daemonized,
    // or an exit the readiness race lost): never 'running' with a dead root.
    if (run.exitInfo) throw exitedWhileStarting(this._o.name, run.exitInfo);
  }

  _info(run) {
    return { url: run.url, port: run.port, pid: run.pid };
  }

  _spawn(port) {
    const run = new Run(this._o, port);
    this._observer.attach(run);
    run.on('stdout', (line) => this.emit('stdout', line));
    run.on('stderr', (line) => this.emit('stderr', line));
    run.on('error', (err) => this._background(err));
    run.once('exit', (exit) => this._onExit(run, exit));
    this._run = run;
    if (run.port !== null) this._lastPort = run.port;
    this._addExitHook();
    return run;
  }

  // --- exits, crashes and automatic restarts -----------------------------------

  _onExit(run, exit) {
    this._observer.exited(run, exit);
    this._lastExit = exit;
    this.emit('exit', { ...exit });
    if (run !== this._run || run.expected || this._state !== 'running') return;

    // The backend went away on its own.
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    this._lastError = { code: 'ERR_BACKEND_EXITED', message: `backend "${this._o.name}" ${how}` };
    this._log.warn(`[backend-warden] ${this._o.name}: ${this._lastError.message} after ${exit.uptimeMs} ms`);
    if (exit.code === 0 && !exit.signal) {
      // A clean exit is not a crash: no restart.
      this._setState('stopped');
      run.terminate().then(() => this._clearRun(run));
      this.emit('stopped', { reason: 'exit', success: true, forced: false });
      return;
    }
    this._policy.crashedAfter(run.readyAt, exit.at);
    this._afterCrash(exit);
  }

  // Restart with back-off, or give up: state crashed.
  _afterCrash(exit) {
    const now = Date.now();
    const delayMs = this._policy.next(now);
    const { restarts } = this._policy;
    if (delayMs === null) {
      this._setState('crashed');
      const run = this._run;
      if (run) run.terminate().then(() => this._clearRun(run));
      else this._removeExitHook();
      const details = { ...(exit || this._lastExit || { pid: null, code: null, signal: null, at: now, uptimeMs: 0, expected: false }), restarts, error: this._lastError };
      this._log.error(`[backend-warden] ${this._o.name}: crashed; ${this._policy.enabled ? `gave up after ${restarts} restarts` : 'restart is off'}`);
      // With logs, the crash's last lines are in the file before 'crashed'.
      this._observer.afterCrash(run, () => this.emit('crashed', details), () => this._state === 'crashed');
      return;
    }
    this._log.warn(`[backend-warden] ${this._o.name}: restarting in ${delayMs} ms (restart ${restarts})`);
    this._calls.beginStart({ attempt: restarts, delayMs });
    this.emit('restarting', { reason: (exit && exit.reason) || 'crash', attempt: restarts, delayMs, lastExit: exit });
  }

  // Failed liveness probes or the memory limit (./observe.js): the run is
  // ended and restarted through the restart policy, like a crash.
  _heal(run, cause) {
    if (run !== this._run || this._state !== 'running' || run.expected) return;
    const exit = this._observer.healExit(run, cause);
    this._lastError = exit.error;
    delete exit.error;
    this._log.warn(`[backend-warden] ${this._o.name}: ${this._lastError.message}; restarting`);
    this.emit(cause.reason, { pid: run.pid, ...(cause.reason === 'limit' ? exit.limit : exit.health) });
    run.expected = true; // its exit is ours, not a crash
    this._lastExit = exit;
    this._afterCrash(exit);
  }

  // Background failures have no promise to reject: 'error' when someone
  // listens, the logger otherwise (an unheard 'error' would end the app).
  _background(err) {
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else this._log.error(`[backend-warden] ${this._o.name}: ${err.message}`);
  }

  // --- stopping ------------------------------------------------------------------

  // A stop's steps, serialised by Calls.stop: the start in progress is
  // aborted, the tree terminated (shutdown request first when it was ready).
  async _runStop(task, reason) {
    const epoch = this._calls.epoch;
    this._setState('stopping');
    if (task) {
      this._calls.abortStart(task, `${reason}()`);
      await task.promise.catch(() => {});
    }
    const run = this._run || (task && task.run);
    let result = { success: true, forced: false };
    if (run) {
      result = await run.terminate({ shutdown: Boolean(run.readyAt) });
      this._clearRun(run);
    }
    this._startedAt = null;
    // The restart goes on to start, unless a stop() came in meanwhile.
    if (reason === 'restart' && epoch === this._calls.epoch) return result;
    this._setState('stopped');
    this._removeExitHook();
    await this._observer.close();
    this.emit('stopped', { reason: 'stop', ...result });
    return result;
  }

  _clearRun(run) {
    if (this._run !== run) return;
    this._run = null;
    if (!this._calls.startTask) this._removeExitHook();
  }

  // --- host exit -----------------------------------------------------------------

  _addExitHook() {
    if (!this._o.stopOnExit || this._exitHook) return;
    this._exitHook = () => this.stopSync();
    process.on('exit', this._exitHook);
  }

  _removeExitHook() {
    if (!this._exitHook) return;
    process.removeListener('exit', this._exitHook);
    this._exitHook = null;
  }

  // --- state -------------------------------------------------------------------------

  _setState(state) {
    if (this._state === state) return;
    if (!TRANSITIONS[this._state].includes(state)) {
      throw new Error(`backend-warden bug: no transition from state '${this._state}' to '${state}'`);
    }
    this._state = state;
    if (state !== 'running') this._observer.halt(this._run); // no probes while stopping or restarting
    this.emit('status', this.status()); // Backend's status()
  }

  _disposedError() {
    return codedError(Error, 'ERR_BACKEND_DISPOSED', `backend "${this._o.name}" was disposed`);
  }
}

module.exports = { Lifecycle, STATES, TRANSITIONS };
