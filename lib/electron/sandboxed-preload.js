'use strict';
// backend-warden's self-contained preload, for renderers with sandbox: true
// and no bundler: require.resolve('backend-warden/sandboxed-preload') names
// it; put it in webPreferences.preload, or let registerPreload(session)
// register it for every window of a session (next to an app's own preload).
//
// It is also the one home of the preload bridge, exposeBackend and
// createBackendApi, which backend-warden/preload (./preload.js) exports for
// an app's own preload: a sandboxed preload may require only a few modules
// ('electron' among them), not files of a package, so the bridge must live
// in this file, and this file requires nothing but 'electron', and that only
// when it exposes. Loaded by ./preload.js (which sets LIBRARY while it
// loads), it exposes nothing by itself.
//
// Replies from lib/electron/ipc.js are { ok: true, value } or { ok: false,
// error: { code, message } }; failures reject with that plain { code,
// message } object, because contextBridge keeps only the message of an Error.
//
// What it exposes, in this order of precedence:
//  1. one window.<key> per --backend-warden-expose=<key>:<prefix> in
//     process.argv (webPreferences.additionalArguments: ['--backend-warden-expose=api:api']);
//  2. what registerPreload(session, { key, prefix }) asked for this window's
//     session (answered once, synchronously, by registerIpcHandlers' listener);
//  3. window.backend for the channels of prefix 'backend'.

// --- the bridge -------------------------------------------------------------

const PREFIX = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const KEY = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;

function argError(message) {
  const err = new TypeError(message);
  err.code = 'ERR_INVALID_ARG_TYPE';
  return err;
}

function argValueError(message) {
  const err = new TypeError(message);
  err.code = 'ERR_INVALID_ARG_VALUE';
  return err;
}

function checkOptions(options, allowed) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw argError('The "options" argument must be of type object.');
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw argValueError(`The property 'options.${key}' is not a known option.`);
  }
  return options;
}

function checkPrefix(prefix) {
  if (typeof prefix !== 'string') throw argError('The "options.prefix" property must be of type string.');
  if (!PREFIX.test(prefix)) {
    throw argValueError(`The property 'options.prefix' must be a letter followed by up to 63 letters, digits, _ . or -. Received '${prefix}'`);
  }
  return prefix;
}

function checkIpcRenderer(ipcRenderer) {
  if (ipcRenderer === null || typeof ipcRenderer !== 'object' || typeof ipcRenderer.invoke !== 'function' ||
      typeof ipcRenderer.on !== 'function' || typeof ipcRenderer.removeListener !== 'function') {
    throw argError('The "ipcRenderer" argument must be Electron\'s ipcRenderer (invoke, on, removeListener).');
  }
}

function ipcFailure(channel, err) {
  const message = err && typeof err.message === 'string' ? err.message : String(err);
  return { code: 'ERR_BACKEND_WARDEN_IPC', message: `${channel}: ${message}` };
}

