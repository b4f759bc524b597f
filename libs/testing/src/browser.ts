import { Browser, chromium } from 'playwright-core';
import { DescribeBlock, describeWith, failingBlock, findOnPath, isExecutable, JestDeclarations } from './programs';

/** Chromium's and Chrome's program names on PATH, Debian's first, then the macOS applications. */
const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
const MACOS = ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

/**
 * The Chromium the browser tests drive with playwright-core (no browser download): CHROMIUM_PATH
 * when set, else the first of Chromium's or Chrome's names on PATH, else a macOS application.
 * Nothing is installed here: the machine has it or the browser specs are skipped.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env, applications = MACOS): string | undefined {
  if (env.CHROMIUM_PATH) {
    // Set on purpose: a wrong path is a mistake to report, not a reason to skip.
    if (!isExecutable(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file.`);
    return env.CHROMIUM_PATH;
  }
  for (const name of ON_PATH) {
    const found = findOnPath(name, env.PATH ?? '');
    if (found) return found;
  }
  return applications.find(isExecutable);
}

/**
 * `describe` when there is a Chromium, else skipped with one line (or failed under REQUIRE_BROWSER=1);
 * failed when CHROMIUM_PATH names no program.
 */
export function describeWithBrowser(spec: string, env: NodeJS.ProcessEnv = process.env, globals?: JestDeclarations): DescribeBlock {
  let found: string | undefined;
  try {
    found = findChromium(env);
  } catch (error) {
    return failingBlock(`${spec}: ${(error as Error).message}`, globals);
  }
  return describeWith(
    {
      spec,
      program: 'Chromium',
      found,
      install: 'Chromium (Debian: apt-get install chromium) or Google Chrome (or set CHROMIUM_PATH to one)',
      requiredBy: 'REQUIRE_BROWSER',
    },
    env,
    globals,
  );
}

/** Headless Chromium that makes no connection of its own: the machine has no internet. */
export async function launchBrowser(executablePath = findChromium()): Promise<Browser> {
  if (!executablePath) throw new Error('No Chromium: set CHROMIUM_PATH, or put chromium on PATH.');
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
