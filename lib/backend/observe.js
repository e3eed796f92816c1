'use strict';
// What a Backend watches besides readiness: its output into rotating log
// files (logs.js), liveness probes (health.js) and the memory limit (the
// usage sampler, lib/usage.js). The Backend calls one hook per lifecycle
// step; when a probe gives up or the limit is exceeded this calls
// heal(run, cause) and the Backend restarts through its restart policy.

const { LogFile, normalizeLogs } = require('./logs');
const { HealthMonitor, normalizeHealth } = require('./health');
const { UsageSampler } = require('../usage');
const { waitForOutput } = require('./readiness-output');
const { urlOf } = require('./http');
const { invalidArgType, invalidArgValue, codedError } = require('../errors');
const { validateInteger } = require('../validate');

const LIMIT_KEYS = ['memoryBytes', 'intervalMs'];
const SETTLE_MS = 2000; // how long to wait for a dead backend's last output

// options.limits → { memoryBytes, intervalMs } or null.
function normalizeLimits(value) {
  if (value === undefined || value === null || value === false) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgType('options.limits', 'of type object', value);
  for (const key of Object.keys(value)) {
    if (!LIMIT_KEYS.includes(key)) throw invalidArgValue(`options.limits.${key}`, value[key], 'is not a known option');
  }
  if (value.memoryBytes === undefined) throw invalidArgType('options.limits.memoryBytes', 'of type number', undefined);
  const memoryBytes = validateInteger(value.memoryBytes, 'options.limits.memoryBytes', 1024 * 1024, Number.MAX_SAFE_INTEGER);
  const intervalMs = value.intervalMs === undefined ? 5000 : validateInteger(value.intervalMs, 'options.limits.intervalMs', 10, 2147483647);
  return { memoryBytes, intervalMs };
}

// { logs, health, limits } of the Backend's options, normalized.
function normalizeObserve(options, hasPort) {
  return {
    logs: normalizeLogs(options.logs),
    health: normalizeHealth(options.health, hasPort),
    limits: normalizeLimits(options.limits),
  };
}

// A Windows backend's job accounting (lib/tree/job-win.js), or null.
function jobUsageOf(run) {
  return run.proc && typeof run.proc.jobUsage === 'function' ? run.proc.jobUsage() : null;
}

// Where the backend's members that the root's parent links miss are found
// (lib/usage.js UsageSampler.sample): the PIDs in a Windows backend's job,
// or the supervisor's descendants on Linux and macOS.
function moreMembersOf(run) {
  const proc = run.proc;
  if (!proc) return undefined;
  if (typeof proc.jobPids === 'function') return { jobPids: () => proc.jobPids() };
  if (proc.supervisorPid) return { supervisorPid: proc.supervisorPid };
  return undefined;
}

class Observer {
  // o: { name, host, logs, health, limits }; heal(run, cause); log: the
  // Backend's logger.
  constructor(o, heal, log) {
    this._o = o;
    this._heal = heal;
    this._log = log;
    this._file = null;
  }

  get logFile() {
    return this._file ? this._file.path : null;
  }

  // Before the first spawn of a start(): the log file. Rejects with the
  // OS's code (EACCES, ENOENT, ENOTDIR) naming the path.
  async open() {
    if (!this._o.logs || this._file) return;
    const file = new LogFile(this._o.logs, this._o.name);
    await file.open();
    this._file = file;
  }

  // readiness { stdout } with a capture group and port 0 (no range): the
  // backend binds a port of its own and says which; nothing is chosen.
  selfPort() {
    const r = this._o.readiness;
    const p = this._o.port;
    return Boolean(r && r.stdout && r.stdout.captures > 0 && p && p.preferred === 0 && !p.range);
  }

  // A new Run (an EventEmitter of 'stdout' and 'stderr' lines): its lines
  // go to the log file, and stdout to readiness { stdout } waiters.
  attach(run) {
    run.stdoutSeen = [];
    run.lineListeners = new Set();
    run.on('stdout', (line) => {
      if (this._file) this._file.write('stdout', line);
      run.stdoutSeen.push(line);
      if (run.stdoutSeen.length > 20) run.stdoutSeen.shift();
      for (const fn of run.lineListeners) fn(line);
    });
    run.on('stderr', (line) => {
      if (this._file) this._file.write('stderr', line);
    });
  }

  // The run's root exited: no more probes; a healed run's exit record says
  // why (reason and figures).
  exited(run, exit) {
    this.halt(run);
    if (run.heal) Object.assign(exit, run.heal);
  }

  // readiness { stdout }: resolves at the first matching line (the lines
  // already seen first); a capture sets the run's port and URL.
  async waitForLine(run, stdout, deadline, signal) {
    const { address } = await waitForOutput({
      stdout, deadline, signal,
      earlier: run.stdoutSeen.slice(),
      subscribe: (fn) => {
        run.lineListeners.add(fn);
        return () => run.lineListeners.delete(fn);
      },
    });
    if (address) {
      run.port = address.port;
      run.url = address.url || urlOf(this._o.host, address.port);
    }
  }

  note(text) {
    if (this._file) this._file.write('warden', text);
  }

  spawned(run) {
    run.usage = new UsageSampler();
    this.note(`started pid ${run.pid}${run.port ? ` on port ${run.port}` : ''}`);
  }

