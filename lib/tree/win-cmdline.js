'use strict';
// The one Windows argv quoter: an argument written so that
// CommandLineToArgvW and the MSVC C runtime parse it back unchanged (the
// rules libuv's quote_cmd_arg follows). Used for the command line of a job
// spawn (lib/tree/job-win.js) and for the netsh line shown to the user
// (lib/firewall/command.js).

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

module.exports = { quoteArg, commandLine };
