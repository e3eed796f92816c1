// @ts-check
'use strict';
// Process trees: argument checks and Promise wrappers over the native
// binding (binding/tree/), and spawnTree, the supervised spawn: on Linux
// and macOS through the supervisor executable (./supervisor-posix.js), on
// Windows into a kill-on-close job object (./job-win.js).

const fs = require('fs');

const { binding } = require('../native');
const { onAbort } = require('../abort');
const { abortError, invalidArgType, invalidArgValue } = require('../errors');
const {
  validateAbortSignal, validateEnv, validateInteger, validateOptions, validatePid, validateString,
} = require('../validate');
const { signalNumber } = require('./signals');
const { resolveCommand } = require('./command');

const isWindows = process.platform === 'win32';
const GRACE_MAX = 2147483647;
// Host death is an emergency (G2): the polite signal gets less than a second.
const HOST_DEATH_GRACE_MAX = 999;
const HOST_DEATH_GRACE_DEFAULT = 500;

// Live supervised processes by backend PID: killTree(pid) of a tree we
// started goes through its supervisor or job, which also reaches
// descendants that detached before the call.
const supervised = new Map();

function validateStartTime(startTime) {
  if (startTime === undefined || startTime === null) return null;
  if (typeof startTime !== 'number' || !Number.isFinite(startTime) || startTime < 0) {
    throw invalidArgType('options.startTime', 'a non-negative number', startTime);
  }
  return startTime;
}

// processInfo(pid) → Promise<{ pid, ppid, name, startTime }>; rejects with
// ESRCH when no such process exists.
async function processInfo(pid) {
  validatePid(pid);
  const info = await binding().processInfo(pid);
  // Linux start times count from boot: the boot id tells two boots apart,
  // so an identity saved across a reboot never matches a stranger.
  return process.platform === 'linux' ? { ...info, bootId: await bootId() } : info;
}

let bootIdValue = null;
async function bootId() {
  if (process.platform !== 'linux') return null;
  if (bootIdValue === null) {
    bootIdValue = await fs.promises.readFile('/proc/sys/kernel/random/boot_id', 'utf8').then((s) => s.trim(), () => '');
  }
  return bootIdValue || null;
}

// listTree(pid) → Promise<[{ pid, ppid, name, startTime }]>, root first.
async function listTree(pid, options) {
  validatePid(pid);
  const { startTime } = validateOptions(options);
  return binding().listTree(pid, validateStartTime(startTime));
}

function killArgs(pid, options) {
  validatePid(pid);
  const opts = validateOptions(options);
  const signal = opts.signal === undefined ? 'SIGTERM' : opts.signal;
  const graceMs = opts.graceMs === undefined ? 5000 : validateInteger(opts.graceMs, 'options.graceMs', 0, GRACE_MAX);
  const startTime = validateStartTime(opts.startTime);
  if (pid === process.pid) throw invalidArgValue('pid', pid, 'must not be the current process');
  // Checked on every OS; Windows has no signals, so a name there only stands
  // for the polite step, which is fixed (see lib/tree/job-win.js).
  const n = signalNumber(signal);
  const signum = isWindows && typeof signal === 'string' ? 15 : n;
  return { signal, signum, graceMs, startTime };
}

// killTree(pid, { signal, graceMs, startTime }) → Promise<{ killed, forced,
// survivors }>: signal the whole tree, wait for the processes themselves up
// to graceMs, then force. With startTime, a PID whose identity differs is
// never signalled (rejects ESRCH).
async function killTree(pid, options) {
  const { signal, signum, graceMs, startTime } = killArgs(pid, options);
  const child = supervised.get(pid);
  if (child && (startTime === null || startTime === child.startTime)) {
    return child.kill({ signal, graceMs });
  }
  return binding().killTree(pid, signum, graceMs, startTime);
}

// killTreeSync(pid, { startTime }): synchronous force-kill, for exit
// handlers. Returns { killed, forced, survivors }.
function killTreeSync(pid, options) {
  const { signum, startTime } = killArgs(pid, options);
  return binding().killTreeSync(pid, signum, 0, startTime);
}

const STDIO = new Set(['pipe', 'ignore', 'inherit']);