  // The run passed readiness: start probing it and watching its memory.
  ready(run) {
    const h = this._o.health;
    if (h) {
      const m = new HealthMonitor(h, { host: this._o.host, port: run.port });
      run.health = m;
      m.on('unhealthy', ({ failures, last }) => {
        this.note(`unhealthy after ${failures} failed probes (last: ${last})`);
        this._heal(run, { reason: 'unhealthy', failures, last });
      });
      m.start();
    }
    const l = this._o.limits;
    if (l) this._watchMemory(run, l);
  }

  // limits.memoryBytes. Windows: the job object enforces it for the whole
  // tree (JOB_OBJECT_LIMIT_JOB_MEMORY: the kernel refuses the allocation)
  // and its message heals at once. Everywhere: the sampler compares the
  // tree's resident memory every intervalMs — the only enforcement on
  // Linux and macOS, a backstop on Windows where the kernel does not
  // enforce job limits (Wine).
  _watchMemory(run, l) {
    const over = (cause) => {
      if (run.halted) return;
      const used = cause.source === 'job' ? cause.committedBytes : cause.rssBytes;
      this.note(`memory ${used} bytes over the limit of ${l.memoryBytes} (${cause.source})`);
      this._heal(run, { reason: 'limit', memoryBytes: l.memoryBytes, ...cause });
    };
    if (run.proc && typeof run.proc.jobUsage === 'function') {
      run.proc.on('memoryLimit', () => {
        let job = null;
        try {
          job = jobUsageOf(run);
        } catch { /* the job is closing: no figure */ }
        const committed = job ? job.memoryAtLimitBytes || job.peakMemoryBytes : 0;
        over({ rssBytes: null, committedBytes: committed > 0 ? committed : null, source: 'job' });
      });
    }
    const sampler = new UsageSampler();
    const tick = async () => {
      run.limitTimer = null;
      let u = null;
      try {
        u = await sampler.sample(run.pid, run.startTime, undefined, moreMembersOf(run));
      } catch { /* gone: the exit handler takes over */ }
      if (run.halted) return;
      if (u && u.rssBytes > l.memoryBytes) {
        over({ rssBytes: u.rssBytes, source: 'sampler' });
        return;
      }
      run.limitTimer = setTimeout(tick, l.intervalMs);
      run.limitTimer.unref();
    };
    run.limitTimer = setTimeout(tick, l.intervalMs);
    run.limitTimer.unref();
  }

  // Stopping, restarting or gone: no more probes or samples for this run.
  halt(run) {
    if (!run || run.halted) return;
    run.halted = true;
    if (run.health) run.health.stop();
    clearTimeout(run.limitTimer);
  }

  // Before 'crashed' (and a restart's 'restarting'): the run's last output
  // has arrived and is in the file.
  async settle(run) {
    if (!this._file) return;
    if (run && run.closedPromise) {
      let timer;
      await Promise.race([run.closedPromise, new Promise((r) => { timer = setTimeout(r, SETTLE_MS); })]);
      clearTimeout(timer);
    }
    await this._file.flush();
  }

  // The exit record of a healed run: why, with the figures, and the error.
  healExit(run, cause) {
    const now = Date.now();
    const { reason, ...details } = cause;
    run.heal = reason === 'limit' ? { reason, limit: details } : { reason, health: details };
    const message = reason === 'limit'
      ? details.source === 'job'
        ? `backend "${this._o.name}" reached its job's memory limit of ${details.memoryBytes} bytes (committed: ${details.committedBytes ?? 'unknown'}); Windows refused the allocation`
        : `backend "${this._o.name}" used ${details.rssBytes} bytes of memory, over the limit of ${details.memoryBytes}`
      : `backend "${this._o.name}" failed ${details.failures} liveness probes in a row (last: ${details.last})`;
    return {
      pid: run.pid, code: null, signal: null, at: now, uptimeMs: now - run.spawnedAt, expected: false, ...run.heal,
      error: { code: reason === 'limit' ? 'ERR_BACKEND_LIMIT' : 'ERR_BACKEND_UNHEALTHY', message },
    };
  }

  // The Backend gave up: emit() 'crashed' — with logs, once the crash's
  // last lines are in the file — then close the file if still crashed().
  afterCrash(run, emit, crashed) {
    if (!this._file) {
      emit();
      return;
    }
    this.note('crashed');
    this.settle(run).then(emit).then(() => (crashed() ? this.close() : undefined)).catch(() => {});
  }

  // stop(), dispose() or crashed: the file is flushed and closed (a later
  // start() opens it again).
  async close() {
    const file = this._file;
    this._file = null;
    if (file) await file.close();
  }

  health(run) {
    if (!this._o.health) return null;
    if (run && run.health) return run.health.status;
    return { ok: null, failures: 0, lastCheckAt: null };
  }

  async usage(run, name) {
    if (!run || run.pid === undefined || run.exitInfo) {
      throw codedError(Error, 'ERR_BACKEND_NOT_RUNNING', `backend "${name}" is not running`);
    }
    return run.usage.sample(run.pid, run.startTime, () => jobUsageOf(run), moreMembersOf(run));
  }
}

module.exports = { Observer, normalizeObserve, normalizeLimits };
