// Whether dist/ holds a build of the current sources. Used by `npm start` (scripts/start.mjs),
// which rebuilds only when this says so, and by the test harness, which refuses a stale build.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (this file lives in scripts/). */
export const ROOT = resolve(import.meta.dirname, '..');

/** Written after a build that `npm start` ran: a no-op incremental build touches no output. */
export const BUILD_STAMP = 'dist/.build-stamp';

/**
 * What the build compiles (see tsconfig.build.json: src and libs, without libs/testing and specs)
 * and what changes its output (compiler and Nest CLI settings, dependencies).
 */
function sourceMtime(root) {
  const libs = existsSync(join(root, 'libs')) ? readdirSync(join(root, 'libs')).filter((lib) => lib !== 'testing') : [];
  const trees = ['src', ...libs.map((lib) => `libs/${lib}`)].map((dir) => newestMtime(join(root, dir), '.ts'));
  const files = readdirSync(root)
    .filter((name) => /^tsconfig.*\.json$/.test(name) || name === 'nest-cli.json' || name === 'package-lock.json')
    .map((name) => statSync(join(root, name)).mtimeMs);
  return Math.max(0, ...trees, ...files);
}

/** The newest output: an incremental build rewrites only the files that changed. */
function buildMtime(root) {
  const stamp = join(root, BUILD_STAMP);
  return Math.max(newestMtime(join(root, 'dist'), '.js'), existsSync(stamp) ? statSync(stamp).mtimeMs : 0);
}

/**
 * Why `entry` (e.g. 'dist/src/main.js') cannot be run as it is, or undefined when it is a build
 * of the current sources.
 */
export function staleBuildReason(entry, root = ROOT) {
  if (!existsSync(join(root, entry))) return `${entry} is missing`;
  if (buildMtime(root) < sourceMtime(root)) return 'dist/ is older than the sources';
  return undefined;
}

/** Records that dist/ was just built from the current sources. */
export function stampBuild(root = ROOT) {
  writeFileSync(join(root, BUILD_STAMP), `${new Date().toISOString()}\n`);
}

function newestMtime(dir, extension) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, extension));
    else if (entry.name.endsWith(extension) && !entry.name.endsWith(`.spec${extension}`)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

// `node scripts/build-state.mjs stamp`: run by `npm run build` after the compiler.
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename) && process.argv[2] === 'stamp') stampBuild();
