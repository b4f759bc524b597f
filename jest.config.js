// @ts-check
const { pathsToModuleNameMapper } = require('ts-jest');
const ts = require('typescript');

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
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
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
};
