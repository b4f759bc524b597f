import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describeWithBrowser, findChromium } from './browser';
import { describeWith, findOnPath, NeededProgram } from './programs';

describe('programs a spec needs', () => {
  let root: string;
  let bin: string;
  let other: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tessera-programs-'));
    [bin, other] = [join(root, 'bin'), join(root, 'other')];
    await mkdir(bin);
    await mkdir(other);
    await writeFile(join(bin, 'redis-server'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(join(bin, 'chromium-browser'), '#!/bin/sh\n', { mode: 0o755 });
    // What is not a program to run: a file without the execute bit, a directory of the name.
    await writeFile(join(other, 'redis-server'), 'not a program\n', { mode: 0o644 });
    await mkdir(join(other, 'chromium'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  /** Jest's declarations, recorded: what a spec file would declare with the block it is given. */
  const recorder = () => {
    const skip = jest.fn();
    const describe = Object.assign(
      jest.fn((_name: string, tests: () => void) => tests()),
      { skip },
    ) as unknown as jest.Describe & jest.Mock;
    const it = jest.fn() as unknown as jest.It & jest.Mock;
    return { describe, it, skip };
  };

  describe('findOnPath', () => {
    it('finds an executable file in a PATH directory, passing over a plain file and a directory of the name', () => {
      expect(findOnPath('redis-server', [other, '', bin].join(delimiter))).toBe(join(bin, 'redis-server'));
    });

    it('finds nothing on a PATH without it', () => {
      expect(findOnPath('redis-server', other)).toBeUndefined();
      expect(findOnPath('redis-server', '')).toBeUndefined();
    });
  });

  describe('findChromium', () => {
    it("takes Chromium's names from PATH, never a directory of the name", () => {
      expect(findChromium({ PATH: [other, bin].join(delimiter) }, [])).toBe(join(bin, 'chromium-browser'));
    });

    it('takes CHROMIUM_PATH before PATH', () => {
      const chrome = join(bin, 'redis-server');
      expect(findChromium({ PATH: bin, CHROMIUM_PATH: chrome }, [])).toBe(chrome);
    });

    it('reports a CHROMIUM_PATH that is not a program instead of skipping', () => {
      expect(() => findChromium({ PATH: bin, CHROMIUM_PATH: join(other, 'chromium') }, [])).toThrow(
        `CHROMIUM_PATH=${join(other, 'chromium')} is not an executable file.`,
      );
    });

    it('finds none on a PATH without it (and installs nothing)', () => {
      expect(findChromium({ PATH: other }, [])).toBeUndefined();
      expect(findChromium({ PATH: other }, [join(other, 'chromium')])).toBeUndefined();
    });
  });

  describe('describeWith', () => {
    const redis = (found: string | undefined): NeededProgram => ({
      spec: 'redis-outage',
      program: 'redis-server',
      found,
      install: 'redis-server (Debian: apt-get install redis-server)',
      requiredBy: 'REQUIRE_REDIS',
    });
    /** Declares a spec's tests with `block`: its own test and hook run only if the block declares them. */
    const declareSpec = (block: (name: string, tests: () => void) => void) => {
      const own = jest.fn();
      block('the spec', own);
      return own;
    };
    let stderr: jest.SpyInstance;
    beforeEach(() => {
      stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    });
    afterEach(() => stderr.mockRestore());

    it('runs the spec when the program is there, required or not, and prints nothing', () => {
      for (const env of [{}, { REQUIRE_REDIS: '1' }]) {
        const globals = recorder();
        expect(declareSpec(describeWith(redis('/usr/bin/redis-server'), env, globals))).toHaveBeenCalled();
        expect(globals.describe).toHaveBeenCalledWith('the spec', expect.any(Function));
      }
      expect(stderr).not.toHaveBeenCalled();
    });

    it('skips the spec with one line saying what to install when the program is missing', () => {
      const globals = recorder();
      declareSpec(describeWith(redis(undefined), {}, globals));
      expect(globals.skip).toHaveBeenCalledWith('the spec', expect.any(Function));
      expect(globals.describe).not.toHaveBeenCalled();
      expect(stderr.mock.calls).toEqual([
        ['redis-outage: skipped — install redis-server (Debian: apt-get install redis-server), or set REQUIRE_REDIS=1 to fail instead\n'],
      ]);
    });

    it("fails instead under REQUIRE_REDIS=1: one failing test saying what is missing, not the spec's own", () => {
      const globals = recorder();
      const own = declareSpec(describeWith(redis(undefined), { REQUIRE_REDIS: '1' }, globals));
      expect(own).not.toHaveBeenCalled();
      expect(globals.skip).not.toHaveBeenCalled();
      expect(globals.it).toHaveBeenCalledTimes(1);
      const [[, failing]] = globals.it.mock.calls as [string, () => void][];
      expect(failing).toThrow(
        'redis-outage: REQUIRE_REDIS=1 but redis-server is missing: install redis-server (Debian: apt-get install redis-server).',
      );
      expect(stderr).not.toHaveBeenCalled();
    });

    it('skips, not fails, when another program is the required one or the variable is not 1', () => {
      const globals = recorder();
      declareSpec(describeWith(redis(undefined), { REQUIRE_BROWSER: '1', REQUIRE_REDIS: '0' }, globals));
      expect(globals.skip).toHaveBeenCalled();
      expect(globals.it).not.toHaveBeenCalled();
    });
  });

  describe('describeWithBrowser', () => {
    let stderr: jest.SpyInstance;
    beforeEach(() => {
      stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    });
    afterEach(() => stderr.mockRestore());

    const declared = (env: NodeJS.ProcessEnv) => {
      const globals = recorder();
      describeWithBrowser('playground', env, globals)('the playground', () => undefined);
      return globals;
    };

    it('skips the playground with one line when PATH has no Chromium', () => {
      expect(declared({ PATH: other }).skip).toHaveBeenCalled();
      expect(stderr.mock.calls).toEqual([
        [
          'playground: skipped — install Chromium (Debian: apt-get install chromium) or Google Chrome (or set CHROMIUM_PATH to one), or set REQUIRE_BROWSER=1 to fail instead\n',
        ],
      ]);
    });

    it('fails it under REQUIRE_BROWSER=1, and for a CHROMIUM_PATH that names no program', () => {
      for (const [env, message] of [
        [{ PATH: other, REQUIRE_BROWSER: '1' }, 'playground: REQUIRE_BROWSER=1 but Chromium is missing'],
        [
          { PATH: bin, CHROMIUM_PATH: join(other, 'chromium') },
          `playground: CHROMIUM_PATH=${join(other, 'chromium')} is not an executable file.`,
        ],
      ] as const) {
        const { skip, it } = declared(env);
        expect(skip).not.toHaveBeenCalled();
        expect(it.mock.calls[0][1]).toThrow(message);
      }
    });
  });
});
