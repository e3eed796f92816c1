'use strict';
// registerPreload(session, { key, prefix }?): registers the package's
// self-contained preload (sandboxed-preload.js) for every frame of a
// session, so that window.<key> exists in sandbox: true renderers next to
// an app's own preload. Electron 35+: session.registerPreloadScript();
// before: session.setPreloads(). Returns unregister().
//
// Which keys and prefixes a session's windows get is kept here; the
// sandboxed preload asks once, synchronously, on OPTIONS_CHANNEL, and
// registerIpcHandlers' listener answers with preloadOptionsFor(session).

const path = require('path');
const { invalidArgType, invalidArgValue } = require('../errors');
const { validateKeys, validateOptions } = require('../validate');

const FILE = path.join(__dirname, 'sandboxed-preload.js');
const SCRIPT_ID = 'backend-warden';
const OPTIONS_CHANNEL = 'backend-warden:preload-options';
const PREFIX = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const KEY = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;

// session → [{ key, prefix }] registered for it, in order.
const sessions = new WeakMap();

function checkSession(session) {
  if (session === null || typeof session !== 'object') throw invalidArgType('session', "an Electron Session (e.g. session.defaultSession)", session);
  const modern = typeof session.registerPreloadScript === 'function' && typeof session.unregisterPreloadScript === 'function';
  const legacy = typeof session.setPreloads === 'function' && typeof session.getPreloads === 'function';
  if (!modern && !legacy) {
    throw invalidArgType('session', 'an Electron Session (with registerPreloadScript() or setPreloads())', session);
  }
  return modern;
}

function checkOptions(options) {
  options = validateKeys(validateOptions(options), ['key', 'prefix']);
  const key = options.key === undefined ? 'backend' : options.key;
  const prefix = options.prefix === undefined ? 'backend' : options.prefix;
  if (typeof key !== 'string') throw invalidArgType('options.key', 'of type string', key);
  if (!KEY.test(key)) throw invalidArgValue('options.key', key, 'must be a JavaScript identifier');
  if (typeof prefix !== 'string') throw invalidArgType('options.prefix', 'of type string', prefix);
  if (!PREFIX.test(prefix)) throw invalidArgValue('options.prefix', prefix, 'must be a letter followed by up to 63 letters, digits, _ . or -');
  return { key, prefix };
}

function install(session, modern) {
  if (modern) {
    const existing = typeof session.getPreloadScripts === 'function' ? session.getPreloadScripts() : [];
    if (!existing.some((s) => s && s.id === SCRIPT_ID)) session.registerPreloadScript({ type: 'frame', id: SCRIPT_ID, filePath: FILE });
  } else {
    const list = session.getPreloads();
    if (!list.includes(FILE)) session.setPreloads([...list, FILE]);
  }
}

function uninstall(session, modern) {
  if (modern) session.unregisterPreloadScript(SCRIPT_ID);
  else session.setPreloads(session.getPreloads().filter((f) => f !== FILE));
}

function registerPreload(session, options) {
  const modern = checkSession(session);
  const entry = checkOptions(options);
  const entries = sessions.get(session) || [];
  if (entries.some((e) => e.key === entry.key)) {
    throw invalidArgValue('options.key', entry.key, 'is already registered for this session');
  }
  if (entries.length === 0) install(session, modern);
  entries.push(entry);
  sessions.set(session, entries);

  let done = false;
  return function unregister() {
    if (done) return;
    done = true;
    const list = sessions.get(session) || [];
    const i = list.indexOf(entry);
    if (i !== -1) list.splice(i, 1);
    if (list.length === 0) {
      sessions.delete(session);
      uninstall(session, modern);
    }
  };
}

// What the sandboxed preload of a window of `session` exposes, or null (it
// then exposes window.backend for prefix 'backend').
function preloadOptionsFor(session) {
  const list = session && typeof session === 'object' ? sessions.get(session) : undefined;
  return list && list.length ? list.map((e) => ({ key: e.key, prefix: e.prefix })) : null;
}

// ipcMain → { count, listener }: one OPTIONS_CHANNEL listener per ipcMain
// while any registerIpcHandlers registration lives.
const answering = new WeakMap();

// Called by registerIpcHandlers; returns release(). An ipcMain without on()
// (a stand-in of handle() only) gets no listener.
function answerPreloadOptions(ipcMain) {
  if (typeof ipcMain.on !== 'function' || typeof ipcMain.removeListener !== 'function') return () => {};
  let state = answering.get(ipcMain);
  if (!state) {
    const listener = (event) => {
      event.returnValue = preloadOptionsFor(event && event.sender ? event.sender.session : undefined);
    };
    state = { count: 0, listener };
    answering.set(ipcMain, state);
    ipcMain.on(OPTIONS_CHANNEL, listener);
  }
  state.count++;
  let released = false;
  return function release() {
    if (released) return;
    released = true;
    if (--state.count === 0) {
      answering.delete(ipcMain);
      ipcMain.removeListener(OPTIONS_CHANNEL, state.listener);
    }
  };
}

module.exports = { registerPreload, preloadOptionsFor, answerPreloadOptions, OPTIONS_CHANNEL, SANDBOXED_PRELOAD: FILE };
