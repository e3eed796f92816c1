'use strict';
// runTree: a one-off child job (ffmpeg, yt-dlp, a converter) run to the end
// of its whole tree. Built on spawnTree, so the supervisor (Unix) or job
// object (Windows) holds every descendant: cancel, timeout, a root that
// exits while a grandchild lingers, and host death all take the whole tree
// (G1/G2). Resolves with { exitCode, signal, forced, cancelled, timedOut,
// durationMs, stdout, stderr }; rejects like execa (ERR_TASK_FAILED,
// AbortError, ETIMEDOUT) with the result's fields on the error.

const { performance } = require('perf_hooks');
const { StringDecoder } = require('string_decoder');

const { spawnTree } = require('./tree');
const { LineSplitter } = require('./lines');
const { abortError, codedError, invalidArgType, invalidArgValue } = require('./errors');
const { validateAbortSignal, validateBoolean, validateInteger, validateOptions } = require('./validate');

const DEFAULT_GRACE_MS = 5000;
const DEFAULT_MAX_BUFFER = 10 * 1024 * 1024;
const TIMER_MAX = 2147483647;
const TAIL_LINES = 10;
const KEYS = new Set(['cwd', 'env', 'input', 'signal', 'timeoutMs', 'graceMs', 'maxBuffer', 'stdout', 'stderr', 'onLine', 'reject']);
const HINTS = { timeout: 'timeoutMs', cancelSignal: 'signal', killSignal: 'graceMs', forceKillAfterDelay: 'graceMs' };

// The last maxBuffer bytes of a stream, decoded once at the end.
class Tail {
  constructor(max) {
    this._max = max;
    this._chunks = [];
    this._size = 0;
  }

  push(chunk) {
    if (this._max === 0) return;
    this._chunks.push(chunk);
    this._size += chunk.length;
    while (this._size - this._chunks[0].length >= this._max) this._size -= this._chunks.shift().length;
  }

  toString() {
    let buf = Buffer.concat(this._chunks, this._size);
    if (buf.length > this._max) {
      buf = buf.subarray(buf.length - this._max);
      // Do not start inside a UTF-8 sequence.
      let i = 0;
      while (i < 3 && i < buf.length && (buf[i] & 0xc0) === 0x80) i++;
      buf = buf.subarray(i);
    }
    return buf.toString('utf8');
  }
}

// Lines for onLine: "\n", "\r\n" and a lone "\r" (progress bars redraw with
// it) each end one.
function progressLines(onLine) {
  const splitter = new LineSplitter(onLine, { keep: 0 });
  const decoder = new StringDecoder('utf8');
  let afterCR = false;
  const feed = (text) => {
    if (text === '') return;
    if (afterCR && text[0] === '\n') text = text.slice(1);
    afterCR = text.endsWith('\r');
    splitter.write(text.replace(/\r\n?/g, '\n'));
  };
  return {
    write: (chunk) => feed(decoder.write(chunk)),
    end: () => {
      feed(decoder.end());
      splitter.end();
    },
  };
}

function validateStream(value, name) {
  if (value === undefined) return 'pipe';
  if (value !== 'pipe' && value !== 'ignore' && value !== 'inherit') {
    throw invalidArgValue(name, value, "must be 'pipe', 'ignore' or 'inherit'");
  }
  return value;
}

function validateOnLine(fn) {
  if (typeof fn !== 'function') throw invalidArgType('options.onLine', 'of type function', fn);
  return fn;
}

function taskOptions(options) {
  const o = validateOptions(options);
  for (const key of Object.keys(o)) {
    if (!KEYS.has(key)) {
      throw invalidArgValue(`options.${key}`, o[key], HINTS[key] ? `is not an option (did you mean "${HINTS[key]}"?)` : 'is not an option of runTree');
    }
  }
  if (o.input !== undefined && typeof o.input !== 'string' && !(o.input instanceof Uint8Array)) {
    throw invalidArgType('options.input', 'of type string or an instance of Buffer or Uint8Array', o.input);
  }
  let env = o.env;
  if (env !== undefined) {
    if (env === null || typeof env !== 'object' || Array.isArray(env)) throw invalidArgType('options.env', 'of type object', env);
    env = { ...process.env, ...env };
  }
  return {
    cwd: o.cwd,
    env,
    input: o.input,
    signal: validateAbortSignal(o.signal),
    timeoutMs: o.timeoutMs === undefined ? undefined : validateInteger(o.timeoutMs, 'options.timeoutMs', 1, TIMER_MAX),
    graceMs: o.graceMs === undefined ? DEFAULT_GRACE_MS : validateInteger(o.graceMs, 'options.graceMs', 0, TIMER_MAX),
    maxBuffer: o.maxBuffer === undefined ? DEFAULT_MAX_BUFFER : validateInteger(o.maxBuffer, 'options.maxBuffer', 0, 2 ** 32),
    stdout: validateStream(o.stdout, 'options.stdout'),
    stderr: validateStream(o.stderr, 'options.stderr'),
    onLine: o.onLine === undefined ? null : validateOnLine(o.onLine),
    reject: o.reject === undefined ? true : validateBoolean(o.reject, 'options.reject'),
  };
}

