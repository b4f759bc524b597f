import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The full path of the executable `name` on `path` (PATH's form), or undefined when it is on none of its directories. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const directory of path.split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Whether `file` is a file (or a link to one) this process may run. */
export function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A program a spec runs that the machine may lack, and what the reader should install. */
export interface NeededProgram {
  /** The spec's short name, first on the skip line (e.g. `redis-outage`). */
  spec: string;
  /** The program as the reader knows it (`redis-server`, `Chromium`). */
  program: string;
  /** Where it was found; undefined when it is missing. */
  found: string | undefined;
  /** What to install, e.g. `redis-server (Debian: apt-get install redis-server)`. */
  install: string;
  /** The variable that turns a missing program into a failure (CI sets it). */
  requiredBy: 'REQUIRE_REDIS' | 'REQUIRE_BROWSER';
}

/** What a spec's tests are declared with: `describe`, or what stands for it. */
export type DescribeBlock = (name: string, tests: () => void) => void;

/** Jest's globals that declare tests (the unit spec passes its own). */
export interface JestDeclarations {
  describe: jest.Describe;
  it: jest.It;
}

/**
 * What a spec that needs a program declares its tests with, decided when the file loads: `describe`
 * when the program is there; `describe.skip` and one line on stderr saying what to install when it is
 * not; and when `requiredBy`=1, a failing block instead.
 */
export function describeWith(
  needed: NeededProgram,
  env: NodeJS.ProcessEnv = process.env,
  globals: JestDeclarations = { describe, it },
): DescribeBlock {
  if (needed.found) return globals.describe;
  if (env[needed.requiredBy] === '1') {
    return failingBlock(`${needed.spec}: ${needed.requiredBy}=1 but ${needed.program} is missing: install ${needed.install}.`, globals);
  }
  // Straight to stderr: console.warn in a spec would add a stack location under the line.
  process.stderr.write(`${skipLine(needed)}\n`);
  return globals.describe.skip;
}

/**
 * A block of one failing test that says `message`, in place of a spec's own tests and hooks (so
 * nothing waits for what is missing). Not a throw at load time: a spec file that throws leaves its
 * imports' lazy loaders running after Jest has torn it down, and they end the whole run.
 */
export function failingBlock(message: string, globals: JestDeclarations = { describe, it }): DescribeBlock {
  return (name) =>
    globals.describe(name, () => {
      globals.it('has what it needs', () => {
        throw new Error(message);
      });
    });
}

/** The one line a skipped spec prints. */
export function skipLine(needed: Pick<NeededProgram, 'spec' | 'install' | 'requiredBy'>): string {
  return `${needed.spec}: skipped — install ${needed.install}, or set ${needed.requiredBy}=1 to fail instead`;
}
