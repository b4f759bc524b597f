// @ts-check
const { pathsToModuleNameMapper } = require('ts-jest');
const ts = require('typescript');
const { availableParallelism } = require('node:os');

// Path aliases live in tsconfig.json only; read them from there.
const { config: tsconfig } = ts.readConfigFile('./tsconfig.json', ts.sys.readFile);
const moduleNameMapper = pathsToModuleNameMapper(tsconfig.compilerOptions.paths, { prefix: '<rootDir>/' });
/** @type {import('jest').Config['transform']} */
const transform = { '^.+\\.ts$': ['ts-jest', {}] };

// The heavy tier (`npm run test:reliability`): crashes, outages, races across processes, the browser, large files.
const RELIABILITY = [
  '<rootDir>/test/reliability/',
  '<rootDir>/test/mail-worker-crash.e2e-spec.ts',
  '<rootDir>/test/playground.e2e-spec.ts',
];
/** What every end-to-end tier shares: one PostgreSQL server and a migrated template per run. */
const endToEnd = {
  testEnvironment: 'node',
  rootDir: '.',
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  transform,
  moduleNameMapper,
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'],
      transform,
      moduleNameMapper,
    },
    {
      ...endToEnd,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...RELIABILITY],
    },
    {
      ...endToEnd,
      displayName: 'reliability',
      testMatch: RELIABILITY.map((path) => (path.endsWith('/') ? `${path}**/*.e2e-spec.ts` : path)),
    },
  ],
  testTimeout: 30_000,
  // Jest's default leaves a core idle (one worker on 2 cores); the test files wait on PostgreSQL and
  // sockets as much as they compute, so one per core, at least two, at most four (each file's app
  // holds up to 20 connections; PostgreSQL allows 100 by default). The reliability tier's script
  // runs one file at a time: its crashes and outages are timed.
  maxWorkers: Math.min(4, Math.max(2, availableParallelism())),
};
