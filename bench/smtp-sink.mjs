// The SMTP sink's child process (see startSmtpSink in lib.mjs): accepts every message, reads the
// data without parsing it, and counts. Asked over IPC: { type: 'port' } → { port }, { type: 'count' } → { count }.
import { SMTPServer } from 'smtp-server';

let count = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  disableReverseLookup: true,
  logger: false,
  onData(stream, _session, callback) {
    stream.on('end', () => {
      count++;
      callback();
    });
    stream.resume();
  },
});
server.on('error', (error) => console.error('SMTP sink:', error.message));
const listening = new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

process.on('message', async (request) => {
  if (request.type === 'port') {
    await listening;
    process.send({ port: server.server.address().port });
  } else if (request.type === 'count') {
    process.send({ count });
  }
});
process.once('SIGTERM', () => process.exit(0));
process.once('disconnect', () => process.exit(0));
