import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium: the browser tests drive it with playwright-core (no browser download). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Installs Debian's chromium package when the machine lacks it (CI machines start without it).
 * Needs root and Debian's package mirror; anything else is a clear failure, not a skipped test.
 */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const install = () =>
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: 'pipe',
    });
  try {
    try {
      install();
    } catch {
      // The package lists may be missing or stale on a new machine.
      execFileSync('apt-get', ['update', '-q'], { stdio: 'pipe' });
      install();
    }
  } catch (error) {
    const output = error instanceof Error && 'stderr' in error ? String((error as { stderr: Buffer }).stderr) : String(error);
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}: installing Debian's chromium package failed (run as root, or set CHROMIUM_PATH).\n${output}`,
      {
        cause: error,
      },
    );
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Installed Debian's chromium package, but ${CHROMIUM} is not there (set CHROMIUM_PATH).`);
}

/** Headless Chromium that makes no connection of its own: the machine has no internet. */
export async function launchBrowser(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
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
