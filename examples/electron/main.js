'use strict';
// Example Electron main process: one Backend (server.js), its IPC handlers,
// and one window that shows the backend's status live.

const path = require('path');
const { app, BrowserWindow, ipcMain } = require('electron');
const { Backend, registerIpcHandlers } = require('backend-warden');

const backend = new Backend({
  // Electron's own binary runs server.js as plain Node. In a packaged app with
  // an ASP.NET Core or Python backend, this is the path of that executable,
  // e.g. path.join(process.resourcesPath, 'backend', 'MyApp.Api.exe').
  command: process.execPath,
  args: [path.join(__dirname, 'server.js')],
  env: { ELECTRON_RUN_AS_NODE: '1' },
  name: 'example-backend',
  readiness: { path: '/health' },
  shutdown: { path: '/shutdown', method: 'POST' },
  stopTimeoutMs: 5000,
  restart: { maxRestarts: 3, backoffMs: 500 },
  // A backend left over from a crashed run is stopped on the next start.
  pidFile: path.join(app.getPath('userData'), 'backend.pid'),
  logger: console,
});

let disposeIpc = null;

function createWindow() {
  const win = new BrowserWindow({
    width: 760,
    height: 560,
    webPreferences: {
      preload: path.join(__dirname, 'preload.js'),
      contextIsolation: true,
      nodeIntegration: false,
      // Only so that preload.js can require('backend-warden/preload') from
      // node_modules. A production app bundles its preload (or copies
      // backend-warden/lib/electron/preload.js next to it) and keeps sandbox: true.
      sandbox: false,
    },
  });
  win.loadFile(path.join(__dirname, 'index.html'));
  return win;
}

async function startBackend() {
  try {
    const { url } = await backend.start();
    console.log(`backend ready at ${url}`);
  } catch (err) {
    // The window shows it too: status().lastError.
    console.error(`backend failed to start: ${err.message}`);
  }
}

// Electron does not wait for promises while quitting: hold the quit once,
// stop the backend gracefully, then quit for real. stopOnExit (on by default)
// still force-kills the tree if the app exits some other way.
let stopped = false;
function onBeforeQuit(event) {
  if (stopped) return;
  event.preventDefault();
  backend.stop().finally(() => {
    stopped = true;
    if (disposeIpc) disposeIpc();
    disposeIpc = null;
    app.quit();
  });
}

app.whenReady().then(() => {
  disposeIpc = registerIpcHandlers(ipcMain, backend, {
    // The page is loaded from file://, the default allowed origin. With a dev
    // server, add its origin: allowedOrigins: ['file://', 'http://localhost:5173'].
    windows: () => BrowserWindow.getAllWindows(),
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  return startBackend();
});

app.on('before-quit', onBeforeQuit);

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

module.exports = { backend };
