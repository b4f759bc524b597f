import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? (({ true: true, '1': true, on: true, false: false, '0': false, off: false } as Record<string, boolean>)[value.toLowerCase()] ?? value)
    : value;
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

/** One message for a bad whole number, whichever rule it breaks. */
function WholeNumber(min: number, max?: number): PropertyDecorator {
  const message =
    max === undefined ? `$property must be a whole number of at least ${min}` : `$property must be a whole number from ${min} to ${max}`;
  return applyDecorators(Transform(toInt), IsInt({ message }), Min(min, { message }), Max(max ?? Number.MAX_SAFE_INTEGER, { message }));
}

/**
 * The environment as the app reads it. Each variable is documented in `.env.example`; a wrong
 * value stops start-up with the variable's name and what it expects.
 */
class Environment {
  @IsIn(['development', 'production', 'test'], { message: 'NODE_ENV must be development, production or test' })
  NODE_ENV = 'development';

  @WholeNumber(0, 65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^(false|true|\d{1,2}|[0-9a-fA-F.:/, ]+|loopback|linklocal|uniquelocal)$/, {
    message: 'TRUST_PROXY must be false, true, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs',
  })
  TRUST_PROXY = 'false';

  @Matches(/^\s*(\*|https?:\/\/[^\s,/]+(\s*,\s*https?:\/\/[^\s,/]+)*)?\s*$/, {
    message: 'CORS_ORIGINS must be empty, *, or a comma-separated list of origins such as https://app.example.com',
  })
  CORS_ORIGINS = '';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Transform(toBoolean)
  @IsBoolean({ message: 'MIGRATIONS_RUN must be true or false' })
  MIGRATIONS_RUN = true;

  @IsString()
  DATA_DIR = './.data';

  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsString()
  @Matches(/^[A-Za-z0-9:_-]+$/, { message: 'QUEUE_PREFIX must be letters, digits, ":", "_" or "-"' })
  QUEUE_PREFIX = 'tessera';

  @Transform(toBoolean)
  @IsBoolean({ message: 'WORKERS must be on or off' })
  WORKERS = true;

  // A job may hold two database connections; the pool has 20.
  @WholeNumber(1, 8)
  WORKER_CONCURRENCY = 5;

  // Bull's job lock: a worker renews it while a job runs; a killed worker's jobs run again once it lapses.
  @WholeNumber(1000, 600_000)
  QUEUE_LOCK_MS = 30_000;

