import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { ClsServiceManager } from 'nestjs-cls';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Nest's own start-up chatter (~60 lines: each module initialised, each route mapped) logged at
 * 'log'. It buries the lines that matter (database, migrations, the URL), so it is logged at 'debug'
 * instead: LOG_LEVEL=debug shows it. Only 'log' lines are demoted; warnings and errors from these
 * contexts stay as they are.
 */
export const STARTUP_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'GraphQLModule',
  'NestApplication',
]);

/** Nest's console logger (JSON or pretty), with the request id of the current request on every line. */
export class AppLogger extends ConsoleLogger {
  constructor(options: { level: LogLevel; format: 'json' | 'pretty' }) {
    super({
      json: options.format === 'json',
      // Structured messages on one line in pretty mode too.
      compact: true,
      breakLength: Infinity,
      logLevels: LEVELS.slice(0, LEVELS.indexOf(options.level) + 1),
      redact: ['password', 'passwordHash', 'secret', 'authorization', 'accessToken'],
    });
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    // Nest passes the context last (an instance logger's own context when there is none).
    const last = optionalParams.at(-1);
    const context = typeof last === 'string' ? last : this.context;
    if (context !== undefined && STARTUP_CONTEXTS.has(context)) super.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }

  protected override getJsonLogObject(
    ...args: Parameters<ConsoleLogger['getJsonLogObject']>
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const record = super.getJsonLogObject(...args);
    const requestId = currentRequestId();
    return requestId ? { ...record, requestId } : record;
  }

  protected override formatContext(context: string): string {
    const requestId = currentRequestId();
    return super.formatContext(requestId ? `${context} ${requestId}` : context);
  }
}

function currentRequestId(): string | undefined {
  const cls = ClsServiceManager.getClsService();
  return cls.isActive() ? cls.getId() : undefined;
}
