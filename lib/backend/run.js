'use strict';
// One spawned backend (a Run): its process tree (spawnTree), the tail of
// its output, its exit and close, its termination — the shutdown request,
// then SIGTERM, the grace period and force — and its pid file. An event
// emitter: 'stdout' and 'stderr' (a line), 'exit' (the exit record),
// 'error' (a failure with no caller to reject: the pid file could not be
// written, the tree would not die). The Backend (./index.js) listens; a Run
// knows nothing of states or restarts.

const EventEmitter = require('events');

const { withTimeout } = require('../abort');
const { codedError } = require('../errors');
const { LineSplitter } = require('../lines');
const { holdFreePort, portOwner } = require('../ports');
const { spawnTree, bootId } = require('../tree');
const { request, urlOf } = require('./http');
const { describeHolder, ownerNamed, pinnedPortTaken } = require('./listener');
const { writePidFile, removePidFile, removePidFileSync } = require('./pid-file');

const TAIL_LINES = 20;

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

// The port for a new Run, held in-process (lib/ports.js) until the Run
// releases it (its readiness settled, or it exited): { port, release }. The
// preferred one (or the last one used) if it is free, else one in range or
// one the OS assigns — saying who holds the preferred one. Never one of
// exclude (ports an earlier attempt of this start lost). A pinned port
// (range [p, p]) that is taken rejects with EADDRINUSE. A start aborted
// meanwhile (signal) releases it and rejects.
async function choosePort(o, lastPort, signal, exclude = []) {
  const { host, port: spec, name } = o;
  ownerNamed(); // readiness will ask; find out while the backend spawns
  const preferred = spec.preferred || lastPort;
  const query = { host };
  if (preferred) query.port = preferred;
  if (spec.range) query.range = spec.range;
  if (exclude.length) query.exclude = exclude;
  const hold = await holdFreePort(query);
  const { port } = hold;
  const pinned = spec.range && spec.range[0] === spec.range[1] ? spec.range[0] : 0;
  if (pinned && port !== pinned) {
    hold.release();
    const owner = hold.preferredReserved ? null : await portOwner(pinned, { host, protocol: 'tcp' }).catch(() => null);
    throw pinnedPortTaken(o, pinned, owner, hold.preferredReserved);
  }
  if (preferred && port !== preferred && !exclude.includes(preferred)) {
    let who;
    if (hold.preferredReserved) who = 'another Backend of this process, which is starting on it';
    else who = describeHolder(await portOwner(preferred, { host, protocol: 'tcp' }).catch(() => null));
    o.logger.warn(`[backend-warden] ${name}: port ${preferred} is held by ${who}; using port ${port} instead`);
  }
  if (signal && signal.aborted) {
    hold.release();
    throw signal.reason;
  }
  return hold;
}

class Run extends EventEmitter {
  // o: the Backend's normalised options; port: the chosen port, as
  // choosePort's hold ({ port, release }: the Run releases it) or a number,
  // or null.
  constructor(o, port) {
    super();
    this._o = o;
    this._releasePort = null;
    if (port !== null && typeof port === 'object') {
      this._releasePort = port.release;
      port = port.port;
    }
    this._log = o.logger;
    this.port = port;
    this.url = port === null ? null : urlOf(o.host, port);
    this.pid = undefined;
    this.startTime = undefined;
    this.spawnedAt = Date.now();
    this.readyAt = 0;
    this.expected = false; // its exit is not a crash (a stop, a restart)
    this.closed = false;
    this.exitInfo = null;
    this.spawnFailed = false;
    this._killPromise = null;
    this._pidFileWritten = false;

    const env = { ...process.env };
    for (const [key, value] of Object.entries(o.env)) setEnv(env, key, value);
    if (port !== null && o.portEnv) setEnv(env, o.portEnv, String(port));
    const args = port === null ? o.args.slice() : o.args.map((a) => a.split('{port}').join(String(port)));
    const proc = spawnTree(o.command, args, {
      cwd: o.cwd, env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', graceMs: o.stopTimeoutMs,
      hostDeathGraceMs: o.hostDeathGraceMs,
    }, { memoryLimit: o.limits ? o.limits.memoryBytes : null });
    this.proc = proc;
    this.exited = new Promise((resolve) => { this._resolveExit = resolve; });
    this.closedPromise = new Promise((resolve) => { this._resolveClosed = resolve; });
    this.spawned = proc.spawned.then((s) => {
      this.pid = s.pid;
      this.startTime = s.startTime;
      return s;
    }, (err) => {
      this.spawnFailed = true;
      this.releasePort();
      throw err;
    });
    this.spawned.catch(() => {});

    this._lines = {};
    for (const stream of ['stdout', 'stderr']) {
      const source = proc[stream];
      if (!source) continue;
      const splitter = new LineSplitter((line) => {
        this._log.debug(`[backend-warden] ${o.name} ${stream}: ${line}`);
        this.emit(stream, line);
      }, { keep: TAIL_LINES });
      this._lines[stream] = splitter;
      source.on('data', (chunk) => splitter.write(chunk));
      source.on('end', () => splitter.end());
      source.on('error', () => {});
    }
    proc.on('error', (err) => this._log.warn(`[backend-warden] ${o.name}: ${err.message}`));
    proc.once('exit', (code, signal) => this._onExit(code, signal));
    proc.once('close', () => {
      this.releasePort();
      this.closed = true;
      this._resolveClosed();
    });
  }

