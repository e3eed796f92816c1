'use strict';
// The one Windows argv quoter: an argument written so that
// CommandLineToArgvW and the MSVC C runtime parse it back unchanged (the
// rules libuv's quote_cmd_arg follows). Used for the command line of a job
// spawn (lib/tree/job-win.js) and for the netsh line shown to the user
// (lib/firewall/command.js).

const { invalidArgValue, outOfRange } = require('../errors');

// Quoted, with backslashes doubled only where they precede a quote. Unless
// `always`, an argument that needs no quotes (no space, tab or quote, not
// empty) is returned as it is.
function quoteArg(arg, { always = false } = {}) {
  if (!always) {
    if (arg === '') return '""';
    if (!/[\s"]/.test(arg)) return arg;
  }
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
    } else if (ch === '"') {
      out += `${'\\'.repeat(backslashes * 2 + 1)}"`;
      backslashes = 0;
    } else {
      out += '\\'.repeat(backslashes) + ch;
      backslashes = 0;
    }
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
}

// The command line of a program and its arguments.
function commandLine(program, args) {
  return [program, ...args].map((a) => quoteArg(a)).join(' ');
}

// Windows command lines. A .cmd/.bat file runs as
//   "<cmd.exe>" /d /s /c "<batch> <arg> <arg> ..."
// where the batch path is in quotes and each argument is quoted for the program's parser (the MSVC rules
// CommandLineToArgvW follows) and then caret-escaped for cmd.exe — twice,
// because cmd parses the arguments twice: once on the /c line, and once more
// when the batch file substitutes them into its own command line (%* or %1,
// as npm.cmd, npx.cmd and every node_modules\.bin shim do). cross-spawn's
// lib/util/escape.js is the reference (it double-escapes for .bin shims
// only; here every batch file gets it, since any batch that forwards its
// arguments re-parses them).
//
// What cannot be made safe is refused with ERR_INVALID_ARG_VALUE: a newline
// ends cmd's line whatever is escaped; and "%" in an argument. The /c line
// itself is safe (escaping leaves a caret at the end of every name between
// two percent signs, and an undefined name stays literal there), but the
// batch file's own line is not: a batch that passes its arguments on with
// CALL expands %NAME% in them a second time, where an undefined name becomes
// empty and a defined one expands — and Wine's cmd.exe does so for plain %*
// too (seen here: "50%" arrives as "50", "%PATH%" as the path). No escape
// survives both kinds of parser, so "%" is refused rather than mangled.

// cmd.exe's own limit on a command line.
const CMD_MAX = 8191;
// cross-spawn's set of characters that mean something to cmd.exe.
const META = /([()\][%!^"`<>&|;, *?])/g;

function caret(s) {
  return s.replace(META, '^$1');
}

// One argument for a batch file: quoted for the program, escaped for cmd's
// two passes.
function cmdArgument(arg) {
  return caret(caret(quoteArg(arg, { always: true })));
}

// The batch file's path, parsed once by the /c line: in quotes (a path
// cannot contain one), where spaces, &, ( ) and ^ are literal. Carets, as
// cross-spawn does it, are not enough for Wine's cmd.exe, which then takes
// the whole line for the command name.
function cmdCommand(file) {
  return `"${file}"`;
}

// The full CreateProcessW command line for running `file` (a .cmd or .bat)
// with `args` through `comspec`. Throws ERR_INVALID_ARG_VALUE for arguments
// that cannot be passed safely, ERR_OUT_OF_RANGE past cmd's length limit.
function cmdCommandLine(file, args, comspec) {
  if (file.includes('%')) {
    throw invalidArgValue('command', file, 'names a batch file whose path contains "%", which cmd.exe would expand');
  }
  args.forEach((arg, i) => {
    if (/[\r\n]/.test(arg)) {
      throw invalidArgValue(`args[${i}]`, arg, `cannot be passed to the batch file ${file}: cmd.exe ends its command line at a newline`);
    }
    if (arg.includes('%')) {
      throw invalidArgValue(`args[${i}]`, arg,
        `cannot be passed to the batch file ${file}: cmd.exe may expand "%" in a batch file's arguments a second time (CALL; Wine's cmd.exe always); pass the value in an environment variable, or run the program the batch file runs directly`);
    }
  });
  const line = [cmdCommand(file), ...args.map(cmdArgument)].join(' ');
  if (line.length > CMD_MAX) {
    throw outOfRange('the command line for cmd.exe', `<= ${CMD_MAX} characters once escaped`, line.length);
  }
  return `"${comspec}" /d /s /c "${line}"`;
}

module.exports = { quoteArg, commandLine, cmdCommandLine, cmdArgument, cmdCommand };
