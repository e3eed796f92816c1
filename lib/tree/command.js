'use strict';
// Command resolution for spawnTree (and so for Backend and runTree): which
// file runs, and with which argument vector or Windows command line.
//
// - A command with a path separator is a path, resolved against cwd.
// - A bare name is looked up on PATH (the child's environment, as execvp and
//   libuv do); on Windows the current directory first (unless
//   NoDefaultCurrentDirectoryInExePath is set) and with PATHEXT, restricted
//   to what CreateProcessW can start: .exe and .com directly, .cmd and .bat
//   through cmd.exe.
// - A Windows .cmd/.bat runs as `cmd.exe /d /s /c "<command line>"` with
//   every argument escaped for cmd's parser and the program's (the one
//   deliberate shell use, G5; lib/tree/win-cmdline.js holds the quoting).
//   What cannot be passed safely is refused with ERR_INVALID_ARG_VALUE.
//
// When nothing is found, the command is passed on unchanged so that the
// platform layer reports ENOENT as it always has.

const fs = require('fs');
const path = require('path');

const { cmdCommandLine } = require('./win-cmdline');

const RUNNABLE = ['.exe', '.com', '.cmd', '.bat'];
const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD';
const POSIX_DEFAULT_PATH = '/usr/bin:/bin';

// Environment lookup, case-insensitive on Windows like the OS's own.
function envGet(env, name, windows) {
  if (!windows) return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isExecutable(p) {
  if (!isFile(p)) return false;
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// Candidate names for one Windows path stem: the name itself when it already
// ends in a runnable extension (or, for an explicit path, whatever it ends
// in: CreateProcessW runs it by its content), then each runnable PATHEXT
// extension.
function windowsCandidates(stem, env, explicit = false) {
  const exts = String(envGet(env, 'PATHEXT', true) || DEFAULT_PATHEXT)
    .split(';').map((e) => e.trim().toLowerCase()).filter((e) => RUNNABLE.includes(e));
  const out = [];
  if (explicit || RUNNABLE.includes(path.win32.extname(stem).toLowerCase())) out.push(stem);
  for (const ext of exts) out.push(stem + ext);
  return out;
}

// findProgram(command, { cwd, env }) → absolute path or null.
function findProgram(command, { cwd, env = process.env } = {}) {
  const windows = process.platform === 'win32';
  const p = windows ? path.win32 : path.posix;
  const base = cwd ? p.resolve(process.cwd(), cwd) : process.cwd();
  const hasSep = windows ? /[\\/]/.test(command) : command.includes('/');
  if (windows) {
    if (hasSep || p.isAbsolute(command)) {
      return windowsCandidates(p.resolve(base, command), env, true).find(isFile) || null;
    }
    const dirs = (envGet(env, 'PATH', true) || '').split(';').map((d) => d.replace(/^"(.*)"$/, '$1')).filter(Boolean);
    if (envGet(env, 'NODEFAULTCURRENTDIRECTORYINEXEPATH', true) === undefined) dirs.unshift(base);
    for (const dir of dirs) {
      const found = windowsCandidates(p.resolve(base, dir, command), env).find(isFile);
      if (found) return found;
    }
    return null;
  }
  if (hasSep) {
    const f = p.resolve(base, command);
    return isFile(f) ? f : null;
  }
  const pathVar = envGet(env, 'PATH', false);
  // An empty PATH entry means the current directory (execvp's rule).
  for (const dir of (pathVar === undefined ? POSIX_DEFAULT_PATH : pathVar).split(':')) {
    const f = p.resolve(base, dir || '.', command);
    if (isExecutable(f)) return f;
  }
  return null;
}

function isBatch(file) {
  return /\.(cmd|bat)$/i.test(file);
}

// The shell cmd.exe: %ComSpec%, else %SystemRoot%\System32\cmd.exe.
function cmdExe(env) {
  const comspec = envGet(env, 'COMSPEC', true);
  if (comspec && path.win32.isAbsolute(comspec)) return comspec;
  const root = envGet(env, 'SYSTEMROOT', true) || 'C:\\Windows';
  return path.win32.join(root, 'System32', 'cmd.exe');
}

// resolveCommand(command, args, { cwd, env }) →
//   { file, args, commandLine, resolved, viaCmd }
// file/args are what the platform layer starts; commandLine (Windows .cmd
// only) is the verbatim command line for CreateProcessW; resolved is the
// program the app named, as found (null when not found), for logs and errors.
// Throws ERR_INVALID_ARG_VALUE for arguments a batch file cannot receive.
function resolveCommand(command, args, { cwd, env = process.env } = {}) {
  const resolved = findProgram(command, { cwd, env });
  if (resolved === null) return { file: command, args, commandLine: null, resolved: null, viaCmd: false };
  if (process.platform === 'win32' && isBatch(resolved)) {
    const comspec = cmdExe(env);
    return { file: comspec, args, commandLine: cmdCommandLine(resolved, args, comspec), resolved, viaCmd: true };
  }
  return { file: resolved, args, commandLine: null, resolved, viaCmd: false };
}

module.exports = { resolveCommand, findProgram, cmdExe };
