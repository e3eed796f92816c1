// @ts-check
'use strict';
// SupervisedProcess on Windows: the backend is created suspended, put into
// its own job object (kill on close, no breakaway) and resumed
// (binding/job/job_win.c), so it and every descendant die with the host.
// stdio reaches JS through named pipes that Node serves with `net`. The
// backend has its own hidden console; stop is Ctrl+C to it (sent by
// backend_warden_ctrlc.exe, a helper next to the .node: the host must not
// attach to another console) and WM_CLOSE to every member's windows, a wait
// on the job itself, then TerminateJobObject. A root that exits on its own
// gets the same sequence for what it left behind. "All gone" is the job's
// active-process count reaching zero.

const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { PassThrough } = require('stream');

const { binding, helperPath } = require('../native');

// The binding with its Windows-only job functions.
const win = () => /** @type {import('../native').WinBinding} */ (binding());
const { withTimeout } = require('../abort');
const { SupervisedBase, spawnError } = require('./supervised-base');
const { commandLine } = require('./win-cmdline');

const FORCED_EXIT_CODE = 1;
const CTRLC_HELPER = 'backend_warden_ctrlc.exe';
// The helper's exit status: stage * 0x10000 + Win32 error (ctrlc_main_win.c).
const CTRLC_STAGES = ['', 'AttachConsole', 'SetConsoleCtrlHandler', 'GenerateConsoleCtrlEvent', 'arguments'];
const ERROR_INVALID_HANDLE = 6; // AttachConsole: the process has no console (a GUI program)
const ERROR_GEN_FAILURE = 31; // AttachConsole: likewise, on some Windows versions
const ERROR_INVALID_PARAMETER = 87; // AttachConsole: the process has exited

// The program CreateProcessW will run: a path is taken as it is (resolved
// against cwd); a bare name is looked up in PATH with PATHEXT's .exe/.com.
// Batch files would need cmd.exe, a shell: not supported.
function resolveProgram(command, cwd, env) {
  const exts = ['', '.exe', '.com'];
  const tryFile = (p) => {
    for (const ext of exts) {
      const f = p + ext;
      try {
        if (fs.statSync(f).isFile()) return f;
      } catch { /* next */ }
    }
    return null;
  };
  if (/[\\/]/.test(command) || path.isAbsolute(command)) return tryFile(path.resolve(cwd || process.cwd(), command));
  const pathVar = Object.entries(env).find(([k]) => k.toUpperCase() === 'PATH');
  for (const dir of [cwd || process.cwd(), ...(pathVar ? pathVar[1].split(';') : [])]) {
    if (!dir) continue;
    const f = tryFile(path.join(dir, command));
    if (f) return f;
  }
  return null;
}

// Windows wants the environment block sorted, case-insensitively, and reads
// the first of two names that differ only in case: keep one entry per name,
// the later one ({ ...process.env, PATH } overrides an inherited "Path").
function envBlock(env) {
  const byName = new Map();
  for (const [k, v] of Object.entries(env)) byName.set(k.toUpperCase(), `${k}=${v}`);
  return [...byName.keys()].sort().map((k) => byName.get(k));
}

// Ctrl+C to the consoles of pids, from the helper (never from the host).
// Resolves null when it was delivered, or an Error saying why not.
function sendCtrlC(pids) {
  return new Promise((resolve) => {
    const helper = helperPath(CTRLC_HELPER);
    const child = spawn(helper, pids.map(String), { stdio: 'ignore', windowsHide: true });
    child.on('error', (err) => resolve(Object.assign(err, { message: `${CTRLC_HELPER}: ${err.message}`, path: helper })));
    child.on('exit', (status) => {
      if (status === 0) return resolve(null);
      const stage = Math.floor((status ?? 0) / 0x10000);
      const err = Object.assign(new Error(`${CTRLC_HELPER} could not send Ctrl+C to ${pids.join(', ')} (${CTRLC_STAGES[stage] || 'status'} ${(status ?? 0) & 0xffff})`), {
        code: 'ERR_BACKEND_WARDEN_CTRLC', syscall: CTRLC_STAGES[stage] || undefined, errno: (status ?? 0) & 0xffff,
      });
      resolve(err);
    });
  });
}