function lastLines(text) {
  const lines = text.replace(/\s+$/, '').split(/\r?\n/);
  return lines.slice(-TAIL_LINES).join('\n');
}

// The result's fields on the error (execa's shape), and the result itself
// as err.result.
function withResult(err, result) {
  Object.assign(err, result);
  Object.defineProperty(err, 'result', { value: result, enumerable: false, configurable: true, writable: true });
  return err;
}

function failure(result, commandText) {
  const how = result.signal ? `was killed by ${result.signal}` : `failed with exit code ${result.exitCode}`;
  const tail = lastLines(result.stderr) || lastLines(result.stdout);
  return codedError(Error, 'ERR_TASK_FAILED', `Command ${how}: ${commandText}${tail ? `\n${tail}` : ''}`);
}

function timeoutError(commandText, timeoutMs) {
  return codedError(Error, 'ETIMEDOUT', `ETIMEDOUT: command timed out after ${timeoutMs} ms: ${commandText}`);
}

// runTree(command, args?, options?) → Promise<TaskResult>
async function runTree(command, args, options) {
  if (args !== undefined && !Array.isArray(args) && args !== null && typeof args === 'object' && options === undefined) {
    options = args;
    args = undefined;
  }
  if (args === undefined) args = [];
  const o = taskOptions(options);
  const commandText = [command, ...(Array.isArray(args) ? args : [])].join(' ');
  const empty = (extra) => ({
    exitCode: null, signal: null, forced: false, cancelled: false, timedOut: false, durationMs: 0,
    stdout: '', stderr: '', command, pid: undefined, ...extra,
  });
  if (o.signal && o.signal.aborted) throw withResult(abortError(o.signal.reason), empty({ cancelled: true }));

  const started = performance.now();

  const child = spawnTree(command, args, {
    cwd: o.cwd,
    env: o.env,
    stdin: o.input === undefined ? 'ignore' : 'pipe',
    stdout: o.stdout,
    stderr: o.stderr,
    graceMs: o.graceMs,
    signal: o.signal,
    timeoutMs: o.timeoutMs,
  });

  const tails = {};
  let thrown = null; // what onLine threw: the tree is stopped, the task rejects with it
  for (const name of ['stdout', 'stderr']) {
    const stream = child[name];
    tails[name] = new Tail(o.maxBuffer);
    if (!stream) continue;
    const lines = o.onLine && progressLines((line) => {
      if (thrown) return;
      try {
        o.onLine(name, line);
      } catch (error) {
        thrown = { error };
        child.kill({ graceMs: o.graceMs }).catch(() => {});
      }
    });
    stream.on('data', (chunk) => {
      tails[name].push(chunk);
      if (lines) lines.write(chunk);
    });
    if (lines) stream.once('end', () => lines.end());
    stream.on('error', () => {});
  }
  if (child.stdin) {
    child.stdin.on('error', () => {}); // EPIPE: the program did not read it all
    child.stdin.end(o.input);
  }
  // The root is gone: whatever it left behind goes too (as for backends).
  // On Unix the supervisor does that by itself when the root exits; a job
  // object waits to be told.
  if (process.platform === 'win32') child.once('exit', () => child.kill({ graceMs: o.graceMs }).catch(() => {}));

  let spawnError = null;
  await child.spawned.catch((err) => { spawnError = err; });
  await child.exited;
  // { killed, forced, survivors } of the teardown, whoever asked for it.
  const closeResult = child._closeResult;
  const result = {
    exitCode: child.exitCode,
    signal: child.signalCode,
    forced: Boolean(closeResult && closeResult.forced),
    cancelled: child.cancelled,
    timedOut: child.timedOut,
    durationMs: performance.now() - started,
    stdout: tails.stdout.toString(),
    stderr: tails.stderr.toString(),
    command: child.spawnfile,
    pid: child.pid,
  };
  if (spawnError) throw withResult(spawnError, result);
  if (child.cancelled) throw withResult(abortError(o.signal.reason), result);
  if (child.timedOut) throw withResult(timeoutError(commandText, o.timeoutMs), result);
  if (thrown) throw withResult(thrown.error, result);
  if ((result.exitCode !== 0 || result.signal !== null) && o.reject) throw withResult(failure(result, commandText), result);
  return result;
}

module.exports = { runTree };
