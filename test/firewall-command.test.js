'use strict';
// Property test (G5): a firewallCommand line, read back the way Windows reads
// a line typed at a Command Prompt — cmd.exe's quote/caret rules and %VAR%
// expansion, then CommandLineToArgvW's rules for netsh's argv — yields exactly
// the intended rule name and program, for thousands of generated names and
// paths full of quotes, backslashes, percent signs and cmd operators. Pure
// JavaScript models of the two parsers, so it runs on every platform (the
// Windows lane also runs real lines through Wine's cmd.exe in
// test/firewall.test.js).

const assert = require('assert');
const path = require('path');

const { firewallCommand } = require('..');
const { rng } = require('./helpers');

// cmd.exe reading one interactive line: '"' toggles quoting; outside quotes
// '^' escapes the next character and & | < > ( ) are operators (an
// unescaped one would cut the command). %NAME% expands anywhere; at the
// prompt an undefined name stays as written, so expansion is harmless only
// if no %…% span can name a variable: every span must start with '"' (no
// variable name does). Returns the line netsh receives.
function cmdRead(line) {
  let out = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      quoted = !quoted;
      out += ch;
    } else if (!quoted && ch === '^') {
      i++;
      if (i < line.length) out += line[i];
    } else if (!quoted && '&|<>()'.includes(ch)) {
      throw new Error(`cmd.exe would take the unescaped ${ch} at ${i} as an operator: ${line}`);
    } else {
      out += ch;
    }
  }
  const spans = line.split('%');
  for (let k = 1; k < spans.length - 1; k += 2) {
    assert.ok(spans[k].startsWith('"'), `%${spans[k]}% could name a variable in ${line}`);
  }
  return out;
}

// CommandLineToArgvW (and the C runtime since 2008): 2n backslashes + '"' →
// n backslashes and a quote toggle; 2n+1 + '"' → n and a literal '"'; other
// backslashes are literal; '""' inside quotes is a literal '"'.
function argvRead(cmd) {
  const args = [];
  let i = 0;
  while (i < cmd.length) {
    while (cmd[i] === ' ' || cmd[i] === '\t') i++;
    if (i >= cmd.length) break;
    let arg = '';
    let quoted = false;
    while (i < cmd.length) {
      const c = cmd[i];
      if (c === '\\') {
        let k = 0;
        while (cmd[i] === '\\') { k++; i++; }
        if (cmd[i] === '"') {
          arg += '\\'.repeat(k >> 1);
          if (k & 1) { arg += '"'; i++; }
        } else {
          arg += '\\'.repeat(k);
        }
      } else if (c === '"') {
        if (quoted && cmd[i + 1] === '"') { arg += '"'; i += 2; } else { quoted = !quoted; i++; }
      } else if (!quoted && (c === ' ' || c === '\t')) {
        break;
      } else {
        arg += c;
        i++;
      }
    }
    args.push(arg);
  }
  return args;
}


const NAME_CHARS = ['a', 'Z', '1', ' ', ' ', '"', '\\', '\\', '%', '&', '|', '<', '>', '(', ')', '^', '!', '=', ',', ';', 'é', '日'];
const PATH_CHARS = ['a', 'B', '1', ' ', '%', '&', '^', '(', ')', '!', '=', ',', ';', '\'', '.', 'é', '\\'];

function pick(r, chars, min, max) {
  const n = min + Math.floor(r() * (max - min + 1));
  let s = '';
  for (let i = 0; i < n; i++) s += chars[Math.floor(r() * chars.length)];
  return s;
}

describe('firewallCommand read back by cmd.exe and CommandLineToArgvW (property)', function () {
  it('the models themselves read known lines as Windows does', function () {
    assert.deepStrictEqual(argvRead('a "b c" d\\"e "f\\\\" g\\\\h'), ['a', 'b c', 'd"e', 'f\\', 'g\\\\h']);
    assert.strictEqual(cmdRead('x ^& "y & z"'), 'x & "y & z"');
    assert.throws(() => cmdRead('x & y'), /operator/);
  });

  it('yields exactly the intended name and program for 3,000 generated inputs', function () {
    const r = rng(13);
    let checked = 0;
    for (let n = 0; n < 3000; n++) {
      const name = pick(r, NAME_CHARS, 1, 24);
      const program = `C:\\${pick(r, PATH_CHARS, 1, 12)}\\${pick(r, PATH_CHARS, 1, 10)}.exe`;
      const port = 1 + Math.floor(r() * 65535);
      let line;
      try {
        line = firewallCommand({ name, program, port });
      } catch (err) {
        // Refusing is allowed, with a coded error; silently wrong is not.
        assert.ok(err.code, `uncoded error for ${JSON.stringify(name)}: ${err.message}`);
        continue;
      }
      const argv = argvRead(cmdRead(line));
      const want = path.win32.normalize(program);
      assert.deepStrictEqual(argv.slice(0, 5), ['netsh', 'advfirewall', 'firewall', 'add', 'rule'], line);
      assert.strictEqual(argv[5], `name=${name}`, `name ${JSON.stringify(name)} → ${line}`);
      assert.ok(argv.includes(`program=${want}`), `program ${JSON.stringify(want)} → ${line} → ${JSON.stringify(argv)}`);
      assert.ok(argv.includes(`localport=${port}`), line);
      assert.strictEqual(argv.filter((a) => a.startsWith('name=')).length, 1, line);
      checked++;
    }
    assert.ok(checked > 2500, `only ${checked} of 3000 inputs produced a command`);
  });
});