// Whether a failed Ctrl+C only means "no console there" (a GUI program, or
// it has just exited): WM_CLOSE and the job cover those.
function noConsole(err) {
  return err.syscall === 'AttachConsole' && [ERROR_INVALID_HANDLE, ERROR_GEN_FAILURE, ERROR_INVALID_PARAMETER].includes(err.errno);
}

// A named pipe server the child's stream connects to; returns [path, stream].
function pipeFor(direction) {
  const name = `\\\\.\\pipe\\backend-warden-${process.pid}-${crypto.randomBytes(8).toString('hex')}`;
  const stream = new PassThrough();
  let connected = false;
  let onClosed;
  const closed = new Promise((resolve) => { onClosed = resolve; });
  const server = net.createServer((socket) => {
    connected = true;
    server.close();
    if (direction === 'in') stream.pipe(socket);
    else socket.pipe(stream);
    socket.on('error', () => {});
    socket.on('close', onClosed);
  });
  server.on('error', (err) => {
    stream.destroy(err);
    onClosed();
  });
  server.listen(name); // creates the pipe synchronously; the child opens it
  // Resolves when the child's end has closed (or it never connected).
  const done = () => {
    server.close();
    if (!connected) onClosed();
    return closed;
  };
  return { name, stream, server, done };
}

class SupervisedProcess extends SupervisedBase {
  constructor(command, args, opts) {
    super(command, opts.graceMs);
    this._forced = false;
    this._seen = new Set();

    const pipes = [];
    const stdioArg = (mode, direction) => {
      if (mode === 'inherit') return true;
      if (mode === 'ignore') return null;
      const p = pipeFor(direction);
      pipes.push(p);
      return p;
    };
    const s0 = stdioArg(opts.stdin, 'in');
    const s1 = stdioArg(opts.stdout, 'out');
    const s2 = stdioArg(opts.stderr, 'out');
    // A pipe, or what jobSpawn takes for the others (null: NUL, true: inherit).
    const piped = (s) => (s === null || s === true ? null : s);
    this.stdin = piped(s0) && piped(s0).stream;
    this.stdout = piped(s1) && piped(s1).stream;
    this.stderr = piped(s2) && piped(s2).stream;
    const arg = (s) => (s === null || s === true ? s : s.name);

    const fail = (err) => {
      for (const p of pipes) {
        p.server.close();
        p.stream.end();
      }
      this._spawnFailed(err);
    };
    const helper = helperPath(CTRLC_HELPER);
    if (!isFile(helper)) {
      fail(spawnError('ENOENT', command, {
        detail: `the Ctrl+C helper ${helper} is missing (it belongs next to ${path.basename(binding().path)}); rebuild with "npm rebuild backend-warden", and unpack it from app.asar`,
      }));
      return;
    }
    const program = resolveProgram(command, opts.cwd, opts.env);
    if (!program) {
      fail(spawnError('ENOENT', command));
      return;
    }
    // A batch file comes with its cmd.exe command line built (win-cmdline.js).
    const cmdline = opts.commandLine || commandLine(program, args);
    let spawned;
    try {
      spawned = win().jobSpawn(program, cmdline, opts.cwd ?? null, envBlock(opts.env),
        arg(s0), arg(s1), arg(s2),
        (event, code) => this._onEvent(event, code), opts.memoryLimit || null);
    } catch (err) {
      fail(spawnError(err.code || 'UNKNOWN', command, { detail: err.message }));
      return;
    }
    this._handle = spawned.handle;
    this._pipes = pipes;
    this._spawnSucceeded(spawned.pid, spawned.startTime);
    this._seen.add(this.pid);
    process.nextTick(() => this.emit('spawn'));
  }

