'use strict';
// SupervisedProcess on Windows: the backend is created suspended, put into
// its own job object (kill on close, no breakaway) and resumed
// (binding/job_win.c), so it and every descendant die with the host. stdio
// reaches JS through named pipes that Node serves with `net`. Stop is
// WM_CLOSE / Ctrl+Break, a wait on the job itself, then TerminateJobObject;
// "all gone" is the job's active-process count reaching zero.

const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { PassThrough } = require('stream');

const { binding } = require('../native');
const { SupervisedBase, spawnError, EMPTY_RESULT } = require('./supervised-base');

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

// One argument quoted for CommandLineToArgvW / the MSVC runtime (the rules
// libuv's quote_cmd_arg follows).
function quoteArg(arg) {
  if (arg === '') return '""';
  if (!/[\s"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
    } else if (ch === '"') {
      out += '\\'.repeat(backslashes * 2 + 1) + '"';
      backslashes = 0;
    } else {
      out += '\\'.repeat(backslashes) + ch;
      backslashes = 0;
    }
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
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
    this.stdin = s0 && s0 !== true ? s0.stream : null;
    this.stdout = s1 && s1 !== true ? s1.stream : null;
    this.stderr = s2 && s2 !== true ? s2.stream : null;

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
    const cmdline = [program, ...args].map(quoteArg).join(' ');
    let spawned;
    try {
      spawned = binding().jobSpawn(program, cmdline, opts.cwd ?? null, envBlock(opts.env),
        s0 && s0 !== true ? s0.name : s0, s1 && s1 !== true ? s1.name : s1, s2 && s2 !== true ? s2.name : s2,
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
    binding().jobClose(this._handle);
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
    for (const pid of binding().jobPids(this._handle)) if (pid > 0) this._seen.add(pid);
    const tree = await binding().listTree(this.pid, this.startTime).catch(() => []);
    for (const p of tree) this._seen.add(p.pid);
  }

  // Windows has no signals: the polite step is WM_CLOSE / Ctrl+Break.
  async _stop(signal, graceMs) {
    await this._members();
    let forced = true;
    if (graceMs > 0) {
      binding().jobAskToStop(this._handle);
      let timer;
      const expired = new Promise((resolve) => { timer = setTimeout(resolve, graceMs, 'timeout'); });
      forced = (await Promise.race([this.exited.then(() => 'closed'), expired])) === 'timeout';
      clearTimeout(timer);
    }
    if (forced && !this._closed) {
      await this._members();
      this._forced = true;
      binding().jobTerminate(this._handle, FORCED_EXIT_CODE);
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
    binding().jobTerminate(this._handle, FORCED_EXIT_CODE);
    binding().jobWaitRoot(this._handle, 1000);
  }
}

module.exports = { SupervisedProcess, quoteArg, EMPTY_RESULT };
