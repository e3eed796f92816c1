'use strict';
// The Backend lifecycle state machine: one backend process tree per Backend,
// started, probed for readiness, restarted after crashes with back-off, and
// stopped gracefully first and by force when it must be. Every operation is
// serialised: concurrent start/restart/stop calls never spawn twice and never
// leave two backends, and stop() wins over a start or restart in progress.
//
// States: idle → starting → running → stopping → stopped, and crashed when
// automatic restarts gave up. Process trees, ports and firewall verdicts come
// from lib/tree.js, lib/ports.js and lib/firewall.js.

const EventEmitter = require('events');

const { normalizeOptions } = require('./options');
const { LineSplitter } = require('../lines');
const { recoverPidFile, writePidFile, removePidFile, removePidFileSync } = require('./pid-file');
const { request, waitForHttp, delay, urlOf, connectHost } = require('./http');
const {
  abortError, codedError, invalidArgValue,
  validateOptions, validateAbortSignal, validateString,
} = require('../errors');

const { spawnTree, bootId } = require('../tree');
const { findFreePort, portOwner, waitForPort } = require('../ports');
const { checkFirewall, firewallRule, firewallCommand } = require('../firewall');

const TAIL_LINES = 20;
// The Backend's normalised logger, for lib/ipc.js.
const kLogger = Symbol('backend-warden.logger');
const STATES = Object.freeze(['idle', 'starting', 'running', 'stopping', 'stopped', 'crashed']);

