import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { ClsServiceManager } from 'nestjs-cls';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

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