  // The last lines the backend wrote: stderr if it wrote any, else stdout.
  tail() {
    const { stdout, stderr } = this._lines;
    if (stderr && stderr.tail().length) return stderr.tail();
    return stdout ? stdout.tail() : [];
  }

  // Ends the in-process hold on the port (choosePort), once: the backend
  // listens by now, or failed.
  releasePort() {
    const release = this._releasePort;
    this._releasePort = null;
    if (release) release();
  }

  _onExit(code, signal) {
    this.releasePort();
    const now = Date.now();
    this.exitInfo = {
      pid: this.pid === undefined ? null : this.pid,
      code: code === undefined ? null : code,
      signal: signal || null,
      at: now,
      uptimeMs: now - this.spawnedAt,
      expected: this.expected,
    };
    this._resolveExit(this.exitInfo);
    this.emit('exit', this.exitInfo);
  }

  // Ends the whole tree, once: concurrent callers share the sequence. With
  // shutdown (a run that was ready), the shutdown request goes first.
  terminate({ shutdown = false } = {}) {
    if (!this._killPromise) this._killPromise = this._kill(shutdown);
    return this._killPromise;
  }

  async _kill(shutdown) {
    const o = this._o;
    this.expected = true;
    try {
      await this.spawned;
    } catch {
      return { success: true, forced: false }; // never started: nothing to kill
    }
    const graceEnd = Date.now() + o.stopTimeoutMs;
    if (shutdown && o.shutdown && !this.exitInfo) {
      try {
        const { statusCode } = await request({
          host: o.host, port: this.port, path: o.shutdown.path, method: o.shutdown.method,
          timeoutMs: Math.max(1, Math.min(o.shutdown.timeoutMs, o.stopTimeoutMs)),
        });
        this._log.debug(`[backend-warden] ${o.name}: ${o.shutdown.method} ${o.shutdown.path} → HTTP ${statusCode}`);
      } catch (err) {
        this._log.debug(`[backend-warden] ${o.name}: shutdown request failed: ${err.message}`);
      }
      const left = graceEnd - Date.now();
      if (left > 0) await withTimeout(this.closedPromise, left, () => {});
    }
    if (this.closed) {
      await this.removePidFile();
      return { success: true, forced: false };
    }
    const graceMs = Math.max(0, graceEnd - Date.now());
    let timedOut = false;
    const result = await withTimeout(this.proc.kill({ signal: 'SIGTERM', graceMs }), graceMs + o.killTimeoutMs, () => {
      timedOut = true;
      return { killed: [], forced: true, survivors: this.pid === undefined ? [] : [this.pid] };
    });
    if (timedOut) {
      this.emit('error', codedError(Error, 'ETIMEDOUT',
        `ETIMEDOUT: backend "${o.name}" (pid ${this.pid}) was still not gone ${o.killTimeoutMs} ms after it was force-killed`));
    } else {
      await this.removePidFile();
    }
    if (result.forced) this._log.warn(`[backend-warden] ${o.name}: did not stop within ${o.stopTimeoutMs} ms; force-killed`);
    return { success: !timedOut && result.survivors.length === 0, forced: Boolean(result.forced) };
  }

  // Synchronous force-kill, for process.on('exit'); the pid file goes too.
  killSync() {
    this.expected = true;
    if (!this.closed && !this.spawnFailed) {
      try {
        this.proc.killSync();
      } catch (err) {
        this._log.error(`[backend-warden] ${this._o.name}: stopSync failed: ${err.message}`);
      }
    }
    this.removePidFileSync();
  }

  // --- pid file (options.pidFile) -------------------------------------------

  async writePidFile() {
    const o = this._o;
    const record = { pid: this.pid, startTime: this.startTime, bootId: (await bootId()) || undefined, port: this.port, name: o.name, command: o.command, host: process.pid };
    try {
      await writePidFile(o.pidFile, record);
      this._pidFileWritten = true;
    } catch (err) {
      this.emit('error', err);
    }
  }

  async removePidFile() {
    if (!this._pidFileWritten) return;
    this._pidFileWritten = false;
    await removePidFile(this._o.pidFile);
  }

  removePidFileSync() {
    if (!this._pidFileWritten) return;
    this._pidFileWritten = false;
    removePidFileSync(this._o.pidFile);
  }
}

module.exports = { Run, choosePort };
