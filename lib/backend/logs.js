'use strict';
// Rotating log files for a backend's output: every stdout/stderr line with
// a timestamp in <dir>/<name>.log, rotated by size to <name>.log.1 …
// <name>.log.<files>. Writes are asynchronous (one FileHandle, batched
// appends), so the JS thread never waits on the disk; lines that arrive
// while a write or a rotation is in progress are queued, never dropped.
// flush() resolves once everything written so far is in the file (the
// Backend awaits it before 'crashed' and 'exit'); close() flushes and
// closes.

const fs = require('fs');
const path = require('path');
const { invalidArgValue, invalidArgType, outOfRange, systemError } = require('../errors');
const { validateInteger, validateString } = require('../validate');

const KNOWN = ['dir', 'maxBytes', 'files'];
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_FILES = 5;

// options.logs → { dir, maxBytes, files } or null. Throws Node-style errors.
function normalizeLogs(value) {
  if (value === undefined || value === null || value === false) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgType('options.logs', 'of type object', value);
  for (const key of Object.keys(value)) {
    if (!KNOWN.includes(key)) throw invalidArgValue(`options.logs.${key}`, value[key], 'is not a known option');
  }
  const dir = path.resolve(validateString(value.dir, 'options.logs.dir', { maxLength: 4096 }));
  const maxBytes = value.maxBytes === undefined ? DEFAULT_MAX_BYTES
    : validateInteger(value.maxBytes, 'options.logs.maxBytes', 1024, Number.MAX_SAFE_INTEGER);
  const files = value.files === undefined ? DEFAULT_FILES : validateInteger(value.files, 'options.logs.files', 1, 100);
  return { dir, maxBytes, files };
}

// A backend name as a file name: path separators and other characters
// that are unsafe in file names on some OS become '_'.
function fileNameOf(name) {
  const safe = String(name).replace(/[\\/:*?"<>|\x00-\x1f]/g, '_').replace(/^\.+/, '_');
  if (safe.length === 0) throw invalidArgValue('name', name, 'cannot be used as a log file name');
  return `${safe}.log`;
}

class LogFile {
  // { dir, maxBytes, files } from normalizeLogs, and the backend's name.
  constructor({ dir, maxBytes = DEFAULT_MAX_BYTES, files = DEFAULT_FILES }, name) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1) throw outOfRange('maxBytes', '>= 1', maxBytes);
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.files = files;
    this.path = path.join(dir, fileNameOf(name));
    this._fh = null;
    this._size = 0;
    this._queue = []; // formatted chunks not yet written
    this._writing = null; // the drain loop's promise while it runs
    this._opening = null;
    this._closed = false;
    this.error = null; // the first write error; later lines are dropped
  }

  // Creates the directory and opens the file for appending. Rejects with
  // the OS's code (EACCES, ENOENT, ENOTDIR, ...) and the path in the
  // message when the directory cannot be created or the file opened.
  open() {
    if (!this._opening) this._opening = this._open();
    return this._opening;
  }

  async _open() {
    try {
      await fs.promises.mkdir(this.dir, { recursive: true });
      this._fh = await fs.promises.open(this.path, 'a');
      this._size = (await this._fh.stat()).size;
    } catch (err) {
      const target = err.path || this.dir;
      throw systemError(err.code || 'EIO', `cannot open the log file ${this.path} (${err.message})`,
        err.syscall, { errno: err.errno, path: target });
    }
  }

  // Queues one line of output; stream is 'stdout', 'stderr' or 'warden'
  // (the library's own lifecycle notes).
  write(stream, line) {
    if (this._closed || this.error) return;
    this._queue.push(`${new Date().toISOString()} ${stream} ${line}\n`);
    if (!this._writing) this._writing = this._drain();
  }

  async _drain() {
    try {
      await this.open();
      while (this._queue.length > 0) {
        // As many queued lines as fit the current file (at least one, so a
        // line longer than maxBytes is written whole into a fresh file).
        let room = this.maxBytes - this._size;
        if (room < Buffer.byteLength(this._queue[0]) && this._size > 0) {
          await this._rotate();
          room = this.maxBytes;
        }
        let n = 0;
        let bytes = 0;
        while (n < this._queue.length) {
          const len = Buffer.byteLength(this._queue[n]);
          if (n > 0 && bytes + len > room) break;
          bytes += len;
          n++;
        }
        const chunk = Buffer.from(this._queue.splice(0, n).join(''), 'utf8');
        let off = 0;
        while (off < chunk.length) {
          const { bytesWritten } = await this._fh.write(chunk, off, chunk.length - off);
          off += bytesWritten;
        }
        this._size += chunk.length;
      }
    } catch (err) {
      this.error = err;
      this._queue.length = 0;
    } finally {
      this._writing = null;
    }
  }

  // name.log.(N-1) → name.log.N, …, name.log → name.log.1, then a fresh
  // name.log. Lines arriving meanwhile wait in the queue.
  async _rotate() {
    await this._fh.close();
    this._fh = null;
    for (let i = this.files - 1; i >= 1; i--) {
      await fs.promises.rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch((err) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
    await fs.promises.rename(this.path, `${this.path}.1`);
    this._fh = await fs.promises.open(this.path, 'a');
    this._size = 0;
  }

  // Resolves once every line queued so far is written.
  async flush() {
    while (this._writing) await this._writing;
  }

  async close() {
    if (this._closed) return;
    this._closed = true;
    await this.flush();
    if (this._opening) await this._opening.catch(() => {});
    const fh = this._fh;
    this._fh = null;
    if (fh) await fh.close().catch(() => {});
  }
}

module.exports = { LogFile, normalizeLogs, fileNameOf };
