import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { staleBuildReason, stampBuild } from '../../../scripts/build-state.mjs';

/** `npm start` and the test harness run dist/ only when it is a build of the current sources. */
describe('staleBuildReason', () => {
  let root: string;
  let clock: number;

  /** Writes `path` under the fake repository, each file newer than the last. */
  const write = (path: string) => {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
    clock += 10;
    utimesSync(file, clock, clock);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tessera-build-state-'));
    clock = 1_700_000_000;
    for (const path of [
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'nest-cli.json',
      'src/main.ts',
      'libs/common/src/index.ts',
    ])
      write(path);
    write('dist/src/main.js');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('runs a build newer than every source', () => {
    expect(staleBuildReason('dist/src/main.js', root)).toBeUndefined();
  });

  it('rebuilds when the entry point is missing', () => {
    expect(staleBuildReason('dist/src/worker.js', root)).toBe('dist/src/worker.js is missing');
  });

  it.each([
    'src/invitations/invitations.service.ts',
    'libs/common/src/errors.ts',
    'tsconfig.build.json',
    'nest-cli.json',
    'package-lock.json',
  ])('rebuilds after a change to %s', (path) => {
    write(path);
    expect(staleBuildReason('dist/src/main.js', root)).toBe('dist/ is older than the sources');
  });

  it.each(['src/main.spec.ts', 'libs/testing/src/test-app.ts', 'test/app.e2e-spec.ts', 'README.md'])(
    'does not rebuild for %s, which the build does not compile',
    (path) => {
      write(path);
      expect(staleBuildReason('dist/src/main.js', root)).toBeUndefined();
    },
  );

  it('counts the newest output, not only the entry point (an incremental build rewrites what changed)', () => {
    write('src/invitations/invitations.service.ts');
    write('dist/src/invitations/invitations.service.js');
    expect(staleBuildReason('dist/src/main.js', root)).toBeUndefined();
  });

  it('trusts the stamp of a build that emitted nothing (e.g. after a package-lock.json change)', () => {
    write('package-lock.json');
    stampBuild(root);
    expect(staleBuildReason('dist/src/main.js', root)).toBeUndefined();
  });
});