// Rejects with an AbortError as soon as `signal` aborts; otherwise settles
// like `promise`. Leaves no listener behind.
function abortable(promise, signal) {
  if (!signal) return promise;
  if (signal.aborted) {
    Promise.resolve(promise).catch(() => {});
    return Promise.reject(abortError(signal.reason));
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(promise).then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}

// Settles like `promise`, or resolves `onTimeout()` after `ms`; clears its
// timer either way.
function withTimeout(promise, ms, onTimeout) {
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(onTimeout()), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function plainError(err) {
  if (!err) return null;
  return { code: typeof err.code === 'string' ? err.code : 'ERR_BACKEND', message: String(err.message || err) };
}

function describeTail(lines) {
  return lines.length ? `\n--- last output of the backend ---\n${lines.join('\n')}` : '';
}

// Windows environment names are case-insensitive: setting PORT must replace an
// inherited "Port" rather than add a second variable.
function setEnv(env, key, value) {
  if (process.platform === 'win32') {
    const upper = key.toUpperCase();
    for (const k of Object.keys(env)) if (k !== key && k.toUpperCase() === upper) delete env[k];
  }
  if (value === undefined) delete env[key];
  else env[key] = value;
}

class Backend extends EventEmitter {
  constructor(options) {
    super();
    this._o = normalizeOptions(options);
    this._log = this._o.logger;
    this._state = 'idle';
    this._run = null; // the current process tree, see _spawn
    this._startTask = null; // a start (or automatic restart) in progress
    this._stopTask = null; // a stop in progress
    this._restartTask = null; // a requested restart in progress
    this._epoch = 0; // bumped by stop(): starts queued before it give up
    this._restarts = 0; // automatic restarts since the last start()/restart()
    this._restartTimes = []; // when they happened, for the windowMs limit
    this._lastPort = 0;
    this._startedAt = null;
    this._lastExit = null;
    this._lastError = null;
    this._exitHook = null;
    this._disposed = false;
  }

  get name() {
    return this._o.name;
  }

  get state() {
    return this._state;
  }

  get [kLogger]() {
    return this._log;
  }

  // --- public operations ---------------------------------------------------

  start(options) {
    let signal;
    try {
      options = validateOptions(options);
      for (const key of Object.keys(options)) {
        if (key !== 'signal') throw invalidArgValue(`options.${key}`, options[key], 'is not a known option');
      }
      signal = validateAbortSignal(options.signal);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this._disposed) return Promise.reject(this._disposedError());
    if (signal && signal.aborted) return Promise.reject(abortError(signal.reason));
    return this._ensureStarted(signal);
  }

  stop() {
    this._epoch++;
    return this._stopInternal('stop');
  }

  restart() {
    if (this._disposed) return Promise.reject(this._disposedError());
    if (this._restartTask) return this._restartTask;
    // A start in progress already brings up a fresh backend: join it.
    if (this._startTask && !this._stopTask && !this._startTask.controller.signal.aborted) {
      return this._startTask.promise.then((info) => ({ success: true, url: info.url }));
    }
    const epoch = this._epoch;
    const task = (async () => {
      if (this._run || this._stopTask) {
        this.emit('restarting', { reason: 'requested', attempt: 0, delayMs: 0, lastExit: this._lastExit });
        await this._stopInternal('restart');
      }
      if (epoch !== this._epoch) throw this._stoppedError('restart');
      const info = await this._ensureStarted();
      return { success: true, url: info.url };
    })().finally(() => {
      if (this._restartTask === task) this._restartTask = null;
    });
    this._restartTask = task;
    return task;
  }

  // Synchronous force-kill of the whole tree, for process.on('exit') and
  // Electron's will-quit, where nothing asynchronous runs any more.
  stopSync() {
    this._epoch++;
    const task = this._startTask;
    if (task) this._abortTask(task, 'stopSync()');
    const run = this._run;
    if (run) {
      run.expected = true;
      if (!run.closed && !run.spawnFailed) {
        try {
          run.proc.killSync();
        } catch (err) {
          this._log.error(`[backend-warden] ${this.name}: stopSync failed: ${err.message}`);
        }
      }
      this._removePidFileSync(run);
      this._clearRun(run);
    }
    this._removeExitHook();
    if (this._state !== 'idle' && this._state !== 'stopped') {
      this._setState('stopped');
      this.emit('stopped', { reason: 'stopSync', success: true, forced: Boolean(run) });
    }
  }

  // Stops the backend and refuses further starts.
  async dispose() {
    this._disposed = true;
    const result = await this.stop();
    this._removeExitHook();
    return result;
  }

  status() {
    const run = this._run;
    const running = this._state === 'running';
    return {
      name: this._o.name,
      state: this._state,
      running,
      pid: run && run.pid !== undefined ? run.pid : null,
      port: run && run.port !== null ? run.port : null,
      url: running ? run.url : null,
      restarts: this._restarts,
      startedAt: running ? this._startedAt : null,
      uptimeMs: running ? Date.now() - this._startedAt : 0,
      lastExit: this._lastExit ? { ...this._lastExit } : null,
      lastError: this._lastError ? { ...this._lastError } : null,
    };
  }

  // --- firewall --------------------------------------------------------------

  _firewallPort() {
    if (this._run && this._run.port !== null) return this._run.port;
    if (this._o.port === false) return undefined;
    return this._lastPort || this._o.port.preferred || undefined;
  }

  checkFirewall() {
    const query = { program: this._o.command, protocol: 'tcp', host: this._o.host };
    const port = this._firewallPort();
    if (port !== undefined) query.port = port;
    return checkFirewall(query);
  }

  getFirewallRule(options) {
    try {
      const name = ruleName(options);
      return firewallRule(name === undefined ? { program: this._o.command } : { name });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  getFirewallCommand(options) {
    const name = ruleName(options);
    const query = { name: name === undefined ? this._o.name : name, program: this._o.command, protocol: 'tcp' };
    const port = this._firewallPort();
    if (port !== undefined) query.port = port;
    return firewallCommand(query);
  }

  // --- starting ----------------------------------------------------------------

  _ensureStarted(signal) {
    if (this._stopTask) {
      // Start after the stop in progress, unless another stop() comes first.
      const epoch = this._epoch;
      return this._stopTask.then(() => this._startAfter(epoch, signal));
    }
    if (this._state === 'running' && this._run) return Promise.resolve(this._info(this._run));
    if (this._startTask) {
      if (!this._startTask.controller.signal.aborted) return this._withSignal(this._startTask.promise, signal);
      // Someone's signal aborted that start: start afresh once it has cleaned up.
      const epoch = this._epoch;
      return this._startTask.promise.catch(() => {}).then(() => this._startAfter(epoch, signal));
    }
    this._restarts = 0;
    this._restartTimes = [];
    return this._withSignal(this._beginStart({ attempt: 0, delayMs: 0 }).promise, signal);
  }

  _startAfter(epoch, signal) {
    if (epoch !== this._epoch) throw this._stoppedError('start');
    if (signal && signal.aborted) throw abortError(signal.reason);
    if (this._disposed) throw this._disposedError();
    return this._ensureStarted(signal);
  }

  // A caller's AbortSignal aborts the start it is waiting for.
  _withSignal(promise, signal) {
    if (!signal) return promise;
    const task = this._startTask;
    const onAbort = () => {
      if (task && this._startTask === task) this._abortTask(task, signal.reason, false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const remove = () => signal.removeEventListener('abort', onAbort);
    return promise.then((v) => { remove(); return v; }, (e) => { remove(); throw e; });
  }

  _abortTask(task, reason, byStop = true) {
    if (task.controller.signal.aborted) return;
    task.byStop = byStop;
    task.controller.abort(byStop ? this._stoppedError('start', reason) : abortError(reason));
  }

  _beginStart({ attempt, delayMs }) {
    const task = { controller: new AbortController(), promise: null, run: null, byStop: false, attempt };
    this._startTask = task;
    this._setState('starting');
    task.promise = this._runStart(task, delayMs).finally(() => {
      if (this._startTask === task) this._startTask = null;
    });
    // Automatic restarts have no caller; their failures are handled in _runStart.
    if (attempt > 0) task.promise.catch(() => {});
    return task;
  }

  async _runStart(task, delayMs) {
    const { signal } = task.controller;
    const o = this._o;
    let run = null;
    try {
      // What is left of an earlier run goes first: never two backends.
      const previous = this._run;
      if (previous) {
        await abortable(this._terminate(previous), signal);
        this._clearRun(previous);
      }
      if (delayMs > 0) await delay(delayMs, signal);
      if (signal.aborted) throw signal.reason;
      this.emit('starting', { attempt: task.attempt });
      if (o.pidFile) {
        await abortable(recoverPidFile(o.pidFile, { graceMs: o.stopTimeoutMs, log: this._log, name: o.name }), signal);
      }
      const port = o.port === false ? null : await abortable(this._choosePort(), signal);
      if (signal.aborted) throw signal.reason;
      run = this._spawn(port);
      task.run = run;
      await abortable(run.spawned, signal);
      if (o.pidFile) await this._writePidFile(run);
      await this._waitReady(run, signal);
      if (signal.aborted) throw signal.reason;
      run.readyAt = Date.now();
      this._startedAt = run.readyAt;
      this._lastError = null;
      this._setState('running');
      const info = this._info(run);
      this._log.info(`[backend-warden] ${o.name}: ready at ${run.url || '(no port)'} (pid ${run.pid})`);
      this.emit('ready', info);
      return info;
    } catch (caught) {
      let err = caught;
      if (signal.aborted) {
        const reason = signal.reason;
        err = reason instanceof Error && reason.name === 'AbortError' ? reason : abortError(reason);
      }
      if (run) {
        await this._terminate(run);
        this._clearRun(run);
      }
      if (task.byStop) throw err; // stop() owns the state from here
      this._lastError = plainError(err);
      if (task.attempt > 0 && !signal.aborted) {
        this._background(err);
        this._afterCrash(run && run.exitInfo ? run.exitInfo : null);
      } else if (this._startTask === task || this._startTask === null) {
        this._log.error(`[backend-warden] ${o.name}: start failed: ${err.message}`);
        this._setState('stopped');
        this.emit('stopped', { reason: signal.aborted ? 'aborted' : 'start-failed', success: true, forced: false });
        this._removeExitHook();
      }
      throw err;
    }
  }

  _info(run) {
    return { url: run.url, port: run.port, pid: run.pid };
  }

  async _choosePort() {
    const { host, port: spec, name } = this._o;
    const preferred = spec.preferred || this._lastPort;
    const query = { host };
    if (preferred) query.port = preferred;
    if (spec.range) query.range = spec.range;
    const port = await findFreePort(query);
    if (preferred && port !== preferred) {
      const owner = await portOwner(preferred, { host, protocol: 'tcp' }).catch(() => null);
      let who = 'another process';
      if (owner && owner.pid) who = `${owner.name || 'a process'} (pid ${owner.pid})`;
      else if (owner) who = 'a process the system does not name (another user\'s, or hidden by the OS)';
      this._log.warn(`[backend-warden] ${name}: port ${preferred} is held by ${who}; using port ${port} instead`);
    }
    return port;
  }

  _spawn(port) {
    const o = this._o;
    const env = { ...process.env };
    for (const [key, value] of Object.entries(o.env)) setEnv(env, key, value);
    if (port !== null && o.portEnv) setEnv(env, o.portEnv, String(port));
    const args = port === null ? o.args.slice() : o.args.map((a) => a.split('{port}').join(String(port)));

    const proc = spawnTree(o.command, args, {
      cwd: o.cwd, env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', graceMs: o.stopTimeoutMs,
      hostDeathGraceMs: o.hostDeathGraceMs,
    });
    const run = {
      proc,
      pid: undefined,
      startTime: undefined,
      port,
      url: port === null ? null : urlOf(o.host, port),
      spawnedAt: Date.now(),
      readyAt: 0,
      expected: false,
      closed: false,
      exitInfo: null,
      killPromise: null,
      pidFileWritten: false,
      spawnFailed: false,
      output: [],
    };
    run.exited = new Promise((resolve) => { run.resolveExit = resolve; });
    run.closedPromise = new Promise((resolve) => { run.resolveClosed = resolve; });
    run.spawned = proc.spawned.then((s) => {
      run.pid = s.pid;
      run.startTime = s.startTime;
      return s;
    }, (err) => {
      run.spawnFailed = true;
      throw err;
    });
    run.spawned.catch(() => {});

    for (const stream of ['stdout', 'stderr']) {
      const source = proc[stream];
      if (!source) continue;
      const splitter = new LineSplitter((line) => {
        run.output.push(line);
        if (run.output.length > TAIL_LINES) run.output.shift();
        this._log.debug(`[backend-warden] ${o.name} ${stream}: ${line}`);
        this.emit(stream, line);
      }, { keep: TAIL_LINES });
      run[stream] = splitter;
      source.on('data', (chunk) => splitter.write(chunk));
      source.on('end', () => splitter.end());
      source.on('error', () => {});
    }
    proc.on('error', (err) => this._log.warn(`[backend-warden] ${o.name}: ${err.message}`));
    proc.once('exit', (code, signal) => this._onExit(run, code, signal));
    proc.once('close', () => {
      run.closed = true;
      run.resolveClosed();
    });

    this._run = run;
    if (port !== null) this._lastPort = port;
    this._addExitHook();
    return run;
  }

  // The last lines the backend wrote: stderr if it wrote any, else stdout.
  _tail(run) {
    if (run.stderr && run.stderr.tail().length) return run.stderr.tail();
    return run.stdout ? run.stdout.tail() : [];
  }

  async _waitReady(run, signal) {
    const o = this._o;
    const r = o.readiness;
    if (!r) return;
    const probeController = new AbortController();
    let rejectAbort;
    const aborted = new Promise((resolve, reject) => { rejectAbort = reject; });
    aborted.catch(() => {});
    const onAbort = () => {
      probeController.abort(signal.reason);
      rejectAbort(abortError(signal.reason));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const deadline = Date.now() + r.timeoutMs;
    const target = `${run.url}${r.path || ''}`;
    const probe = (async () => {
      await waitForPort(run.port, { host: connectHost(o.host), timeoutMs: r.timeoutMs, signal: probeController.signal });
      if (r.path) {
        await waitForHttp({ host: o.host, port: run.port, path: r.path, deadline, signal: probeController.signal });
      }
    })();
    // A backend that dies before it is ready fails the start at once.
    const died = run.exited.then(async (exit) => {
      await withTimeout(run.closedPromise, 2000, () => {}); // let the last output arrive
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      const err = codedError(Error, 'ERR_BACKEND_EXITED',
        `backend "${o.name}" ${how} before it was ready${describeTail(this._tail(run))}`);
      err.exitCode = exit.code;
      err.signal = exit.signal;
      err.output = this._tail(run).join('\n');
      throw err;
    });
    try {
      await Promise.race([probe, died, aborted]);
    } catch (err) {
      if (err.code === 'ETIMEDOUT') {
        const detail = err.last ? `last answer: ${err.last}` : 'the port never accepted a connection';
        const e = codedError(Error, 'ETIMEDOUT',
          `ETIMEDOUT: backend "${o.name}" was not ready at ${target} within ${r.timeoutMs} ms` +
          ` (${detail})${describeTail(this._tail(run))}`);
        e.cause = err;
        e.output = this._tail(run).join('\n');
        throw e;
      }
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      probeController.abort();
      probe.catch(() => {});
      died.catch(() => {});
    }
  }

  // --- exits, crashes and automatic restarts -----------------------------------

  _onExit(run, code, signal) {
    const now = Date.now();
    const exit = {
      pid: run.pid === undefined ? null : run.pid,
      code: code === undefined ? null : code,
      signal: signal || null,
      at: now,
      uptimeMs: now - run.spawnedAt,
      expected: run.expected,
    };
    run.exitInfo = exit;
    this._lastExit = exit;
    run.resolveExit(exit);
    this.emit('exit', { ...exit });
    if (run !== this._run || run.expected || this._state !== 'running') return;

    // The backend went away on its own.
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    this._lastError = { code: 'ERR_BACKEND_EXITED', message: `backend "${this._o.name}" ${how}` };
    this._log.warn(`[backend-warden] ${this._o.name}: ${this._lastError.message} after ${exit.uptimeMs} ms`);
    if (exit.code === 0 && !exit.signal) {
      // A clean exit is not a crash: no restart.
      this._setState('stopped');
      this._terminate(run).then(() => this._clearRun(run));
      this.emit('stopped', { reason: 'exit', success: true, forced: false });
      return;
    }
    // A backend that stayed up longer than windowMs starts a fresh count.
    if (this._o.restart && run.readyAt && now - run.readyAt > this._o.restart.windowMs) this._restartTimes = [];
    this._afterCrash(exit);
  }

  // Restart with back-off, or give up: state crashed.
  _afterCrash(exit) {
    const policy = this._o.restart;
    const now = Date.now();
    if (policy) this._restartTimes = this._restartTimes.filter((t) => now - t <= policy.windowMs);
    if (!policy || this._restartTimes.length >= policy.maxRestarts) {
      this._setState('crashed');
      const run = this._run;
      if (run) this._terminate(run).then(() => this._clearRun(run));
      else this._removeExitHook();
      const details = { ...(exit || this._lastExit || { pid: null, code: null, signal: null, at: now, uptimeMs: 0, expected: false }), restarts: this._restarts, error: this._lastError };
      this._log.error(`[backend-warden] ${this._o.name}: crashed; ${policy ? `gave up after ${this._restarts} restarts` : 'restart is off'}`);
      this.emit('crashed', details);
      return;
    }
    const delayMs = Math.min(policy.backoffMs * 2 ** this._restartTimes.length, policy.maxBackoffMs);
    this._restartTimes.push(now);
    this._restarts++;
    this._log.warn(`[backend-warden] ${this._o.name}: restarting in ${delayMs} ms (restart ${this._restarts})`);
    const task = this._beginStart({ attempt: this._restarts, delayMs });
    this.emit('restarting', { reason: 'crash', attempt: this._restarts, delayMs, lastExit: exit });
    return task;
  }

  // Background failures have no promise to reject: 'error' when someone
  // listens, the logger otherwise (an unheard 'error' would end the app).
  _background(err) {
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else this._log.error(`[backend-warden] ${this._o.name}: ${err.message}`);
  }

  // --- stopping ------------------------------------------------------------------

  _stopInternal(reason) {
    if (this._stopTask) return this._stopTask;
    const task = this._startTask;
    const run = this._run;
    if (!task && !run) {
      this._removeExitHook();
      if (this._state === 'crashed' && reason === 'stop') {
        this._setState('stopped');
      }
      return Promise.resolve({ success: true, forced: false });
    }
    const p = this._runStop(task, reason).finally(() => {
      if (this._stopTask === p) this._stopTask = null;
    });
    this._stopTask = p;
    return p;
  }

  async _runStop(task, reason) {
    const epoch = this._epoch;
    this._setState('stopping');
    if (task) {
      this._abortTask(task, `${reason}()`);
      await task.promise.catch(() => {});
    }
    const run = this._run || (task && task.run);
    let result = { success: true, forced: false };
    if (run) {
      result = await this._terminate(run, { shutdown: Boolean(run.readyAt) });
      this._clearRun(run);
    }
    this._startedAt = null;
    // The restart goes on to start, unless a stop() came in meanwhile.
    if (reason === 'restart' && epoch === this._epoch) return result;
    this._setState('stopped');
    this._removeExitHook();
    this.emit('stopped', { reason: 'stop', ...result });
    return result;
  }

  // Ends a run's whole tree, once: concurrent callers share the sequence.
  _terminate(run, { shutdown = false } = {}) {
    if (!run.killPromise) run.killPromise = this._killRun(run, shutdown);
    return run.killPromise;
  }

  async _killRun(run, shutdown) {
    const o = this._o;
    run.expected = true;
    try {
      await run.spawned;
    } catch {
      return { success: true, forced: false }; // never started: nothing to kill
    }
    const graceEnd = Date.now() + o.stopTimeoutMs;
    if (shutdown && o.shutdown && !run.exitInfo) {
      try {
        const { statusCode } = await request({
          host: o.host, port: run.port, path: o.shutdown.path, method: o.shutdown.method,
          timeoutMs: Math.max(1, Math.min(o.shutdown.timeoutMs, o.stopTimeoutMs)),
        });
        this._log.debug(`[backend-warden] ${o.name}: ${o.shutdown.method} ${o.shutdown.path} → HTTP ${statusCode}`);
      } catch (err) {
        this._log.debug(`[backend-warden] ${o.name}: shutdown request failed: ${err.message}`);
      }
      const left = graceEnd - Date.now();
      if (left > 0) await withTimeout(run.closedPromise, left, () => {});
    }
    if (run.closed) {
      await this._removePidFile(run);
      return { success: true, forced: false };
    }
    const graceMs = Math.max(0, graceEnd - Date.now());
    let timedOut = false;
    const result = await withTimeout(run.proc.kill({ signal: 'SIGTERM', graceMs }), graceMs + o.killTimeoutMs, () => {
      timedOut = true;
      return { killed: [], forced: true, survivors: run.pid === undefined ? [] : [run.pid] };
    });
    if (timedOut) {
      this._background(codedError(Error, 'ETIMEDOUT',
        `ETIMEDOUT: backend "${o.name}" (pid ${run.pid}) was still not gone ${o.killTimeoutMs} ms after it was force-killed`));
    } else {
      await this._removePidFile(run);
    }
    if (result.forced) this._log.warn(`[backend-warden] ${o.name}: did not stop within ${o.stopTimeoutMs} ms; force-killed`);
    return { success: !timedOut && result.survivors.length === 0, forced: Boolean(result.forced) };
  }

  _clearRun(run) {
    if (this._run !== run) return;
    this._run = null;
    if (!this._startTask) this._removeExitHook();
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

  // --- pid file --------------------------------------------------------------------

  async _writePidFile(run) {
    const record = { pid: run.pid, startTime: run.startTime, bootId: (await bootId()) || undefined, port: run.port, name: this._o.name, command: this._o.command, host: process.pid };
    try {
      await writePidFile(this._o.pidFile, record);
      run.pidFileWritten = true;
    } catch (err) {
      this._background(err);
    }
  }

  async _removePidFile(run) {
    if (!run.pidFileWritten) return;
    run.pidFileWritten = false;
    await removePidFile(this._o.pidFile);
  }

  _removePidFileSync(run) {
    if (!run.pidFileWritten) return;
    run.pidFileWritten = false;
    removePidFileSync(this._o.pidFile);
  }

  // --- state -------------------------------------------------------------------------

  _setState(state) {
    if (this._state === state) return;
    this._state = state;
    this.emit('status', this.status());
  }

  _stoppedError(what, reason) {
    const err = abortError(reason);
    err.message = `${what}() was aborted by ${typeof reason === 'string' ? reason : 'stop()'}`;
    return err;
  }

  _disposedError() {
    return codedError(Error, 'ERR_BACKEND_DISPOSED', `backend "${this._o.name}" was disposed`);
  }
}

function ruleName(options) {
  options = validateOptions(options);
  for (const key of Object.keys(options)) {
    if (key !== 'name') throw invalidArgValue(`options.${key}`, options[key], 'is not a known option');
  }
  if (options.name === undefined) return undefined;
  return validateString(options.name, 'options.name', { maxLength: 256 });
}

Backend.STATES = STATES;

module.exports = { Backend, STATES, kLogger };