  _onEvent(event, code) {
    if (event === 'limit') {
      // JOB_OBJECT_LIMIT_JOB_MEMORY: the kernel refused member `code` an
      // allocation (it comes before the exit that refusal may cause).
      this.emit('memoryLimit', code);
      return;
    }
    if (event === 'exit') {
      if (this._forced) this.signalCode = 'SIGKILL';
      else this.exitCode = code;
      this._rootGone = true;
      this.emit('exit', this.exitCode, this.signalCode);
      // The root exited on its own: what it left behind is stopped the same
      // way (polite, graceMs, force), as the supervisor does on Unix.
      if (!this._killPromise && !this._closed) this._killPromise = this._stop('SIGTERM', this._graceMs);
      return;
    }
    // The job is empty: the whole tree is gone. Let the pipes drain first.
    win().jobClose(this._handle);
    const ends = this._pipes.map((p) => (p.stream === this.stdin ? Promise.resolve() : p.done()));
    Promise.all(ends).then(() => {
      if (this.stdin) this.stdin.end();
      this._finish(this.exitCode, this.signalCode);
    });
  }

  // Records the tree's members for the result: the job's own list, and the
  // parent links (Wine's job list can come back incomplete).
  async _members() {
    if (this._closed || !this._handle) return;
    for (const pid of win().jobPids(this._handle)) if (pid > 0) this._seen.add(pid);
    const tree = await binding().listTree(this.pid, this.startTime).catch(() => []);
    for (const p of tree) this._seen.add(p.pid);
  }

  // Windows has no signals. The polite step: Ctrl+C to the root's console
  // (every process on it gets it), or once the root is gone to the console
  // of each member left; WM_CLOSE to every member's windows.
  async _askToStop() {
    if (this._closed) return;
    const pids = this._rootGone ? win().jobPids(this._handle).filter((p) => p > 0 && p !== this.pid) : [this.pid];
    if (pids.length === 0) return;
    win().jobAskToStop(this._handle);
    const err = await sendCtrlC(pids);
    // A console program that never got Ctrl+C is forced: say so.
    if (err && !noConsole(err) && !this._closed) {
      process.emitWarning(`backend-warden: ${err.message}; what does not stop by itself is forced after graceMs`, { code: 'ERR_BACKEND_WARDEN_CTRLC' });
    }
  }

  async _stop(signal, graceMs) {
    await this._members();
    let forced = true;
    if (graceMs > 0) {
      this._askToStop().catch((err) => process.emitWarning(`backend-warden: polite stop failed: ${err.message}`, { code: 'ERR_BACKEND_WARDEN_CTRLC' }));
      forced = await withTimeout(this.exited.then(() => false), graceMs, () => true);
    }
    if (forced && !this._closed) {
      await this._members();
      this._forced = true;
      win().jobTerminate(this._handle, FORCED_EXIT_CODE);
    }
    await this.exited;
    this._closeResult = { killed: [...this._seen], forced, survivors: [] };
    return this._closeResult;
  }

  // The job's own accounting (binding/job/job_win.c): CPU time of every
  // process that ran in it, exited ones included; the memory limit it
  // reports and whether the kernel enforced it. Null once the job is closed.
  jobUsage() {
    if (this._closed || !this._handle) return null;
    return win().jobUsage(this._handle);
  }

  // The PIDs in the job now (its own list and what its messages said).
  jobPids() {
    if (this._closed || !this._handle) return [];
    return win().jobPids(this._handle).filter((p) => p > 0);
  }

  // Synchronous force-kill: TerminateJobObject, then a short wait for the
  // root so that a following exit really finds it gone.
  killSync() {
    if (this._closed || !this._handle) return;
    this.killed = true;
    this._forced = true;
    win().jobTerminate(this._handle, FORCED_EXIT_CODE);
    win().jobWaitRoot(this._handle, 1000);
  }
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

module.exports = { SupervisedProcess, envBlock };
