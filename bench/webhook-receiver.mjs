// The webhook receiver's child process (see startWebhookReceiver in scenarios/webhooks.mjs): answers
// 204 to every delivery on 127.0.0.1, records when each webhook-id first arrived (Date.now(), the
// clock the API stamps occurredAt with), and checks the signature of every VERIFY_EVERY-th delivery
// as a receiver would (docs/webhooks.md). A signature that does not match is answered 400 and
// counted. Asked over IPC:
//   { type: 'port' } → { port }
//   { type: 'secret', secret } → {}                     (the endpoint's whsec_ secret)
//   { type: 'reset' } → {}                              (forget the arrivals, for the next run)
//   { type: 'count' } → { count }                       (distinct webhook-ids so far)
//   { type: 'report' } → { arrivals: [id, ms][], requests, repeats, verified, badSignatures }
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

/** A sample, so the check costs the receiver little and the same in every run. */
const VERIFY_EVERY = 10;

let key;
let arrivals = new Map();
let requests = 0;
let repeats = 0;
let verified = 0;
let badSignatures = 0;

function signatureMatches(headers, body) {
  const { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures = '' } = headers;
  if (!key || !id || !timestamp || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const at = Date.now();
    const id = req.headers['webhook-id'];
    if (requests++ % VERIFY_EVERY === 0) {
      if (!signatureMatches(req.headers, Buffer.concat(chunks).toString('utf8'))) {
        badSignatures++;
        res.writeHead(400).end('bad signature');
        return;
      }
      verified++;
    }
    if (typeof id !== 'string') {
      res.writeHead(400).end('no webhook-id');
      return;
    }
    if (arrivals.has(id)) repeats++;
    else arrivals.set(id, at);
    res.writeHead(204).end();
  });
});
server.on('error', (error) => console.error('webhook receiver:', error.message));
const listening = new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

process.on('message', async (request) => {
  switch (request.type) {
    case 'port':
      await listening;
      process.send({ port: server.address().port });
      break;
    case 'secret':
      key = Buffer.from(request.secret.replace(/^whsec_/, ''), 'base64');
      process.send({});
      break;
    case 'reset':
      arrivals = new Map();
      requests = repeats = verified = badSignatures = 0;
      process.send({});
      break;
    case 'count':
      process.send({ count: arrivals.size });
      break;
    case 'report':
      process.send({ arrivals: [...arrivals], requests, repeats, verified, badSignatures });
      break;
  }
});
process.once('SIGTERM', () => process.exit(0));
process.once('disconnect', () => process.exit(0));
