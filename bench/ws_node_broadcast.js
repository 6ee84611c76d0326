// The server people would pick instead, for bench/ws_load.cpp: Node's `ws` package (Debian's
// node-ws) broadcasting the quote messages our server sent (one JSON text per line of MESSAGES),
// round and round, to every client, as fast as the clients take them.
//
//   node ws_node_broadcast.js MESSAGES
//   listening on 127.0.0.1:PORT          (the first line on standard output)
//
// A client whose unsent bytes pass a limit is skipped for that message (as our server conflates),
// so a slow client never makes the server buffer without bound.
'use strict';

const fs = require('fs');
let ws;
try {
  ws = require('ws');
} catch (e) {
  ws = require('/usr/share/nodejs/ws'); // Debian's node-ws, when node is not Debian's own
}

const messages = fs.readFileSync(process.argv[2], 'utf8')
  .split('\n')
  .filter((line) => line.length > 0)
  .map((line) => Buffer.from(line)); // encoded once, shared by every send
const maxBuffered = 1 << 20;
const perTurn = 256; // messages per event-loop turn, so accepts and reads still run

const server = new ws.WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('listening', () => {
  process.stdout.write(`listening on 127.0.0.1:${server.address().port}\n`);
});

let next = 0;
let running = false; // the loop runs only while someone listens, so an idle server costs nothing
function broadcast() {
  if (server.clients.size === 0) {
    running = false;
    return;
  }
  for (let n = 0; n < perTurn; ++n) {
    const message = messages[next];
    next = (next + 1) % messages.length;
    for (const client of server.clients) {
      if (client.readyState === ws.OPEN && client.bufferedAmount < maxBuffered) {
        client.send(message, { binary: false });
      }
    }
  }
  setImmediate(broadcast);
}
server.on('connection', () => {
  if (!running) {
    running = true;
    setImmediate(broadcast);
  }
});

process.on('SIGTERM', () => process.exit(0));
