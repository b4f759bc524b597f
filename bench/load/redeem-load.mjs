// The load generator of the redeem scenario, run as its own process (so the load does not share
// the scenario's event loop): autocannon sends `redeemCode` mutations, each with the next code of
// the list and the token of the person that code was made for. Reads its settings as JSON on
// stdin, writes the outcome as JSON on stdout.
//
// Settings: { target, connections, durationSeconds, tokens: string[], prefix, width, count }.
// Request k redeems `${prefix}${k padded to width}` as person k % tokens.length; the scenario made
// the data so that every such redemption is valid (a fresh code, and a product the person has no
// access to yet).
import autocannon from 'autocannon';

const input = await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(JSON.parse(text)));
});
const { target, connections, durationSeconds, tokens, prefix, width, count } = input;

const QUERY = 'mutation ($code: String!) { redeemCode(input: { code: $code }) { grant { id status startsAt endsAt } } }';
let next = 0;
let ok = 0;
let failed = 0;
const samples = [];

function setupRequest(request) {
  const k = next++;
  const person = k % tokens.length;
  request.headers = {
    'content-type': 'application/json',
    authorization: `Bearer ${tokens[person]}`,
    // Only read when the API trusts a proxy (TRUST_PROXY): then each person has an address of their own.
    'x-forwarded-for': `10.${(person >> 16) & 255}.${(person >> 8) & 255}.${person & 255}`,
  };
  request.body = JSON.stringify({ query: QUERY, variables: { code: `${prefix}${String(k).padStart(width, '0')}` } });
  return request;
}

function onResponse(status, body) {
  // A redemption counts when the grant came back and nothing went wrong.
  if (status === 200 && body.includes('"status":"ACTIVE"') && !body.includes('"errors"')) ok++;
  else {
    failed++;
    if (samples.length < 5) samples.push(`${status} ${body.slice(0, 300)}`);
  }
}

const started = performance.now();
const result = await autocannon({
  url: target,
  method: 'POST',
  connections,
  duration: durationSeconds,
  // Never more requests than codes: a connection stops when its share is used up.
  maxOverallRequests: count,
  timeout: 10,
  requests: [{ setupRequest, onResponse }],
});
const seconds = (performance.now() - started) / 1000;

process.stdout.write(
  JSON.stringify({
    seconds,
    sent: next,
    ok,
    failed,
    // Connection errors and timeouts never reach onResponse.
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    samples,
  }),
);
