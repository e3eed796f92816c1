'use strict';
// `backend-warden` command line: argument parsing, dispatch, output (a
// readable table, or --json) and exit codes. bin/backend-warden.js calls
// main(); tests spawn the real command.

const { parseArgs } = require('util');
const commands = require('./commands');
const { doctor } = require('./doctor');
const { EXIT } = require('./exit');

const USAGE = `Usage: backend-warden <command> [options]

Commands:
  who <port>                     which process holds the port: pid, name, command line, its tree
  free <port> [--force]          stop the tree holding the port: politely (SIGTERM, then wait
                                 --grace-ms, default 5000); --force ends what is left. Never pid 1,
                                 this tool or its ancestors
  tree <pid>                     the process tree with CPU time and memory
  firewall <program> <port>      the Windows Firewall verdict for a program listening on a port
                                 (--host, default 0.0.0.0; --udp), the rules and the netsh line
  doctor [--port N] [--program P]
                                 a report to paste into a support ticket

Options:
  --json                         machine-readable output (one JSON object)
  -h, --help                     this text

Exit codes:
  0  done            1  an operation failed      2  bad arguments
  3  nothing found   4  refused (protected or not visible)
  5  free: processes are still running
`;

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  force: { type: 'boolean' },
  'grace-ms': { type: 'string' },
  host: { type: 'string' },
  udp: { type: 'boolean' },
  port: { type: 'string' },
  program: { type: 'string' },
};

// Which options each command takes (besides --json and --help).
const ALLOWED = {
  who: [], tree: [], free: ['force', 'grace-ms'], firewall: ['host', 'udp'], doctor: ['port', 'program'],
};

function errorData(err) {
  const out = { code: err.code || null, message: err.message };
  if (err.syscall) out.syscall = err.syscall;
  if (err.errno !== undefined) out.errno = err.errno;
  return out;
}

function isUsageError(err) {
  return err.code === 'ERR_USAGE' || (typeof err.code === 'string' && err.code.startsWith('ERR_INVALID_ARG')) ||
    err.code === 'ERR_OUT_OF_RANGE' || (typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS'));
}

// main(argv, { stdout, stderr }) → Promise<exit code>. Never throws.
async function main(argv, io = { stdout: process.stdout, stderr: process.stderr }) {
  const out = (s) => io.stdout.write(`${s}\n`);
  const err = (s) => io.stderr.write(`${s}\n`);
  let json = argv.includes('--json');
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    json = Boolean(values.json);
    const [name, ...rest] = positionals;
    if (values.help || name === undefined || name === 'help') {
      out(USAGE.trimEnd());
      return EXIT.OK;
    }
    const fn = name === 'doctor' ? doctor : ALLOWED[name] ? commands[name] : null;
    if (!fn) {
      const e = new Error(`unknown command ${JSON.stringify(name)}`);
      e.code = 'ERR_USAGE';
      throw e;
    }
    for (const key of Object.keys(values)) {
      if (key !== 'json' && !ALLOWED[name].includes(key)) {
        const e = new Error(`${name} does not take --${key}`);
        e.code = 'ERR_USAGE';
        throw e;
      }
    }
    const result = await fn({ positionals: rest, values });
    if (json) out(JSON.stringify({ command: name, exitCode: result.code, ...result.data }, null, 2));
    else out(result.text);
    return result.code;
  } catch (e) {
    const code = isUsageError(e) ? EXIT.USAGE : EXIT.FAILED;
    if (json) out(JSON.stringify({ exitCode: code, error: errorData(e) }, null, 2));
    else err(`backend-warden: ${e.message}${code === EXIT.USAGE ? '\nRun backend-warden --help for usage.' : ''}`);
    return code;
  }
}

module.exports = { main, USAGE, EXIT };
