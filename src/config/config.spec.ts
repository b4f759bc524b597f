import { ConfigError, loadConfig } from './config';

const SECRET = 'x'.repeat(32);

function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('gives zero-setup defaults for an empty environment', () => {
    const config = loadConfig({});

    expect(config.database).toEqual({ url: undefined, runMigrations: true });
    expect(config.seedDemo).toBe(true);
    expect(config.queue).toEqual({
      redisUrl: undefined,
      prefix: 'tessera',
      workers: true,
      concurrency: 5,
      lockMs: 30_000,
      stalledCheckMs: 30_000,
    });
    expect(config.mail).toEqual({
      smtpUrl: undefined,
      from: 'Tessera <no-reply@tessera.local>',
      maxAttempts: 8,
      retryDelayMs: 10_000,
      claimMs: 120_000,
    });
    expect(config.http).toEqual({ port: 3000, host: '0.0.0.0', trustProxy: false, corsOrigins: [] });
    expect(config.env).toBe('development');
    expect(config.auth.tokenSecret).toBeUndefined();
    expect(config.auth.tokenTtlSeconds).toBe(3600);
    expect(config.graphql.introspection).toBe(true);
    expect(config.auth.login).toEqual({
      maxPerAccount: 100,
      maxPerClient: 50,
      windowSeconds: 900,
      maxPerAccountAndClient: 10,
      accountWindowSeconds: 3600,
      knownClientDays: 30,
    });
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', REDIS_URL: '', PORT: '', WORKERS: '' });
    expect(config.database.url).toBeUndefined();
    expect(config.http.port).toBe(3000);
    expect(config.queue.workers).toBe(true);
  });

  it('does not read process.env when given a source', () => {
    const saved = process.env.PORT;
    process.env.PORT = 'abc';
    try {
      expect(loadConfig({}).http.port).toBe(3000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });

  it.each<[string, NodeJS.ProcessEnv]>([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x', AUTH_TOKEN_SECRET: SECRET }],
    ['REDIS_URL', { REDIS_URL: 'http://x' }],
    ['WORKERS', { WORKERS: 'maybe' }],
    ['AUTH_TOKEN_SECRET', { AUTH_TOKEN_SECRET: 'short' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['MIGRATIONS_RUN', { MIGRATIONS_RUN: 'yes please' }],
    ['WORKER_CONCURRENCY', { WORKER_CONCURRENCY: '0' }],
    ['QUEUE_PREFIX', { QUEUE_PREFIX: 'has space' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'trace' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'everyone!' }],
    ['LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_AND_CLIENT', { LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_AND_CLIENT: '0' }],
    ['LOGIN_ACCOUNT_WINDOW_SECONDS', { LOGIN_ACCOUNT_WINDOW_SECONDS: '30' }],
    ['LOGIN_KNOWN_CLIENT_DAYS', { LOGIN_KNOWN_CLIENT_DAYS: 'forever' }],
  ])('refuses a bad %s with a message naming it', (variable, env) => {
    const error = configErrorOf(env);

    expect(error.problems.length).toBeGreaterThan(0);
    for (const problem of error.problems) expect(problem.startsWith(`${variable}: `)).toBe(true);
    // Values are never echoed: they may be secrets or URLs with passwords.
    // (Short values such as "0" would match the limits the message names.)
    for (const value of Object.values(env)) if (`${value}`.length > 3) expect(error.message).not.toContain(`${value}`);
    expect(error.message).toContain(variable);
    expect(error.message).toContain('.env.example');
    expect(error.name).toBe('ConfigError');
  });

  it('names every bad variable at once', () => {
    const error = configErrorOf({ PORT: 'abc', WORKERS: 'maybe', LOG_FORMAT: 'xml' });
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_FORMAT', 'PORT', 'WORKERS']);
  });

  it('refuses DATABASE_URL without AUTH_TOKEN_SECRET', () => {
    const error = configErrorOf({ DATABASE_URL: 'postgres://tessera@db/tessera' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^AUTH_TOKEN_SECRET is required with DATABASE_URL/);
  });

  it('refuses WORKERS=off without REDIS_URL', () => {
    const error = configErrorOf({ WORKERS: 'off' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^WORKERS=off needs REDIS_URL/);
  });

  it.each([
    ['on', true],
    ['OFF', false],
    ['true', true],
    ['0', false],
  ])('reads WORKERS=%s as %s', (value, workers) => {
    expect(loadConfig({ WORKERS: value, REDIS_URL: 'redis://localhost:6379' }).queue.workers).toBe(workers);
  });

  it('parses a valid services-mode environment', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '127.0.0.1',
      TRUST_PROXY: '2',
      DATABASE_URL: 'postgresql://tessera:pw@db:5432/tessera',
      AUTH_TOKEN_SECRET: SECRET,
      AUTH_TOKEN_TTL_SECONDS: '900',
      REDIS_URL: 'rediss://cache:6380',
      QUEUE_PREFIX: 'tessera:prod',
      WORKERS: 'off',
      WORKER_CONCURRENCY: '8',
      MIGRATIONS_RUN: 'false',
      GRAPHQL_INTROSPECTION: 'false',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      PATH: '/usr/bin', // unrelated variables are ignored
    });

    expect(config.env).toBe('production');
    expect(config.http).toEqual({ port: 8080, host: '127.0.0.1', trustProxy: 2, corsOrigins: [] });
    expect(config.database).toEqual({ url: 'postgresql://tessera:pw@db:5432/tessera', runMigrations: false });
    expect(config.queue).toEqual({
      redisUrl: 'rediss://cache:6380',
      prefix: 'tessera:prod',
      workers: false,
      concurrency: 8,
      lockMs: 30_000,
      stalledCheckMs: 30_000,
    });
    expect(config.auth.tokenSecret).toBe(SECRET);
    expect(config.auth.tokenTtlSeconds).toBe(900);
    expect(config.graphql.introspection).toBe(false);
    expect(config.log).toEqual({ level: 'warn', format: 'json' });
    expect(config.seedDemo).toBe(false); // demo data only by default in zero-setup mode
  });

  it('hides introspection and GraphiQL in production unless turned on, and shows them elsewhere unless turned off', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/t', AUTH_TOKEN_SECRET: SECRET };
    expect(loadConfig(production).graphql).toMatchObject({ introspection: false, graphiql: false });
    expect(loadConfig({ ...production, GRAPHQL_INTROSPECTION: 'true', GRAPHIQL: 'on' }).graphql).toMatchObject({
      introspection: true,
      graphiql: true,
    });
    expect(loadConfig({ NODE_ENV: 'development' }).graphql).toMatchObject({ introspection: true, graphiql: true });
    expect(loadConfig({ GRAPHIQL: 'off' }).graphql).toMatchObject({ introspection: true, graphiql: false });
    expect(configErrorOf({ GRAPHIQL: 'maybe' }).problems).toEqual(['GRAPHIQL: GRAPHIQL must be true or false']);
  });

  it('lets SEED_DEMO override the default either way', () => {
    expect(loadConfig({ SEED_DEMO: 'false' }).seedDemo).toBe(false);
    expect(loadConfig({ SEED_DEMO: 'true', DATABASE_URL: 'postgres://db/t', AUTH_TOKEN_SECRET: SECRET }).seedDemo).toBe(true);
  });

  it('reads CORS_ORIGINS as a list of origins, *, or none, and refuses anything else', () => {
    expect(loadConfig({}).http.corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).http.corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).http.corsOrigins).toBe('*');
    expect(() => loadConfig({ CORS_ORIGINS: 'app.example.com' })).toThrow(/CORS_ORIGINS must be/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ORIGINS must be/);
  });

  it('points mailed links at this API (its own pages) unless APP_URL names the web app', () => {
    expect(loadConfig({}).links.appUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '4100' }).links.appUrl).toBe('http://localhost:4100');
    expect(loadConfig({ PORT: '4100', APP_URL: 'https://app.example.com/' }).links.appUrl).toBe('https://app.example.com');
  });

  it('looks for lost event jobs ten minutes after their relay by default, and takes an operator’s period of a second or more', () => {
    expect(loadConfig({}).outbox).toEqual({ sweepIntervalMs: 5000, sweepAfterMs: 10_000, lostJobAfterMs: 600_000 });
    expect(loadConfig({ OUTBOX_LOST_JOB_AFTER_MS: '1500' }).outbox.lostJobAfterMs).toBe(1500);
    expect(configErrorOf({ OUTBOX_LOST_JOB_AFTER_MS: '10' }).problems).toEqual([
      expect.stringMatching(/^OUTBOX_LOST_JOB_AFTER_MS: .*at least 1000/),
    ]);
  });

  it('bounds HTTP connections by default, and takes an operator’s timeouts when they fit together', () => {
    expect(loadConfig({}).httpTimeouts).toEqual({ headersMs: 20_000, requestMs: 300_000, keepAliveMs: 5_000, idleMs: 120_000 });
    expect(
      loadConfig({
        HTTP_HEADERS_TIMEOUT_MS: '10000',
        HTTP_REQUEST_TIMEOUT_MS: '900000',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
        HTTP_IDLE_TIMEOUT_MS: '180000',
      }).httpTimeouts,
    ).toEqual({ headersMs: 10_000, requestMs: 900_000, keepAliveMs: 65_000, idleMs: 180_000 });
  });

  it('refuses private webhook targets by default, and reads the webhook settings', () => {
    expect(loadConfig({}).webhooks).toEqual({
      allowPrivateTargets: false,
      timeoutMs: 10_000,
      sweepIntervalMs: 30_000,
      leaseMarginMs: 30_000,
      overdueAfterMs: 60_000,
      retryBaseMs: 30_000,
      retryForHours: 25,
      disableAfterDays: 5,
    });
    expect(
      loadConfig({
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_TIMEOUT_MS: '2000',
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_RETRY_FOR_HOURS: '1',
        WEBHOOK_DISABLE_AFTER_DAYS: '2',
        WEBHOOK_SWEEP_INTERVAL_MS: '500',
        WEBHOOK_LEASE_MARGIN_MS: '700',
        WEBHOOK_OVERDUE_AFTER_MS: '800',
      }).webhooks,
    ).toEqual({
      allowPrivateTargets: true,
      timeoutMs: 2000,
      sweepIntervalMs: 500,
      leaseMarginMs: 700,
      overdueAfterMs: 800,
      retryBaseMs: 100,
      retryForHours: 1,
      disableAfterDays: 2,
    });
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'maybe' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false/);
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '0' })).toThrow(/WEBHOOK_TIMEOUT_MS must be a whole number from 100 to 60000/);
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['HTTP_IDLE_TIMEOUT_MS', { HTTP_IDLE_TIMEOUT_MS: '0' }, /^HTTP_IDLE_TIMEOUT_MS: HTTP_IDLE_TIMEOUT_MS must be a whole number from 1000/],
    ['HTTP_REQUEST_TIMEOUT_MS', { HTTP_REQUEST_TIMEOUT_MS: 'never' }, /^HTTP_REQUEST_TIMEOUT_MS: /],
    [
      'HTTP_HEADERS_TIMEOUT_MS',
      { HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '30000' },
      /^HTTP_HEADERS_TIMEOUT_MS must not be longer/,
    ],
    [
      'HTTP_KEEP_ALIVE_TIMEOUT_MS',
      { HTTP_KEEP_ALIVE_TIMEOUT_MS: '120000' },
      /^HTTP_KEEP_ALIVE_TIMEOUT_MS must be shorter than HTTP_IDLE_TIMEOUT_MS/,
    ],
  ])('refuses a bad %s with one message naming it', (_variable, env, message) => {
    const { problems } = configErrorOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
