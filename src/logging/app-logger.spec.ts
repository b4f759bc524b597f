import { Logger, LogLevel } from '@nestjs/common';
import { AppLogger } from './app-logger';

/** What `logger` writes to stdout and stderr while `log` runs. */
function output(level: LogLevel, log: () => void): string {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    Logger.overrideLogger(new AppLogger({ level, format: 'json' }));
    log();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return written.join('');
}

const startUp = () => {
  new Logger('InstanceLoader').log('AppModule dependencies initialized');
  new Logger('RouterExplorer').log('Mapped {/health/live, GET} route');
  Logger.log('Mapped {/graphql, POST} route', 'GraphQLModule');
  new Logger('NestApplication').log('Nest application successfully started');
};

describe('AppLogger', () => {
  afterAll(() => Logger.overrideLogger(new AppLogger({ level: 'error', format: 'json' })));

  it("keeps Nest's start-up lines out of the default level", () => {
    expect(output('log', startUp)).toBe('');
  });

  it('shows them at LOG_LEVEL=debug, as debug lines', () => {
    const lines = output('debug', startUp)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.level, line.context])).toEqual([
      ['debug', 'InstanceLoader'],
      ['debug', 'RouterExplorer'],
      ['debug', 'GraphQLModule'],
      ['debug', 'NestApplication'],
    ]);
  });

  it("keeps the app's own lines and warnings from the start-up contexts", () => {
    const written = output('log', () => {
      new Logger('Tessera').log('GraphQL API at http://localhost:3000/graphql');
      new Logger('Migrations').log('Applied Foundation1795431266151');
      new Logger('RoutesResolver').warn('a route is mapped twice');
    });
    const lines = written
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.level, line.context])).toEqual([
      ['log', 'Tessera'],
      ['log', 'Migrations'],
      ['warn', 'RoutesResolver'],
    ]);
  });
});
