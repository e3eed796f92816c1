'use strict';
// node scripts/check-floor.js <lane> <log> — fails (exit 1) when the mocha
// summary in <log> shows fewer passing tests than test/floors.json's
// minPassing for <lane>, or more pending than its maxPending. Failures
// already fail the lane; this catches a lane that silently runs fewer tests
// (a narrowed glob, a committed skip, a suite that stopped loading).

const fs = require('fs');
const path = require('path');

const [lane, logFile] = process.argv.slice(2);
const floors = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'test', 'floors.json'), 'utf8'));
const floor = floors[lane];
if (!floor || !logFile) {
  console.error(`check-floor: usage: check-floor.js <lane> <log>; lanes: ${Object.keys(floors).filter((k) => k[0] !== '_').join(', ')}`);
  process.exit(1);
}
const text = fs.readFileSync(logFile, 'utf8');
const sum = (word) => {
  let n = 0;
  for (const m of text.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))) n += Number(m[1]);
  return n;
};
const passing = sum('passing');
const pending = sum('pending');
const problems = [];
if (passing < floor.minPassing) problems.push(`${passing} passing < floor ${floor.minPassing}`);
if (pending > floor.maxPending) problems.push(`${pending} pending > ceiling ${floor.maxPending}`);
if (problems.length) {
  console.error(`check-floor: ${lane}: ${problems.join('; ')} (test/floors.json)`);
  process.exit(1);
}
console.log(`check-floor: ${lane}: ${passing} passing (floor ${floor.minPassing}), ${pending} pending (ceiling ${floor.maxPending})`);
