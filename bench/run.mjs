// Tessera benchmarks: `npm run bench` (all) or `npm run bench -- generate export` (some).
// Starts what it needs (the built API, an embedded PostgreSQL unless DATABASE_URL is set, Redis
// when REDIS_URL is set), prepares data, runs each scenario and its baseline in the same run, and
// prints one markdown table for the README.
import { cpus, totalmem } from 'node:os';
import { startEnvironment } from './lib.mjs';
import * as exportCodes from './scenarios/export.mjs';
import * as generate from './scenarios/generate.mjs';
import * as importCodes from './scenarios/import.mjs';
import * as mail from './scenarios/mail.mjs';
import * as participants from './scenarios/participants.mjs';
import * as redeem from './scenarios/redeem.mjs';
import * as search from './scenarios/search.mjs';
import * as start from './scenarios/start.mjs';
import * as webhooks from './scenarios/webhooks.mjs';

/**
 * In the order they run: later scenarios use what earlier ones made (export reads generate's
 * batch). A scenario module's default export gets the shared environment (see startEnvironment);
 * one that exports `ownEnvironment = true` starts what it needs itself (its own API, with its own
 * settings) and gets nothing, and the shared environment is started only while some scenario needs it.
 * One that exports `unavailable()` is skipped when that returns a reason (what this environment
 * lacks and what to set): the others still run, and the run does not fail for it.
 */
const SCENARIOS = { generate, import: importCodes, export: exportCodes, participants, redeem, search, mail, webhooks, start };
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !SCENARIOS[name]);
if (unknown.length) {
  console.error(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}

const results = [];
const selected = Object.keys(SCENARIOS).filter((n) => !wanted.length || wanted.includes(n));
const runnable = selected.filter((name) => {
  const reason = SCENARIOS[name].unavailable?.();
  if (reason) console.error(`${name}: skipped — ${reason}`);
  return !reason;
});
let env;
try {
  for (const [index, name] of runnable.entries()) {
    const scenario = SCENARIOS[name];
    if (!scenario.ownEnvironment) env ??= await startEnvironment();
    console.error(`running ${name}…`);
    results.push(...(await scenario.default(scenario.ownEnvironment ? undefined : env)));
    // Not left running (and using the machine) beside scenarios that do not need it.
    if (env && runnable.slice(index + 1).every((later) => SCENARIOS[later].ownEnvironment)) {
      await env.stop();
      env = undefined;
    }
  }
} finally {
  await env?.stop();
}
// Nothing to tabulate when every scenario asked for was skipped.
if (results.length) {
  console.log(
    `\nTessera benchmarks, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
  );
  console.log('| scenario | Tessera | baseline | ratio | target | peak RSS of the API |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    const target = r.target ? `${r.target} ${r.met === undefined ? '' : r.met ? '✓' : '✗'}`.trim() : '—';
    console.log(`| ${r.scenario} | ${r.tessera} | ${r.baseline ?? '—'} | ${r.ratio ?? '—'} | ${target} | ${r.rss ? `${r.rss} MB` : '—'} |`);
  }
}
