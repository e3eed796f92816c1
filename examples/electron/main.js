'use strict';
// Example Electron main process: one Backend (server.js), its IPC handlers,
// and one window that shows the backend's status live.

const path = require('path');
const { app, BrowserWindow, ipcMain } = require('electron');
const { Backend, attachToApp, registerIpcHandlers } = require('backend-warden');

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
      // The package's own preload: window.backend, with the sandbox on and no
      // bundler (it requires only 'electron'). An app with a preload of its
      // own keeps it and calls registerPreload(session.defaultSession).
      preload: require.resolve('backend-warden/sandboxed-preload'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
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

// Electron does not wait for promises while quitting: attachToApp holds the
// first quit, stops the backend gracefully (at most 30 s, then app.exit()),
// and force-kills it synchronously on will-quit, process exit and Windows
// logoff/shutdown.
attachToApp(app, backend);
app.on('quit', () => {
  if (disposeIpc) disposeIpc();
  disposeIpc = null;
});

app.whenReady().then(() => {
  disposeIpc = registerIpcHandlers(ipcMain, backend, {
    // Only the app's own files may call (the default). With a dev server, add
    // its origin: allowedOrigins: ['http://localhost:5173'].
    windows: () => BrowserWindow.getAllWindows(),
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  return startBackend();
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

module.exports = { backend };
