// Tessera benchmarks: `npm run bench` (all) or `npm run bench -- generate export` (some).
// Starts what it needs (the built API, an embedded PostgreSQL unless DATABASE_URL is set, Redis
// when REDIS_URL is set), prepares data, runs each scenario and its baseline in the same run, and
// prints one markdown table for the README.
import { cpus, totalmem } from 'node:os';
import { startEnvironment } from './lib.mjs';
import participants from './scenarios/participants.mjs';
import redeem from './scenarios/redeem.mjs';
import search from './scenarios/search.mjs';

/** In the order they run: later scenarios use what earlier ones made. */
const SCENARIOS = { participants, redeem, search };
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !SCENARIOS[name]);
if (unknown.length) {
  console.error(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}

const results = [];
const env = await startEnvironment();
try {
  for (const name of Object.keys(SCENARIOS).filter((n) => !wanted.length || wanted.includes(n))) {
    console.error(`running ${name}…`);
    results.push(...(await SCENARIOS[name](env)));
  }
} finally {
  await env.stop();
}
console.log(
  `\nTessera benchmarks, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
);
console.log('| scenario | Tessera | baseline | ratio | target | peak RSS of the API |');
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  const target = r.target ? `${r.target} ${r.met === undefined ? '' : r.met ? '✓' : '✗'}`.trim() : '—';
  console.log(`| ${r.scenario} | ${r.tessera} | ${r.baseline ?? '—'} | ${r.ratio ?? '—'} | ${target} | ${r.rss ? `${r.rss} MB` : '—'} |`);
}
