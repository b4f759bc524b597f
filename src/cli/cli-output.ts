import { LogLevel } from '@nestjs/common';
import { AppError, BadUserInputError } from '@tessera/common';
import { StartupError } from '../config/config';
import type { ImportRowProblem } from '../distribution/entities/participant-import.entity';
import { AppLogger } from '../logging/app-logger';
import { optionOfField, UsageError } from './cli-input';

/** The app's logger with every line on stderr: stdout carries only a command's result (a CSV, a summary). */
export class CliLogger extends AppLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack);
  }
}

/** A titled list of figures, labels aligned: what a command did. */
export function summary(title: string, rows: [label: string, value: string | number][], notes: string[] = []): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  const shown = rows.map(([label, value]) => [label, typeof value === 'number' ? value.toLocaleString('en') : value]);
  const valueWidth = Math.max(...shown.map(([, value]) => (/^[\d,]+$/.test(value) ? value.length : 0)));
  const lines = shown.map(([label, value]) => `  ${label.padEnd(width)}  ${/^[\d,]+$/.test(value) ? value.padStart(valueWidth) : value}`);
  return [title, ...lines, ...notes.map((note) => `  ${note}`)].join('\n') + '\n';
}

/** Seconds since `started`, for a summary's "time" row. */
export function elapsed(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** A file's problems by row and column, one a line, as an operator fixes them in a spreadsheet. */
export function problemReport(problems: ImportRowProblem[]): string {
  return problems
    .map(({ row, column, value, message }) => `  row ${row}${column ? `, ${column}` : ''}${value ? ` ("${value}")` : ''}: ${message}`)
    .join('\n');
}

/**
 * What an operator reads when a command fails: bad input field by field (named by option), a
 * refusal's reason, a configuration problem; only an unexpected error keeps its stack trace.
 * The exit code: 2 for a command line that does not parse, else 1.
 */
export function reportFailure(error: unknown, usageOf: (command?: string) => string): number {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${usageOf(error.command)}`);
    return 2;
  }
  if (error instanceof BadUserInputError) {
    console.error(['Bad input:', ...error.fields.map(({ field, message }) => `  ${optionOfField(field)}: ${message}`)].join('\n'));
  } else if (error instanceof AppError) {
    const problems = error.details.problems as ImportRowProblem[] | undefined;
    // A row refused while being carried out: the transaction wrote nothing.
    console.error(problems ? `Nothing was written:\n${problemReport(problems)}` : error.message);
  } else if (error instanceof StartupError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  return 1;
}
