// @ts-check
'use strict';
// SupervisedProcess on Windows: the backend is created suspended, put into
// its own job object (kill on close, no breakaway) and resumed
// (binding/job/job_win.c), so it and every descendant die with the host. stdio
// reaches JS through named pipes that Node serves with `net`. Stop is
// WM_CLOSE / Ctrl+Break, a wait on the job itself, then TerminateJobObject;
// "all gone" is the job's active-process count reaching zero.

const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { PassThrough } = require('stream');

const { binding } = require('../native');

// The binding with its Windows-only job functions.
const win = () => /** @type {import('../native').WinBinding} */ (binding());
const { withTimeout } = require('../abort');
const { SupervisedBase, spawnError } = require('./supervised-base');
const { commandLine } = require('./win-cmdline');

const FORCED_EXIT_CODE = 1;

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

// Windows wants the environment block sorted, case-insensitively.
function envBlock(env) {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .sort((a, b) => {
      const ka = a.slice(0, a.indexOf('=')).toUpperCase();
      const kb = b.slice(0, b.indexOf('=')).toUpperCase();
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
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
        (event, code) => this._onEvent(event, code));
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
    if (event === 'exit') {
      if (this._forced) this.signalCode = 'SIGKILL';
      else this.exitCode = code;
      this.emit('exit', this.exitCode, this.signalCode);
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

  // Windows has no signals: the polite step is WM_CLOSE / Ctrl+Break.
  async _stop(signal, graceMs) {
    await this._members();
    let forced = true;
    if (graceMs > 0) {
      win().jobAskToStop(this._handle);
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

module.exports = { SupervisedProcess };
