// A Tessera webhook receiver in plain Node (no packages): checks the Standard Webhooks signature.
// Run: WEBHOOK_SECRET=whsec_... PORT=3000 node webhook-receiver.mjs (HOST=0.0.0.0 to listen beyond this machine)
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const key = Buffer.from(process.env.WEBHOOK_SECRET.replace(/^whsec_/, ''), 'base64');

function verified(headers, body) {
  const { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures = '' } = headers;
  if (!id || !timestamp || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false; // stale: a replay
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8'); // the raw body: parse only after checking it
    if (!verified(req.headers, body)) return res.writeHead(400).end('bad signature');
    const event = JSON.parse(body);
    console.log(event.type, event.id); // handle it here; the same id may come twice, so skip one seen before
    res.writeHead(204).end();
  });
}).listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