function validateStdio(value, name, def) {
  if (value === undefined) return def;
  if (!STDIO.has(value)) throw invalidArgValue(name, value, "must be 'pipe', 'ignore' or 'inherit'");
  return value;
}

// The backend's complete environment: process.env unless given; undefined
// (or null) values are dropped.
/** @returns {any} */
function spawnEnv(env) {
  if (env === undefined) return process.env;
  const out = validateEnv(env);
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

// signal / timeoutMs: the whole tree is stopped (kill({ graceMs })) on abort
// or expiry, and child.cancelled / child.timedOut says which; the listener
// and the timer go when the tree is gone.
function stopOn(child, { signal, timeoutMs, graceMs }) {
  child.cancelled = false;
  child.timedOut = false;
  if (!signal && timeoutMs === undefined) return;
  const cleanups = [];
  const stop = (flag) => {
    if (child.cancelled || child.timedOut) return;
    child[flag] = true;
    child.kill({ graceMs }).catch(() => {});
  };
  if (signal) cleanups.push(onAbort(signal, () => stop('cancelled')));
  if (timeoutMs !== undefined) {
    const timer = setTimeout(stop, timeoutMs, 'timedOut');
    cleanups.push(() => clearTimeout(timer));
  }
  child.exited.then(() => cleanups.forEach((fn) => fn()));
}

// spawnTree(command, args, options) → SupervisedProcess. No shell (but for
// G5's Windows batch files): command is the program itself, a path or a
// name looked up on PATH (lib/tree/command.js); child.spawnfile is the file
// found. internal: { memoryLimit } from the Backend (limits.memoryBytes:
// the job object's JOB_OBJECT_LIMIT_JOB_MEMORY on Windows; ignored elsewhere,
// where the usage sampler enforces it).
function spawnTree(command, args = [], options, internal = {}) {
  validateString(command, 'command', { maxLength: 32767 });
  if (!Array.isArray(args)) throw invalidArgType('args', 'an instance of Array', args);
  args.forEach((a, i) => validateString(a, `args[${i}]`, { allowEmpty: true }));
  const o = validateOptions(options);
  if (o.cwd !== undefined) validateString(o.cwd, 'options.cwd');
  const opts = {
    cwd: o.cwd,
    env: spawnEnv(o.env),
    stdin: validateStdio(o.stdin, 'options.stdin', 'ignore'),
    stdout: validateStdio(o.stdout, 'options.stdout', 'pipe'),
    stderr: validateStdio(o.stderr, 'options.stderr', 'pipe'),
    graceMs: o.graceMs === undefined ? 5000 : validateInteger(o.graceMs, 'options.graceMs', 0, GRACE_MAX),
    hostDeathGraceMs: o.hostDeathGraceMs === undefined
      ? HOST_DEATH_GRACE_DEFAULT
      : validateInteger(o.hostDeathGraceMs, 'options.hostDeathGraceMs', 0, HOST_DEATH_GRACE_MAX),
  };
  const signal = validateAbortSignal(o.signal);
  const timeoutMs = o.timeoutMs === undefined ? undefined : validateInteger(o.timeoutMs, 'options.timeoutMs', 1, GRACE_MAX);
  const target = resolveCommand(command, args, /** @type {any} */ ({ cwd: opts.cwd, env: opts.env }));
  if (signal && signal.aborted) throw abortError(signal.reason);
  const { SupervisedProcess } = isWindows ? require('./job-win') : require('./supervisor-posix');
  const child = new SupervisedProcess(target.file, target.args, { ...opts, commandLine: target.commandLine, memoryLimit: internal.memoryLimit });
  /** @type {any} */ (child).spawnfile = target.resolved || command;
  stopOn(child, { signal, timeoutMs, graceMs: opts.graceMs });
  child.spawned.then(({ pid }) => {
    supervised.set(pid, child);
    child.once('close', () => {
      if (supervised.get(pid) === child) supervised.delete(pid);
    });
  }, () => {});
  return child;
}

module.exports = { processInfo, listTree, killTree, killTreeSync, spawnTree, bootId, HOST_DEATH_GRACE_MAX };
