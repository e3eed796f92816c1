'use strict';
// attachToApp(app, backendOrBackends, { quitTimeoutMs }): ties Backends to
// Electron's quit sequence, which does not wait for promises.
//
// - The first 'before-quit' while a backend is active is held
//   (preventDefault); every backend is stopped gracefully, in parallel; then
//   app.quit() runs again and this time passes. Another 'before-quit' during
//   the stop is held too (the user pressing Cmd+Q twice changes nothing).
// - If the stops take longer than quitTimeoutMs (default 30000), every
//   backend is force-killed with stopSync() and app.exit(0) ends the app.
// - 'will-quit' and the process's 'exit' run stopSync(): whatever got past
//   before-quit (app.exit() elsewhere, a quit that skipped it) still kills
//   the trees.
// - Windows logoff/shutdown: BrowserWindow's 'query-session-end' and
//   'session-end' (Electron emits them on windows, not on app, and skips
//   before-quit) stop synchronously: there is no time for a graceful stop.
//   Windows created after attachToApp are reached through app's
//   'browser-window-created'; pass options.windows for earlier ones.
//
// Returns detach(), which removes every listener (and a pending timeout).

const { invalidArgType, invalidArgValue } = require('../errors');
const {
  validateInteger, validateKeys, validateLogger, validateOptions,
} = require('../validate');

const DEFAULT_QUIT_TIMEOUT_MS = 30000;
// States in which a backend has nothing left to stop.
const INACTIVE = new Set(['idle', 'stopped', 'crashed']);
const SESSION_EVENTS = ['query-session-end', 'session-end'];

function checkApp(app) {
  if (app === null || typeof app !== 'object') throw invalidArgType('app', "Electron's app", app);
  for (const m of ['on', 'removeListener', 'quit', 'exit']) {
    if (typeof app[m] !== 'function') throw invalidArgType('app', `Electron's app (no ${m}() method)`, app);
  }
}

function checkBackends(value) {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw invalidArgValue('backends', value, 'must contain at least one Backend');
  list.forEach((b, i) => {
    const name = Array.isArray(value) ? `backends[${i}]` : 'backend';
    if (b === null || typeof b !== 'object' || typeof b.stop !== 'function' || typeof b.stopSync !== 'function') {
      throw invalidArgType(name, 'an instance of Backend', b);
    }
  });
  if (new Set(list).size !== list.length) throw invalidArgValue('backends', '[…]', 'must not list a Backend twice');
  return list;
}

function checkOptions(options) {
  options = validateKeys(validateOptions(options), ['quitTimeoutMs', 'windows', 'logger', 'exitCode']);
  const t = options.quitTimeoutMs === undefined ? DEFAULT_QUIT_TIMEOUT_MS
    : validateInteger(options.quitTimeoutMs, 'options.quitTimeoutMs', 0, 2 ** 31 - 1);
  const code = options.exitCode === undefined ? 0 : validateInteger(options.exitCode, 'options.exitCode');
  const windows = options.windows === undefined ? [] : options.windows;
  if (!Array.isArray(windows)) throw invalidArgType('options.windows', 'an array of BrowserWindow', windows);
  windows.forEach((w, i) => {
    if (w === null || typeof w !== 'object' || typeof w.on !== 'function' || typeof w.removeListener !== 'function') {
      throw invalidArgType(`options.windows[${i}]`, 'a BrowserWindow', w);
    }
  });
  const log = validateLogger(options.logger);
  return { quitTimeoutMs: t, exitCode: code, windows, log };
}

function attachToApp(app, backendOrBackends, options) {
  checkApp(app);
  const backends = checkBackends(backendOrBackends);
  const { quitTimeoutMs, exitCode, windows, log } = checkOptions(options);

  // 'idle': nothing held; 'stopping': a held quit waits for the stops;
  // 'quitting': the stops are done (or timed out) and the quit goes on.
  let phase = 'idle';
  let timer = null;
  let detached = false;

  const isActive = (b) => !INACTIVE.has(typeof b.state === 'string' ? b.state : 'idle');

  function stopAllSync(why) {
    for (const b of backends) {
      try {
        b.stopSync();
      } catch (err) {
        log.error(`[backend-warden] attachToApp: stopSync() on ${why} failed: ${err && err.message}`);
      }
    }
  }

  function finish(timedOut) {
    if (phase !== 'stopping' || detached) return;
    phase = 'quitting';
    clearTimeout(timer);
    timer = null;
    if (timedOut) {
      log.warn(`[backend-warden] attachToApp: backends did not stop within ${quitTimeoutMs} ms; forcing them and exiting`);
      stopAllSync('quit timeout');
      app.exit(exitCode);
      return;
    }
    app.quit();
  }

  function onBeforeQuit(event) {
    if (phase === 'stopping') {
      event.preventDefault();
      return;
    }
    // A quit that was cancelled after we let it through (a window refused to
    // close) and a backend started again since: hold the next one again.
    if (!backends.some(isActive)) return;
    event.preventDefault();
    phase = 'stopping';
    timer = setTimeout(() => finish(true), quitTimeoutMs);
    // stop() is called at once on every backend (they stop in parallel); a
    // stop() that throws instead of rejecting counts as failed.
    const attempt = (b) => {
      try {
        return Promise.resolve(b.stop());
      } catch (err) {
        return Promise.reject(err);
      }
    };
    Promise.all(backends.map((b) => attempt(b)
      .then((result) => {
        if (result && result.success === false) log.warn(`[backend-warden] attachToApp: ${b.name || 'a backend'} left survivors behind`);
      }, (err) => {
        log.error(`[backend-warden] attachToApp: stop() of ${b.name || 'a backend'} failed: ${err && err.message}`);
      })))
      .then(() => finish(false));
  }

  const onWillQuit = () => stopAllSync('will-quit');
  const onExit = () => stopAllSync('process exit');
  const onSessionEnd = () => stopAllSync('Windows session end');

  const watched = new Set();
  function watchWindow(win) {
    if (!win || typeof win.on !== 'function' || watched.has(win)) return;
    watched.add(win);
    for (const e of SESSION_EVENTS) win.on(e, onSessionEnd);
    if (typeof win.once === 'function') win.once('closed', () => unwatchWindow(win));
  }
  function unwatchWindow(win) {
    if (!watched.delete(win)) return;
    for (const e of SESSION_EVENTS) win.removeListener(e, onSessionEnd);
  }
  const onWindowCreated = (_event, win) => watchWindow(win);

  app.on('before-quit', onBeforeQuit);
  app.on('will-quit', onWillQuit);
  app.on('browser-window-created', onWindowCreated);
  process.on('exit', onExit);
  windows.forEach(watchWindow);

  return function detach() {
    if (detached) return;
    detached = true;
    clearTimeout(timer);
    timer = null;
    app.removeListener('before-quit', onBeforeQuit);
    app.removeListener('will-quit', onWillQuit);
    app.removeListener('browser-window-created', onWindowCreated);
    process.removeListener('exit', onExit);
    for (const win of [...watched]) unwatchWindow(win);
  };
}

module.exports = { attachToApp, DEFAULT_QUIT_TIMEOUT_MS };
