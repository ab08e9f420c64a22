// One emulator (kinesalite or dynalite) in its own worker thread, so its request handling runs
// on the second core instead of competing with the handlers for the main event loop. Plain
// JavaScript on purpose: a worker started from vitest or tsx gets no TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';

const { kind, options, host, port } = workerData;
const factory =
  kind === 'kinesis' ? (await import('kinesalite')).default : (await import('dynalite')).default;
const server = factory(options);
// Node closes idle keep-alive sockets after 5 s; a client reusing one at that instant gets
// "socket hang up". SDK clients keep sockets longer, so the server must outlast them.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

server.once('error', (error) => parentPort.postMessage({ type: 'error', message: String(error) }));
server.listen(port, host, () => {
  parentPort.postMessage({ type: 'listening', port: server.address().port });
});

parentPort.on('message', (message) => {
  if (message.type !== 'close') return;
  // Closing the server also closes the emulator's LevelDB store, releasing its lock file.
  server.close((error) => {
    parentPort.postMessage({ type: 'closed', ...(error ? { message: String(error) } : {}) });
    parentPort.close();
  });
  server.closeAllConnections();
});
