// @ts-check
'use strict';
// SupervisedProcess on Linux and macOS: the backend runs under
// backend_warden_supervisor (binding/supervisor/), which Node itself spawns
// from the JS thread (so PR_SET_PDEATHSIG follows a thread that lives as
// long as the host). The supervisor puts the backend in its own process
// group, reports over a control socket on descriptor 3, and tears the whole
// tree down on request, on host death, or when the root exits. The
// backend's stdout/stderr are the supervisor's own pipes, unchanged.

const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const { binding } = require('../native');
const { LineSplitter } = require('../lines');
const { signalName, signalNumber, errnoCode } = require('./signals');
const { SupervisedBase, spawnError, EMPTY_RESULT } = require('./supervised-base');

const SUPERVISOR = 'backend_warden_supervisor';

function supervisorPath() {
  return path.join(path.dirname(binding().path), SUPERVISOR);
}

function parsePids(field) {
  return field === '-' || field === undefined ? [] : field.split(',').map(Number);
}

class SupervisedProcess extends SupervisedBase {
  constructor(command, args, opts) {
    super(command, opts.graceMs);
    const sup = supervisorPath();
    let failure = null;
    try {
      fs.accessSync(sup, fs.constants.X_OK);
    } catch (err) {
      failure = spawnError(err.code, command, {
        detail: `the supervisor ${sup} is missing or not executable; rebuild with "npm rebuild backend-warden"`,
      });
    }
    if (failure) {
      this.stdin = this.stdout = this.stderr = null;
      this._child = null;
      this._spawnFailed(failure);
      return;
    }

    let child;
    try {
      child = spawn(sup, [String(process.pid), String(opts.graceMs), String(opts.hostDeathGraceMs), command, ...args], {
        cwd: opts.cwd,
        env: opts.env,
        stdio: [opts.stdin, opts.stdout, opts.stderr, 'pipe'],
        windowsHide: true,
      });
    } catch (err) {
      // child_process throws (rather than emitting 'error') for E2BIG,
      // ENAMETOOLONG and the like: report it through `spawned` all the same.
      this.stdin = this.stdout = this.stderr = null;
      this._child = null;
      this._spawnFailed(spawnError(err.code || 'EINVAL', command, { errno: err.errno, detail: `starting the supervisor ${sup}: ${err.message}` }));
      return;
    }
    this._child = child;
    // The supervisor's own PID (it carries the backend's environment too).
    this.supervisorPid = child.pid;
    this.stdin = child.stdin;
    this.stdout = child.stdout;
    this.stderr = child.stderr;
    let spawnSettled = false;
    let closedLine = null;

    // Control lines (binding/supervisor/protocol.h): spawned, error, exit, closed.
    const ctl = child.stdio[3];
    const lines = new LineSplitter((line) => {
      const [kind, a, b, c] = line.split(' ');
      if (kind === 'spawned') {
        spawnSettled = true;
        this._spawnSucceeded(Number(a), Number(b));
        this.emit('spawn');
      } else if (kind === 'error') {
        spawnSettled = true;
        const n = Number(a);
        this._rejectSpawned(spawnError(errnoCode(n), command, { errno: -n }));
      } else if (kind === 'exit') {
        const sig = Number(b);
        this.exitCode = sig ? null : Number(a);
        this.signalCode = sig ? signalName(sig) : null;
        this.emit('exit', this.exitCode, this.signalCode);
      } else if (kind === 'closed') {
        closedLine = { killed: parsePids(b), forced: a === '1', survivors: parsePids(c), complete: line.split(' ')[4] === '1' };
      }
    }, { keep: 0, maxLine: Infinity });
    ctl.on('data', (chunk) => lines.write(chunk));
    ctl.on('error', () => {}); // EPIPE/ECONNRESET when the supervisor is gone

    child.on('error', (/** @type {NodeJS.ErrnoException} */ err) => {
      if (!spawnSettled) {
        spawnSettled = true;
        this._rejectSpawned(spawnError(err.code, command, { errno: err.errno, detail: `starting the supervisor ${sup}: ${err.message}` }));
      }
    });
    child.on('close', (code, signal) => {
      if (!spawnSettled) {
        spawnSettled = true;
        this._rejectSpawned(spawnError('ECHILD', command, { detail: `the supervisor exited (${signal || code}) before starting it` }));
      }
      if (this.pid === undefined) {
        this._finish(null, null);
        return;
      }
      if (closedLine) {
        this._finish(this.exitCode, this.signalCode, closedLine);
        return;
      }
      // The supervisor died without reporting (someone SIGKILLed it): the
      // backend's tree may be orphaned. Kill it by identity, then finish.
      binding().killTree(this.pid, signalNumber('SIGKILL'), 0, this.startTime)
        .catch(() => EMPTY_RESULT)
        .then((result) => {
          if (this.exitCode === null && this.signalCode === null) this.signalCode = 'SIGKILL';
          if (!this._exitEmitted) this.emit('exit', this.exitCode, this.signalCode);
          this._finish(this.exitCode, this.signalCode, { ...result, forced: true });
        });
    });
    this.on('exit', () => { this._exitEmitted = true; });
  }

  async _stop(signal, graceMs) {
    const signum = signalNumber(signal);
    try {
      await this.spawned;
    } catch {
      return EMPTY_RESULT;
    }
    // After its 'exit' report the supervisor is already tearing down what
    // the root left and reads no more lines.
    if (!this._closed && !this._exitEmitted) this._send(`stop ${signum} ${graceMs}\n`);
    await this.exited;
    return this._closeResult;
  }

  // One control line, written to the descriptor rather than through the
  // socket stream: a write that meets a supervisor which has just exited
  // fails with EPIPE, and a stream destroys itself on a write error, which
  // drops its "closed" report still unread in the receive buffer (the
  // result then read forced: true with nothing killed). A direct write
  // fails alone and the report is read as usual.
  _send(line) {
    const ctl = /** @type {any} */ (this._child.stdio[3]);
    const fd = ctl._handle ? ctl._handle.fd : -1;
    if (typeof fd === 'number' && fd >= 0) {
      try {
        const n = fs.writeSync(fd, line);
        if (n < line.length) ctl.write(line.slice(n));
      } catch (err) {
        // EPIPE/ECONNRESET: the supervisor is gone, its report is on the way.
        if (/** @type {NodeJS.ErrnoException} */ (err).code === 'EAGAIN') ctl.write(line);
      }
      return;
    }
    ctl.write(line);
  }

  // Synchronous force-kill of the supervisor and every descendant, for
  // process.on('exit'). The supervisor is our own child and not yet reaped
  // (its 'close' has not fired), so its PID cannot have been reused.
  killSync() {
    if (this._closed || !this._child || this._child.exitCode !== null || this._child.signalCode !== null) return;
    this.killed = true;
    try {
      binding().killTreeSync(this._child.pid, signalNumber('SIGKILL'), 0, null);
    } catch (err) {
      if (err.code !== 'ESRCH') throw err;
    }
  }
}

module.exports = { SupervisedProcess };
