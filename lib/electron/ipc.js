'use strict';
// Electron main-process IPC handlers for one Backend: registers
// `<prefix>:<method>` handlers on ipcMain, lets through only calls from
// allowed origins carrying only the documented arguments, and pushes status
// changes to the renderer. The renderer can never choose the executable, its
// arguments or its environment: those live in the Backend's options.
//
// Wire format (private between this file and ./preload.js): every handler
// resolves `{ ok: true, value }` or `{ ok: false, error: { code, message } }`,
// because Electron reduces an error thrown by a handler to its message and
// logs it; the preload turns the second form into a rejection with the plain
// `{ code, message }` object. Status pushes carry the status object as is.

const path = require('path');
const { fileURLToPath } = require('url');

const {
  codedError, invalidArgType, invalidArgValue, outOfRange, plainError,
} = require('../errors');
const {
  SILENT, validateKeys, validateLogger, validateObject, validateOptions,
} = require('../validate');
const { kLogger } = require('../backend');
const { answerPreloadOptions } = require('./register-preload');

const PREFIX = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const MAX_NAME = 256;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

// Which channels exist, which options each accepts, and what it returns.
const METHODS = {
  start: { keys: [], call: (b) => b.start().then((info) => ({ success: true, ...info })) },
  restart: { keys: [], call: (b) => b.restart() },
  stop: { keys: [], call: (b) => b.stop() },
  status: { keys: [], call: (b) => b.status() },
  checkFirewall: { keys: [], call: (b) => b.checkFirewall() },
  getFirewallRule: { keys: ['name'], call: (b, opts) => b.getFirewallRule(opts) },
  getFirewallCommand: { keys: ['name'], call: (b, opts) => b.getFirewallCommand(opts) },
};

// Keeps one registration per channel per ipcMain, whatever ipcMain does with
// a second one.
const registered = new WeakMap();

const ERROR_CODE = 'ERR_BACKEND_WARDEN';

// Values that cross IPC: Error objects inside a result become { code, message }.
function toPlain(value) {
  if (value instanceof Error) return plainError(value, ERROR_CODE);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toPlain);
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
  return out;
}

// 'file://' for any file: URL; the WHATWG origin for http(s); scheme://host
// for custom schemes (app://bundle), whose WHATWG origin is the opaque "null".
function originOf(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol === 'file:') return 'file://';
  if (u.origin !== 'null') return u.origin;
  return u.host ? `${u.protocol}//${u.host}` : null;
}

// The app's own files, when allowedOrigins is not given: Electron's
// app.getAppPath() in an Electron main process, else the working directory.
function defaultAppPath() {
  if (process.versions.electron && process.type === 'browser') {
    // eslint-disable-next-line global-require
    const { app } = require('electron');
    if (app && typeof app.getAppPath === 'function') return app.getAppPath();
  }
  return process.cwd();
}

