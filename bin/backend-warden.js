#!/usr/bin/env node
'use strict';
// npx backend-warden: see lib/cli/index.js (usage text and exit codes).

require('../lib/cli').main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
