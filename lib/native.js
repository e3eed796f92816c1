'use strict';
// The one loader of the native binding. Tries, in order: the file named by
// BACKEND_WARDEN_NATIVE (tests, sanitizer builds), prebuilds/<platform>-<arch>/,
// build/Release/, build/Debug/ — except that a source build newer than the
// prebuild goes first (it was made because the prebuild did not fit, or in
// a checkout after the code changed). Inside an Electron app packed with asar, the
// .node file (and the supervisor) must live in app.asar.unpacked: the paths
// are rewritten to point there. On failure one error lists every path tried,
// the last load error and the command that fixes it. What the binding
// exports, and what this file does, are declared in ./native.d.ts.

const fs = require('fs');
const path = require('path');

const SUPPORTED = new Set(['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64']);
const FILE = 'backend_warden.node';

// Electron reads files inside app.asar transparently, but the OS cannot load
// a shared library or run an executable from there.
function unpacked(p) {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

const packageRoot = unpacked(path.resolve(__dirname, '..'));

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

function candidates(root = packageRoot, env = process.env) {
  const tag = `${process.platform}-${process.arch}`;
  const list = [];
  if (env.BACKEND_WARDEN_NATIVE) list.push(path.resolve(env.BACKEND_WARDEN_NATIVE));
  const prebuild = path.join(root, 'prebuilds', tag, FILE);
  const builds = [path.join(root, 'build', 'Release', FILE), path.join(root, 'build', 'Debug', FILE)];
  const newest = Math.max(...builds.map(mtime));
  if (newest > mtime(prebuild)) list.push(...builds.filter((b) => mtime(b) === newest), prebuild);
  else list.push(prebuild);
  for (const b of builds) if (!list.includes(b)) list.push(b);
  return list;
}

function loadError(message, code, cause) {
  const err = new Error(message);
  err.code = code;
  if (cause) err.cause = cause;
  return err;
}

// Loads the first candidate that exists. Exported for tests.
function loadFrom(paths, requireFn = require) {
  const tag = `${process.platform}-${process.arch}`;
  const tried = [];
  let lastError = null;
  for (const p of paths) {
    if (!fs.existsSync(p)) {
      tried.push(`${p} (not found)`);
      continue;
    }
    try {
      const binding = requireFn(p);
      binding.path = p;
      return binding;
    } catch (err) {
      lastError = err;
      tried.push(`${p} (${String(err.message).split('\n')[0]})`);
    }
  }
  const list = tried.map((t) => `  - ${t}`).join('\n');
  if (!SUPPORTED.has(tag)) {
    throw loadError(
      `backend-warden does not support ${tag} (Node ${process.version}); supported: ${[...SUPPORTED].join(', ')}.\nTried:\n${list}`,
      'ERR_BACKEND_WARDEN_UNSUPPORTED_PLATFORM', lastError);
  }
  // The commands that build one here: with npm 11 the package's install
  // script runs once approved; cmake-js (pinned) works without npm's help.
  const build =
    `Build it here (needs CMake and a C compiler): "npm approve-scripts backend-warden && npm rebuild backend-warden" ` +
    `(npm 11; older npm: "npm rebuild backend-warden"), or in ${packageRoot}: "npx --yes cmake-js@8.0.0 compile".`;
  if (lastError) {
    throw loadError(
      `backend-warden: the native binary for ${tag} could not be loaded; it may be built for another platform, architecture or C library, or be damaged.\n` +
        `${build}\nTried:\n${list}`,
      'ERR_BACKEND_WARDEN_LOAD_FAILED', lastError);
  }
  throw loadError(
    `backend-warden: no native binary for ${tag} (Node ${process.version}).\n${build}\nTried:\n${list}`,
    'ERR_BACKEND_WARDEN_NOT_FOUND');
}

let cached = null;

// The binding, loaded on first use so that modules needing no native code
// (ipc.js, preload.js, errors.js) never load it.
function binding() {
  if (cached === null) cached = loadFrom(candidates());
  return cached;
}

// An executable shipped next to the binding (the Unix supervisor, the
// Windows Ctrl+C helper), outside app.asar: the OS cannot run it from there.
function helperPath(name) {
  return unpacked(path.join(path.dirname(binding().path), name));
}

module.exports = { binding, loadFrom, candidates, unpacked, helperPath };