function samePath(a, b) {
  return process.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

// Whether the file: URL names a file inside one of `dirs`.
function fileInside(url, dirs) {
  let file;
  try {
    file = path.resolve(fileURLToPath(url));
  } catch {
    return false;
  }
  return dirs.some((dir) => samePath(file, dir) || samePath(file.slice(0, dir.length + 1), dir.endsWith(path.sep) ? dir : dir + path.sep));
}

// allowedOrigins → trusted(url). Entries: an origin or URL reduced to its
// origin ('http://localhost:5173', 'app://bundle'); 'file://' for any local
// file; a file: URL with a path for the files below that directory. Absent:
// the files below the app's directory (appPath).
function normalizeOrigins(value, appPath) {
  const origins = new Set();
  const dirs = [];
  if (value === undefined) {
    dirs.push(path.resolve(appPath === undefined ? defaultAppPath() : appPath));
  } else {
    if (!Array.isArray(value)) throw invalidArgType('options.allowedOrigins', 'an instance of Array', value);
    value.forEach((entry, i) => {
      if (typeof entry !== 'string') throw invalidArgType(`options.allowedOrigins[${i}]`, 'of type string', entry);
      if (entry === 'file://') {
        origins.add(entry);
        return;
      }
      if (/^file:\/\/./i.test(entry)) {
        let dir;
        try {
          dir = path.resolve(fileURLToPath(entry));
        } catch {
          dir = null;
        }
        if (!dir) throw invalidArgValue(`options.allowedOrigins[${i}]`, entry, 'must be a file: URL of a directory');
        dirs.push(dir);
        return;
      }
      const origin = originOf(entry);
      if (!origin) throw invalidArgValue(`options.allowedOrigins[${i}]`, entry, "must be an origin such as 'http://localhost:5173' or 'file://'");
      origins.add(origin);
    });
  }
  return (url) => {
    const origin = typeof url === 'string' ? originOf(url) : null;
    if (origin === null) return false;
    if (origins.has(origin)) return true;
    return origin === 'file://' && dirs.length > 0 && fileInside(url, dirs);
  };
}

function normalizeWindows(value) {
  if (value === undefined) return null;
  if (typeof value === 'function') return value;
  if (Array.isArray(value)) return () => value;
  throw invalidArgType('options.windows', 'an array of BrowserWindow or WebContents, or a function returning one', value);
}

// The arguments a renderer sent: nothing, or one plain options object with
// only the method's documented keys, each a short string.
function validateArgs(method, keys, args) {
  const max = keys.length ? 1 : 0;
  if (args.length > max && !(args.length === 1 && args[0] === undefined)) {
    throw invalidArgValue('arguments', args.length,
      max ? `of ${method} must be at most one options object` : `of ${method} must be empty (${method} takes no arguments)`);
  }
  const opts = args[0];
  if (opts === undefined) return undefined;
  validateObject(opts, 'options');
  const proto = Object.getPrototypeOf(opts);
  if (proto !== Object.prototype && proto !== null) throw invalidArgType('options', 'a plain object', opts);
  const out = {};
  for (const key of Reflect.ownKeys(opts)) {
    if (typeof key !== 'string' || FORBIDDEN_KEYS.has(key)) {
      throw invalidArgValue('options', String(key), 'must not have a __proto__, constructor or prototype key');
    }
    if (!keys.includes(key)) throw invalidArgValue(`options.${key}`, opts[key], `is not an option of ${method}`);
    const v = opts[key];
    if (typeof v !== 'string') throw invalidArgType(`options.${key}`, 'of type string', v);
    if (v.length === 0 || v.length > MAX_NAME) throw outOfRange(`options.${key}.length`, `>= 1 && <= ${MAX_NAME}`, v.length);
    if (CONTROL.test(v)) throw invalidArgValue(`options.${key}`, v, 'must not contain control characters');
    out[key] = v;
  }
  return out;
}

function checkBackend(backend) {
  if (backend === null || typeof backend !== 'object') throw invalidArgType('backend', 'an instance of Backend', backend);
  for (const m of [...Object.keys(METHODS), 'on', 'removeListener']) {
    if (typeof backend[m] !== 'function') throw invalidArgType('backend', `an instance of Backend (no ${m}() method)`, backend);
  }
}

function registerIpcHandlers(ipcMain, backend, options) {
  if (ipcMain === null || typeof ipcMain !== 'object' || typeof ipcMain.handle !== 'function' ||
      typeof ipcMain.removeHandler !== 'function') {
    throw invalidArgType('ipcMain', "Electron's ipcMain (an object with handle() and removeHandler())", ipcMain);
  }
  checkBackend(backend);
  options = validateKeys(validateOptions(options), ['prefix', 'allowedOrigins', 'appPath', 'windows', 'logger']);
  const prefix = options.prefix === undefined ? 'backend' : options.prefix;
  if (typeof prefix !== 'string') throw invalidArgType('options.prefix', 'of type string', prefix);
  if (!PREFIX.test(prefix)) throw invalidArgValue('options.prefix', prefix, 'must be a letter followed by up to 63 letters, digits, _ . or -');
  if (options.appPath !== undefined && (typeof options.appPath !== 'string' || !path.isAbsolute(options.appPath))) {
    throw invalidArgType('options.appPath', 'an absolute path (string)', options.appPath);
  }
  const trusted = normalizeOrigins(options.allowedOrigins, options.appPath);
  const windows = normalizeWindows(options.windows);
  // The Backend's own logger unless the app gives one here.
  const log = options.logger === undefined ? backend[kLogger] || SILENT : validateLogger(options.logger);

  const channels = Object.keys(METHODS).map((m) => `${prefix}:${m}`);
  let taken = registered.get(ipcMain);
  if (!taken) registered.set(ipcMain, (taken = new Set()));
  const clash = channels.find((c) => taken.has(c));
  if (clash) {
    throw codedError(Error, 'ERR_BACKEND_WARDEN_HANDLER_EXISTS',
      `A handler for '${clash}' is already registered by backend-warden; call the dispose() it returned first, or use another prefix`);
  }

  // Senders that passed the checks, when the app did not list its windows.
  const senders = new Map(); // webContents → its 'destroyed' listener
  function track(wc) {
    if (windows || !wc || senders.has(wc) || typeof wc.send !== 'function') return;
    const onDestroyed = () => senders.delete(wc);
    senders.set(wc, onDestroyed);
    if (typeof wc.once === 'function') wc.once('destroyed', onDestroyed);
  }

  function checkSender(event) {
    const frame = event && event.senderFrame;
    const url = frame && typeof frame.url === 'string' ? frame.url : null;
    const origin = url === null ? null : originOf(url);
    if (origin === null || !trusted(url)) {
      throw codedError(Error, 'ERR_BACKEND_WARDEN_UNTRUSTED_SENDER',
        url === null ? 'The sending frame is gone or unknown' : `Origin ${origin || JSON.stringify(url)} may not control the backend`);
    }
    return origin;
  }

  function handler(method) {
    const { keys, call } = METHODS[method];
    const channel = `${prefix}:${method}`;
    return async (event, ...args) => {
      let opts;
      try {
        checkSender(event);
        opts = validateArgs(method, keys, args);
      } catch (err) {
        log.warn(`[backend-warden] ipc: rejected ${channel}: ${err.message}`);
        return { ok: false, error: plainError(err, ERROR_CODE) };
      }
      track(event.sender);
      try {
        return { ok: true, value: toPlain(await call(backend, opts)) };
      } catch (err) {
        return { ok: false, error: plainError(err, ERROR_CODE) };
      }
    };
  }

  function targets() {
    const list = windows ? windows() : [...senders.keys()];
    const out = [];
    for (const item of Array.isArray(list) ? list : []) {
      if (!item) continue;
      if (typeof item.isDestroyed === 'function' && item.isDestroyed()) continue;
      const wc = item.webContents && typeof item.webContents.send === 'function' ? item.webContents : item;
      if (typeof wc.send !== 'function') continue;
      if (typeof wc.isDestroyed === 'function' && wc.isDestroyed()) continue;
      // A window that navigated away from the app gets nothing.
      if (typeof wc.getURL === 'function' && !trusted(wc.getURL())) continue;
      out.push(wc);
    }
    return out;
  }

  const statusChannel = `${prefix}:status-changed`;
  const onStatus = (status) => {
    const plain = toPlain(status);
    let list;
    try {
      list = targets();
    } catch (err) {
      // The app's windows() threw: never let that reach the Backend's emit().
      log.warn(`[backend-warden] ipc: options.windows() failed: ${err.message}`);
      return;
    }
    for (const wc of list) {
      try {
        wc.send(statusChannel, plain);
      } catch (err) {
        log.debug(`[backend-warden] ipc: status push failed: ${err.message}`);
      }
    }
  };

  const done = [];
  try {
    for (const method of Object.keys(METHODS)) {
      const channel = `${prefix}:${method}`;
      ipcMain.handle(channel, handler(method));
      done.push(channel);
      taken.add(channel);
    }
  } catch (err) {
    for (const channel of done) {
      ipcMain.removeHandler(channel);
      taken.delete(channel);
    }
    const clash = channels[done.length];
    throw codedError(Error, 'ERR_BACKEND_WARDEN_HANDLER_EXISTS',
      `Could not register a handler for '${clash}' (${err.message}); another handler may own it: remove it first, or use another prefix`);
  }
  backend.on('status', onStatus);
  const releasePreloadOptions = answerPreloadOptions(ipcMain);

  let disposed = false;
  return function dispose() {
    if (disposed) return;
    disposed = true;
    backend.removeListener('status', onStatus);
    releasePreloadOptions();
    for (const channel of done) {
      ipcMain.removeHandler(channel);
      taken.delete(channel);
    }
    for (const [wc, onDestroyed] of senders) {
      if (typeof wc.removeListener === 'function') wc.removeListener('destroyed', onDestroyed);
    }
    senders.clear();
  };
}

module.exports = { registerIpcHandlers };