  @WholeNumber(500, 600_000)
  QUEUE_STALLED_CHECK_MS = 30_000;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'AUTH_TOKEN_SECRET must be at least 32 characters' })
  AUTH_TOKEN_SECRET?: string;

  @WholeNumber(60, 86_400)
  AUTH_TOKEN_TTL_SECONDS = 3600;

  // The gentle limit on one account from every client it has not been signed in from, per LOGIN_ACCOUNT_WINDOW_SECONDS.
  @WholeNumber(1)
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT = 100;

  @WholeNumber(1)
  LOGIN_MAX_ATTEMPTS_PER_CLIENT = 50;

  @WholeNumber(1)
  LOGIN_WINDOW_SECONDS = 900;

  // The strict limit: one account from one client address, per LOGIN_WINDOW_SECONDS.
  @WholeNumber(1)
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_AND_CLIENT = 10;

  @WholeNumber(60, 86_400)
  LOGIN_ACCOUNT_WINDOW_SECONDS = 3600;

  // How long a client address the owner signed in from stays exempt from the per-account limit.
  @WholeNumber(1, 365)
  LOGIN_KNOWN_CLIENT_DAYS = 30;

  // Both default to off in production: the schema and a playground are for developers.
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'GRAPHQL_INTROSPECTION must be true or false' })
  GRAPHQL_INTROSPECTION?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'GRAPHIQL must be true or false' })
  GRAPHIQL?: boolean;

  @WholeNumber(2, 50)
  GRAPHQL_MAX_DEPTH = 10;

  @WholeNumber(1, 1000)
  GRAPHQL_MAX_ALIASES = 15;

  // Each field counts 1 and a page its selection once per item asked (src/api/query-cost.ts): the
  // fullest documented operation at pages of 100 costs 16,001 (README's Registrations); a page of
  // 100 listing a page of 100 in each item costs over 30,000.
  @WholeNumber(100)
  GRAPHQL_MAX_COST = 30_000;

  @WholeNumber(100)
  GRAPHQL_MAX_TOKENS = 5000;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'], { message: 'LOG_LEVEL must be error, warn, log, debug or verbose' })
  LOG_LEVEL = 'log';

  @IsIn(['json', 'pretty'], { message: 'LOG_FORMAT must be json or pretty' })
  LOG_FORMAT = 'pretty';

  @WholeNumber(100)
  OUTBOX_SWEEP_INTERVAL_MS = 5000;

  @WholeNumber(0)
  OUTBOX_SWEEP_AFTER_MS = 10_000;

  // An event whose handlers have not all finished this long after its relay has its jobs looked for
  // in the queue, and each one the queue lost (Redis restarted empty) queued again.
  @WholeNumber(1000)
  OUTBOX_LOST_JOB_AFTER_MS = 600_000;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'SEED_DEMO must be true or false' })
  SEED_DEMO?: boolean;

  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value))
  @IsNumber({}, { message: 'CODE_GUESS_CEILING must be a number such as 0.000001' })
  @Min(1e-15, { message: 'CODE_GUESS_CEILING must be between 1e-15 and 0.01' })
  @Max(0.01, { message: 'CODE_GUESS_CEILING must be between 1e-15 and 0.01' })
  CODE_GUESS_CEILING = 1e-6;

  @WholeNumber(1, 1_000_000)
  CODE_GENERATE_INLINE_MAX = 10_000;

  @WholeNumber(1, 1_000_000)
  CODE_IMPORT_MAX_LINES = 100_000;

  /** Lines an organisation's imports may check against Tessera's codes in a day (each is a look-up another organisation's code could answer). */
  @WholeNumber(1, 1_000_000_000)
  CODE_IMPORT_LINES_PER_DAY = 1_000_000;

  @WholeNumber(1, 10_000_000)
  CODE_GENERATE_MAX = 2_000_000;

  @WholeNumber(1024, 1_073_741_824)
  UPLOAD_MAX_BYTES = 16 * 1_048_576;

  // A background import that reports no progress for this long, with no worker holding it, is given a new job.
  @WholeNumber(1000, 3_600_000)
  IMPORT_RESUME_AFTER_MS = 120_000;

  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString()
  @MinLength(3)
  MAIL_FROM = 'Tessera <no-reply@tessera.local>';

  // Links in mail (invitations, set-password, sign-in) open the web app here. Unset: this API on
  // localhost at PORT, whose own pages answer them.
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'APP_URL must be an http(s) URL' })
  APP_URL?: string;

  @WholeNumber(1, 365)
  INVITATION_TTL_DAYS = 14;

  @WholeNumber(1, 90)
  SET_PASSWORD_TTL_DAYS = 7;

  @Transform(toBoolean)
  @IsBoolean({ message: 'ACCESS_EXPIRY_MAIL must be true or false' })
  ACCESS_EXPIRY_MAIL = false;

  @WholeNumber(1, 30)
  MAIL_MAX_ATTEMPTS = 8;

  // The first retry waits this long; each next one twice as long (8 attempts span about 20 minutes).
  @WholeNumber(10, 3_600_000)
  MAIL_RETRY_DELAY_MS = 10_000;

  // A worker that dies mid-send gives its message up after this; it must outlast one SMTP send (max ~50 s).
  // Also how long after it was due an unfinished message whose job was lost is queued again.
  @WholeNumber(1000, 3_600_000)
  MAIL_CLAIM_MS = 120_000;

  // Node checks the headers and request timeouts every 30 s, so they end a connection up to 30 s late.
  @WholeNumber(1000, 600_000)
  HTTP_HEADERS_TIMEOUT_MS = 20_000;

  // The whole request, body included: an upload of UPLOAD_MAX_BYTES (16 MB) at 0.5 Mbit/s takes 270 s.
  @WholeNumber(1000, 3_600_000)
  HTTP_REQUEST_TIMEOUT_MS = 300_000;

  // Behind a load balancer, longer than its idle timeout (e.g. 65000 behind one that keeps 60 s).
  @WholeNumber(1000, 600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;

  // A connection on which nothing is sent or received this long is closed: a client gone silent
  // mid-request, or a request the server is silent on (none takes this long).
  @WholeNumber(1000, 3_600_000)
  HTTP_IDLE_TIMEOUT_MS = 120_000;

  // Off: webhook URLs that are or resolve to loopback, private, link-local (cloud metadata) or other
  // internal addresses are refused. Tests turn it on to reach their receiver on 127.0.0.1.
  @Transform(toBoolean)
  @IsBoolean({ message: 'WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_TARGETS = false;

  // One delivery attempt, connecting and reading the answer included.
  @WholeNumber(100, 60_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  // The first retry waits about this long; each next one twice as long, at most an hour apart.
  @WholeNumber(10, 3_600_000)
  WEBHOOK_RETRY_BASE_MS = 30_000;

  // A delivery is retried this long after it was made, then recorded FAILED.
  @WholeNumber(1, 168)
  WEBHOOK_RETRY_FOR_HOURS = 25;

  // An endpoint whose deliveries have failed this long without one success is disabled (FAILING).
  @WholeNumber(1, 90)
  WEBHOOK_DISABLE_AFTER_DAYS = 5;

  // How often worker processes look for deliveries whose job was lost (over a minute overdue).
  @WholeNumber(100, 3_600_000)
  WEBHOOK_SWEEP_INTERVAL_MS = 30_000;

  // An attempt's lease runs this long beyond WEBHOOK_TIMEOUT_MS (signing and recording it, a slow
  // database): a worker killed mid-attempt holds its delivery until then.
  @WholeNumber(100, 600_000)
  WEBHOOK_LEASE_MARGIN_MS = 30_000;

  // A PENDING delivery this long past due (or past its lease) is taken for lost and queued again.
  @WholeNumber(100, 3_600_000)
  WEBHOOK_OVERDUE_AFTER_MS = 60_000;
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  /** Express "trust proxy": which proxies' X-Forwarded-For to believe for the client address (rate limits). */
  /** corsOrigins: the web apps on other origins that may call the API from a browser ([] = none). */
  http: { port: number; host: string; trustProxy: boolean | number | string; corsOrigins: string[] | '*' };
  dataDir: string;
  database: { url?: string; runMigrations: boolean };
  queue: { redisUrl?: string; prefix: string; workers: boolean; concurrency: number; lockMs: number; stalledCheckMs: number };
  auth: {
    /** Absent only in zero-setup mode, where a secret is made and kept under DATA_DIR. */
    tokenSecret?: string;
    tokenTtlSeconds: number;
    /**
     * Failed sign-ins allowed: per account and client address, and per client address, in
     * windowSeconds; per account in accountWindowSeconds, counting only clients the account has not
     * signed in from within knownClientDays (so a stranger cannot lock the owner out).
     */
    login: {
      maxPerAccount: number;
      maxPerClient: number;
      windowSeconds: number;
      maxPerAccountAndClient: number;
      accountWindowSeconds: number;
      knownClientDays: number;
    };
  };
  /** introspection and graphiql (the playground at GET /graphql) default to off in production. */
  graphql: { introspection: boolean; graphiql: boolean; maxDepth: number; maxAliases: number; maxCost: number; maxTokens: number };
  log: { level: 'error' | 'warn' | 'log' | 'debug' | 'verbose'; format: 'json' | 'pretty' };
  outbox: { sweepIntervalMs: number; sweepAfterMs: number; lostJobAfterMs: number };
  /** Seed the demo organisation on first start (default: on in zero-setup mode only). */
  seedDemo: boolean;
  /** Where mail goes: an SMTP server, or (zero-setup) .eml files under DATA_DIR/mail. */
  mail: { smtpUrl?: string; from: string; maxAttempts: number; retryDelayMs: number; claimMs: number };
  /** Where people open the links we mail, and how long those links work. */
  links: { appUrl: string; invitationTtlDays: number; setPasswordTtlDays: number };
  /** Whether people are mailed when their access ends on its end date. */
  accessExpiryMail: boolean;
  /** Largest file one upload may be (bytes); how long a RUNNING import may show no progress before it is resumed. */
  uploads: { maxBytes: number; resumeAfterMs: number };
  codes: {
    /** Highest chance one random guess may have of hitting a live code; generations above it are refused. */
    guessCeiling: number;
    /** Generations up to this many codes finish within the request; larger ones run as a job. */
    inlineMax: number;
    /** Most codes one generation may ask for. */
    generateMax: number;
    /** Most lines one paste or file import may have. */
    importMaxLines: number;
    /** Most new lines an organisation's imports may check in a day (operators' imports are not counted). */
    importLinesPerDay: number;
  };
  /** How long a connection may take to send its headers and its whole request, stay open between requests, and stay silent. */
  httpTimeouts: { headersMs: number; requestMs: number; keepAliveMs: number; idleMs: number };
  webhooks: {
    /** Whether endpoints may be (or resolve to) loopback, private, link-local and other internal addresses. */
    allowPrivateTargets: boolean;
    /** One attempt's time limit. */
    timeoutMs: number;
    /** The first retry's delay; each next one doubles, capped at an hour. */
    retryBaseMs: number;
    /** How long after it was made a delivery is retried before it is recorded FAILED. */
    retryForHours: number;
    /** An endpoint failing this long without a success is disabled. */
    disableAfterDays: number;
    /** How often workers re-queue deliveries over overdueAfterMs overdue (a lost job, a killed worker). */
    sweepIntervalMs: number;
    /** How long an attempt's lease lasts beyond timeoutMs. */
    leaseMarginMs: number;
    /** How far past due (or past its lease) a PENDING delivery is taken for lost. */
    overdueAfterMs: number;
  };
}

/** A reason the process cannot start that a person must fix; printed without a stack trace. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export class ConfigError extends StartupError {
  override name = 'ConfigError';

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
  }
}

function corsOrigins(value: string): string[] | '*' {
  if (value.trim() === '*') return '*';
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

function trustProxy(value: string): boolean | number | string {
  if (value === 'false' || value === 'true') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, stopAtFirstError: true });
  const problems = errors.flatMap((error) =>
    // The value is not echoed: it may be a secret or a URL with a password.
    Object.values(error.constraints ?? {}).map((message) => `${error.property}: ${message}`),
  );
  if (env.DATABASE_URL && !env.AUTH_TOKEN_SECRET) {
    problems.push(
      'AUTH_TOKEN_SECRET is required with DATABASE_URL: every API process must sign and check tokens with the same secret (at least 32 characters).',
    );
  }
  if (!env.WORKERS && !env.REDIS_URL) {
    problems.push('WORKERS=off needs REDIS_URL: without Redis, jobs run in this process, so it must run workers.');
  }
  // Compared only once each is a valid number (a bad one is named above).
  const valid = (...names: (keyof Environment)[]) => names.every((name) => !errors.some((error) => error.property === name));
  if (valid('HTTP_HEADERS_TIMEOUT_MS', 'HTTP_REQUEST_TIMEOUT_MS') && env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS: the request includes its headers.');
  }
  if (valid('HTTP_KEEP_ALIVE_TIMEOUT_MS', 'HTTP_IDLE_TIMEOUT_MS') && env.HTTP_KEEP_ALIVE_TIMEOUT_MS >= env.HTTP_IDLE_TIMEOUT_MS) {
    problems.push(
      'HTTP_KEEP_ALIVE_TIMEOUT_MS must be shorter than HTTP_IDLE_TIMEOUT_MS: an idle kept-alive connection would otherwise be cut while clients still count on it.',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: env.NODE_ENV as AppConfig['env'],
    http: { port: env.PORT, host: env.HOST, trustProxy: trustProxy(env.TRUST_PROXY), corsOrigins: corsOrigins(env.CORS_ORIGINS) },
    dataDir: env.DATA_DIR,
    database: { url: env.DATABASE_URL, runMigrations: env.MIGRATIONS_RUN },
    queue: {
      redisUrl: env.REDIS_URL,
      prefix: env.QUEUE_PREFIX,
      workers: env.WORKERS,
      concurrency: env.WORKER_CONCURRENCY,
      lockMs: env.QUEUE_LOCK_MS,
      stalledCheckMs: env.QUEUE_STALLED_CHECK_MS,
    },
    auth: {
      tokenSecret: env.AUTH_TOKEN_SECRET,
      tokenTtlSeconds: env.AUTH_TOKEN_TTL_SECONDS,
      login: {
        maxPerAccount: env.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT,
        maxPerClient: env.LOGIN_MAX_ATTEMPTS_PER_CLIENT,
        windowSeconds: env.LOGIN_WINDOW_SECONDS,
        maxPerAccountAndClient: env.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_AND_CLIENT,
        accountWindowSeconds: env.LOGIN_ACCOUNT_WINDOW_SECONDS,
        knownClientDays: env.LOGIN_KNOWN_CLIENT_DAYS,
      },
    },
    graphql: {
      introspection: env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== 'production',
      graphiql: env.GRAPHIQL ?? env.NODE_ENV !== 'production',
      maxDepth: env.GRAPHQL_MAX_DEPTH,
      maxAliases: env.GRAPHQL_MAX_ALIASES,
      maxCost: env.GRAPHQL_MAX_COST,
      maxTokens: env.GRAPHQL_MAX_TOKENS,
    },
    log: { level: env.LOG_LEVEL as AppConfig['log']['level'], format: env.LOG_FORMAT as AppConfig['log']['format'] },
    outbox: {
      sweepIntervalMs: env.OUTBOX_SWEEP_INTERVAL_MS,
      sweepAfterMs: env.OUTBOX_SWEEP_AFTER_MS,
      lostJobAfterMs: env.OUTBOX_LOST_JOB_AFTER_MS,
    },
    seedDemo: env.SEED_DEMO ?? !env.DATABASE_URL,
    mail: {
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM,
      maxAttempts: env.MAIL_MAX_ATTEMPTS,
      retryDelayMs: env.MAIL_RETRY_DELAY_MS,
      claimMs: env.MAIL_CLAIM_MS,
    },
    accessExpiryMail: env.ACCESS_EXPIRY_MAIL,
    links: {
      appUrl: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
      invitationTtlDays: env.INVITATION_TTL_DAYS,
      setPasswordTtlDays: env.SET_PASSWORD_TTL_DAYS,
    },
    uploads: { maxBytes: env.UPLOAD_MAX_BYTES, resumeAfterMs: env.IMPORT_RESUME_AFTER_MS },
    codes: {
      guessCeiling: env.CODE_GUESS_CEILING,
      inlineMax: env.CODE_GENERATE_INLINE_MAX,
      generateMax: env.CODE_GENERATE_MAX,
      importMaxLines: env.CODE_IMPORT_MAX_LINES,
      importLinesPerDay: env.CODE_IMPORT_LINES_PER_DAY,
    },
    httpTimeouts: {
      headersMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      idleMs: env.HTTP_IDLE_TIMEOUT_MS,
    },
    webhooks: {
      allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
      retryForHours: env.WEBHOOK_RETRY_FOR_HOURS,
      disableAfterDays: env.WEBHOOK_DISABLE_AFTER_DAYS,
      sweepIntervalMs: env.WEBHOOK_SWEEP_INTERVAL_MS,
      leaseMarginMs: env.WEBHOOK_LEASE_MARGIN_MS,
      overdueAfterMs: env.WEBHOOK_OVERDUE_AFTER_MS,
    },
  };
}
