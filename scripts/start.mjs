// `npm start`: builds only when a source changed since the last build, then runs the API with
// the node flags in package.json `config.nodeFlags` (see src/main.ts). No Nest CLI stays beside
// the app: this process only waits for it and passes signals on.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, staleBuildReason } from './build-state.mjs';

const ENTRY = 'dist/src/main.js';

const stale = staleBuildReason(ENTRY);
if (stale) {
  console.error(`${stale}: building (npm run build)…`);
  // npm sets npm_execpath for its scripts; outside npm, the npm on PATH.
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const build = spawnSync(npm[0], [...npm[1], 'run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const nodeFlags = (
  process.env.npm_package_config_nodeFlags ?? JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).config.nodeFlags
)
  .split(/\s+/)
  .filter(Boolean);

// Its own process group: a Ctrl-C reaches the app once, from here, not also from the terminal
// (the app takes a second SIGINT as "stop now"); npm passes its signals on to this process.
const app = spawn(process.execPath, [...nodeFlags, join(ROOT, ENTRY), ...process.argv.slice(2)], {
  cwd: process.cwd(),
  stdio: 'inherit',
  detached: true,
});

let forwarded = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (forwarded) return;
    forwarded = true;
    app.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
  });
}
// If this process goes first (e.g. an uncaught error), the app does not outlive it.
process.on('exit', () => {
  if (app.exitCode === null && app.signalCode === null) app.kill('SIGTERM');
});

app.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1) : 1);
});