// The object exposeBackend puts on window.<key>; also for apps that expose it
// inside an object of their own: exposeInMainWorld('electron', { backend:
// createBackendApi(ipcRenderer) }).
function createBackendApi(ipcRenderer, options) {
  checkIpcRenderer(ipcRenderer);
  const opts = checkOptions(options, ['prefix']);
  const prefix = checkPrefix(opts.prefix === undefined ? 'backend' : opts.prefix);

  function call(method, arg) {
    const channel = `${prefix}:${method}`;
    const sent = arg === undefined ? ipcRenderer.invoke(channel) : ipcRenderer.invoke(channel, arg);
    return Promise.resolve(sent).then((reply) => {
      if (reply && reply.ok === true) return reply.value;
      if (reply && reply.ok === false && reply.error) {
        // eslint-disable-next-line prefer-promise-reject-errors
        throw { code: String(reply.error.code), message: String(reply.error.message) };
      }
      throw { code: 'ERR_BACKEND_WARDEN_IPC', message: `${channel}: unexpected reply (is registerIpcHandlers running in the main process?)` };
    }, (err) => {
      throw ipcFailure(channel, err);
    });
  }

  const statusChannel = `${prefix}:status-changed`;
  // Apps that move from their own handlers answered a failed restart or stop
  // with { success: false } and their renderers check `success` without a
  // catch: those two resolve that shape instead of rejecting.
  const settle = (promise) => promise.catch((error) => ({ success: false, error }));

  return Object.freeze({
    // Methods take no arguments from the page beyond the documented ones.
    start: () => call('start'),
    restart: () => settle(call('restart')),
    stop: () => settle(call('stop')),
    status: () => call('status'),
    checkFirewall: () => call('checkFirewall'),
    getFirewallRule: (options) => call('getFirewallRule', options),
    getFirewallCommand: (options) => call('getFirewallCommand', options),
    // cb(status) on every change, and once soon after subscribing with the
    // current status (which also registers this window for pushes). The
    // IpcRendererEvent never reaches the page. Returns unsubscribe().
    onStatus(cb) {
      if (typeof cb !== 'function') throw argError('The "callback" argument must be of type function.');
      let active = true;
      let pushed = false;
      const listener = (_event, status) => {
        pushed = true;
        cb(status);
      };
      ipcRenderer.on(statusChannel, listener);
      call('status').then((status) => {
        if (active && !pushed) cb(status);
      }, () => {});
      return function unsubscribe() {
        if (!active) return;
        active = false;
        ipcRenderer.removeListener(statusChannel, listener);
      };
    },
  });
}

// exposeBackend(contextBridge, ipcRenderer, { key = 'backend', prefix = 'backend' })
// → the exposed API object.
function exposeBackend(contextBridge, ipcRenderer, options) {
  if (contextBridge === null || typeof contextBridge !== 'object' || typeof contextBridge.exposeInMainWorld !== 'function') {
    throw argError('The "contextBridge" argument must be Electron\'s contextBridge (exposeInMainWorld).');
  }
  const opts = checkOptions(options, ['key', 'prefix']);
  const key = opts.key === undefined ? 'backend' : opts.key;
  if (typeof key !== 'string') throw argError('The "options.key" property must be of type string.');
  if (!KEY.test(key)) throw argValueError(`The property 'options.key' must be a JavaScript identifier. Received '${key}'`);
  const api = createBackendApi(ipcRenderer, opts.prefix === undefined ? undefined : { prefix: opts.prefix });
  contextBridge.exposeInMainWorld(key, api);
  return api;
}

// --- the preload ------------------------------------------------------------

const OPTIONS_CHANNEL = 'backend-warden:preload-options';
// Set by ./preload.js while it loads this file for the bridge alone.
const LIBRARY = Symbol.for('backend-warden.preload.library');
const EXPOSE_ARG = '--backend-warden-expose=';

function fromArgv(argv) {
  const out = [];
  for (const arg of Array.isArray(argv) ? argv : []) {
    if (typeof arg !== 'string' || !arg.startsWith(EXPOSE_ARG)) continue;
    const [key, prefix] = arg.slice(EXPOSE_ARG.length).split(':');
    out.push({ key, prefix: prefix || key });
  }
  return out;
}

function fromMainProcess(ipcRenderer) {
  if (typeof ipcRenderer.sendSync !== 'function') return [];
  let reply;
  try {
    reply = ipcRenderer.sendSync(OPTIONS_CHANNEL);
  } catch {
    return [];
  }
  return Array.isArray(reply) ? reply.filter((o) => o && typeof o === 'object') : [];
}

function exposeAll() {
  const { contextBridge, ipcRenderer } = require('electron');
  const argv = typeof process === 'object' && process ? process.argv : undefined;
  let list = fromArgv(argv);
  if (list.length === 0) list = fromMainProcess(ipcRenderer);
  if (list.length === 0) list = [{ key: 'backend', prefix: 'backend' }];
  for (const { key, prefix } of list) {
    try {
      exposeBackend(contextBridge, ipcRenderer, { key, prefix });
    } catch (err) {
      // Another preload already exposed this key (or the options are bad):
      // say so in the renderer's console and go on with the others.
      console.error(`[backend-warden] sandboxed-preload: window.${key}: ${err && err.message}`);
    }
  }
}

if (typeof module === 'object' && module) module.exports = { exposeBackend, createBackendApi };
if (!globalThis[LIBRARY]) exposeAll();
