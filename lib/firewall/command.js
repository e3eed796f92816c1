'use strict';
// The netsh command line that allows a backend through the Windows Firewall,
// for the user to run in a Command Prompt opened as administrator (never run
// here), and the checks of the program path it names.

const path = require('path');
const { invalidArgValue, codedError } = require('../errors');
const {
  validateObject, validatePort, validateProtocol, validateString,
} = require('../validate');
const { quoteArg } = require('../tree/win-cmdline');

// An absolute path by the rules of the platform that will run it; with
// `windows`, by Windows rules and normalised (the Windows lane, synthetic
// verdicts, and programs named in a netsh line).
function validateProgram(value, name, windows) {
  validateString(value, name);
  if (!(windows ? path.win32.isAbsolute : path.isAbsolute)(value)) throw invalidArgValue(name, value, 'must be an absolute path');
  return windows ? path.win32.normalize(value) : value;
}

// A path Windows can hold: absolute, and none of the characters file names
// cannot contain (the double quote among them, so a program path never needs
// an embedded quote on a command line).
function validateWindowsProgram(value, name) {
  const program = validateProgram(value, name, true);
  // eslint-disable-next-line no-control-regex
  if (/["<>|*\x00-\x1f]/.test(value)) {
    throw invalidArgValue(name, value, 'must be a Windows path (no ", <, >, |, * or control characters)');
  }
  return program;
}

// A value for a line typed into cmd.exe, parsed back by the C runtime.
// cmd.exe expands %NAME% everywhere, inside quotes too, and an escaping
// caret does not stop that in every cmd.exe (Wine's removes carets first).
// So every '%' is placed between two quoted pieces, "a"%"b": the text
// between two percent signs then always starts with a quote, which no
// variable name does (and at the command line an undefined %NAME% stays as
// written); the C runtime joins the pieces back to a%b.
function quoteValue(value) {
  return value.split('%').map((piece) => quoteArg(piece, { always: true })).join('%');
}

// cmd.exe toggles its quote state at every '"' (it knows nothing of \"),
// and outside quotes & | < > ( ) ^ are operators. Values without an
// embedded quote keep the state balanced; a rule name with one flips it, so
// the line is walked the way cmd.exe reads it and what it sees unquoted is
// escaped with ^ (which cmd.exe removes before netsh sees the line).
function cmdGuard(line) {
  let out = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && '&|<>()^'.includes(ch)) out += '^';
    out += ch;
  }
  return out;
}

function validateRuleName(value, name) {
  validateString(value, name, { maxLength: 1024 });
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f]/.test(value)) throw invalidArgValue(name, value, 'must not contain control characters');
  if (value.trim().toLowerCase() === 'all') throw invalidArgValue(name, value, 'must not be "all" (netsh reserves it for every rule)');
  return value;
}

// firewallCommand({ name, program, port, protocol = 'tcp' }) → the
// `netsh advfirewall firewall add rule …` line that allows the backend, for
// the user to run in a Command Prompt opened as administrator. Never run by
// the library.
function firewallCommand(options) {
  validateObject(options, 'options');
  const program = options.program === undefined ? undefined : validateWindowsProgram(options.program, 'options.program');
  const port = options.port === undefined ? undefined : validatePort(options.port, 'options.port');
  const protocol = options.protocol === undefined ? 'tcp' : validateProtocol(options.protocol, 'options.protocol', { ignoreCase: true });
  if (program === undefined && port === undefined) {
    throw codedError(TypeError, 'ERR_MISSING_ARGS', 'The "options.program" or "options.port" argument must be specified');
  }
  const name = options.name === undefined
    ? (program !== undefined ? path.win32.basename(program) : `${protocol.toUpperCase()} port ${port}`)
    : validateRuleName(options.name, 'options.name');
  const args = ['netsh', 'advfirewall', 'firewall', 'add', 'rule', `name=${quoteValue(name)}`, 'dir=in', 'action=allow'];
  if (program !== undefined) args.push(`program=${quoteValue(program)}`);
  args.push('enable=yes', 'profile=any', `protocol=${protocol.toUpperCase()}`);
  if (port !== undefined) args.push(`localport=${port}`);
  return cmdGuard(args.join(' '));
}

module.exports = { firewallCommand, validateProgram };
