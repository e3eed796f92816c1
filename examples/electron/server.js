'use strict';
// The example's backend: a tiny Node HTTP server. Electron runs it with its
// own Node (ELECTRON_RUN_AS_NODE=1, set in main.js), so the app ships no
// separate runtime. A real app would start an ASP.NET Core, Python or Go
// executable the same way (see the README).

const http = require('http');

const port = Number(process.env.PORT);
const started = new Date().toISOString();

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  } else if (req.method === 'GET' && req.url === '/api/hello') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ hello: 'from the backend', pid: process.pid, started }));
  } else if (req.method === 'POST' && req.url === '/shutdown') {
    // Graceful shutdown on request: finish, then exit on our own.
    res.end('bye');
    server.close(() => process.exit(0));
  } else {
    res.writeHead(404);
    res.end();
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`example backend listening on http://127.0.0.1:${server.address().port}`);
});
