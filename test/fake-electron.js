'use strict';
// Minimal stand-ins for the parts of Electron's contract that lib/electron/ipc.js and
// lib/electron/preload.js use: ipcMain (handle/removeHandler), webContents (send,
// isDestroyed, getURL, 'destroyed'), ipcRenderer (invoke/on/removeListener)
// and contextBridge (exposeInMainWorld). Values crossing the fake process
// boundary go through structuredClone, as Electron's IPC does. They stand in
// for Electron only: the backend behind them is real.
// hookModules makes require('electron') return them and 'backend-warden' this
// checkout, for the example and README tests.

const EventEmitter = require('events');
const Module = require('module');

class FakeIpcMain {
  constructor() {
    this.handlers = new Map();
  }

  handle(channel, fn) {
    // Electron's own behaviour.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, fn);
  }

  removeHandler(channel) {
    this.handlers.delete(channel);
  }
}

class FakeWebContents extends EventEmitter {
  constructor(url) {
    super();
    this.url = url;
    this.sent = [];
    this.destroyed = false;
    this.renderer = null; // set by FakeIpcRenderer
  }

  getURL() {
    return this.url;
  }

  isDestroyed() {
    return this.destroyed;
  }

  send(channel, ...args) {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const copy = structuredClone(args);
    this.sent.push({ channel, args: copy });
    if (this.renderer) this.renderer._deliver(channel, copy);
  }

  destroy() {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

class FakeBrowserWindow {
  constructor(url = 'about:blank') {
    this.webContents = new FakeWebContents(url);
  }

  isDestroyed() {
    return this.webContents.destroyed;
  }
}

// app: whenReady(), getPath(), quit() with before-quit's preventDefault.
class FakeApp extends EventEmitter {
  constructor(userData) {
    super();
    this.userData = userData;
    this.quitCount = 0;
    this.quitted = false;
    this._ready = new Promise((resolve) => { this.ready = resolve; });
  }

  whenReady() {
    return this._ready;
  }

  getPath() {
    return this.userData;
  }

  quit() {
    this.quitCount++;
    let prevented = false;
    this.emit('before-quit', { preventDefault() { prevented = true; } });
    if (prevented) return;
    this.quitted = true;
    this.emit('will-quit', { preventDefault() {} });
    this.emit('quit');
  }
}

// The 'electron' module as the example's main process sees it.
function fakeElectronMain(userData) {
  const windows = [];
  class BrowserWindow extends FakeBrowserWindow {
    constructor(options) {
      super();
      this.options = options;
      windows.push(this);
    }

    loadFile(file) {
      this.webContents.url = require('url').pathToFileURL(file).href;
      return Promise.resolve();
    }

    close() {
      this.webContents.destroy();
      windows.splice(windows.indexOf(this), 1);
    }

    static getAllWindows() {
      return windows.slice();
    }
  }
  return { app: new FakeApp(userData), BrowserWindow, ipcMain: new FakeIpcMain() };
}

// The renderer side of one webContents whose main frame shows `url`.
class FakeIpcRenderer {
  constructor(ipcMain, webContents, frameUrl = webContents.url) {
    this.ipcMain = ipcMain;
    this.webContents = webContents;
    this.frameUrl = frameUrl;
    this.listeners = new Map();
    webContents.renderer = this;
  }

  invoke(channel, ...args) {
    const handler = this.ipcMain.handlers.get(channel);
    if (!handler) return Promise.reject(new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`));
    const event = {
      sender: this.webContents,
      senderFrame: this.frameUrl === null ? null : { url: this.frameUrl },
    };
    return Promise.resolve()
      .then(() => handler(event, ...structuredClone(args)))
      .then((result) => structuredClone(result), (err) => {
        // Electron keeps only the message of an error thrown by a handler.
        throw new Error(`Error invoking remote method '${channel}': ${err}`);
      });
  }

  on(channel, listener) {
    if (!this.listeners.has(channel)) this.listeners.set(channel, []);
    this.listeners.get(channel).push(listener);
    return this;
  }

  removeListener(channel, listener) {
    const list = this.listeners.get(channel) || [];
    const i = list.indexOf(listener);
    if (i !== -1) list.splice(i, 1);
    if (list.length === 0) this.listeners.delete(channel);
    return this;
  }

  listenerCount(channel) {
    return (this.listeners.get(channel) || []).length;
  }

  _deliver(channel, args) {
    const event = { sender: this, senderId: 0, ports: [] }; // an IpcRendererEvent
    for (const listener of [...(this.listeners.get(channel) || [])]) listener(event, ...structuredClone(args));
  }
}

class FakeContextBridge {
  constructor() {
    this.world = {};
  }

  exposeInMainWorld(key, api) {
    if (Object.prototype.hasOwnProperty.call(this.world, key)) throw new Error(`Cannot bind an API on top of an existing property on the window object`);
    this.world[key] = api;
  }
}

// require('electron') → `electron` (the stand-ins); require('backend-warden')
// and require.resolve('backend-warden/…') → this checkout, through its own
// exports map (resolved from this file, inside the package). Returns the
// function that restores Node's module loader.
function hookModules(electron) {
  const load = Module._load;
  const resolve = Module._resolveFilename;
  Module._load = function (request, ...rest) {
    if (request === 'electron') return electron;
    return load.call(this, request, ...rest);
  };
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'backend-warden' || request.startsWith('backend-warden/')) return resolve.call(this, request, module, false);
    return resolve.call(this, request, ...rest);
  };
  return function restore() {
    Module._load = load;
    Module._resolveFilename = resolve;
  };
}

module.exports = { FakeIpcMain, FakeWebContents, FakeBrowserWindow, FakeIpcRenderer, FakeContextBridge, FakeApp, fakeElectronMain, hookModules };
