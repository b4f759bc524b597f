import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.options';

// Any constant: several processes starting at once take turns running migrations.
const MIGRATION_LOCK = 7_246_001;

/** Runs pending migrations (or reverts the last one), one process at a time. */
export async function runMigrations(url: string, options: { revert?: boolean } = {}): Promise<string[]> {
  const dataSource = await new DataSource({ ...dataSourceOptions(url), logging: false }).initialize();
  // Advisory locks belong to a session: take and release it on one connection.
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    if (options.revert) {
      await dataSource.undoLastMigration({ transaction: 'each' });
      return [];
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) new Logger('Migrations').log(`Applied ${applied.map((m) => m.name).join(', ')}`);
    return applied.map((m) => m.name);
  } finally {
    await lock.release();
    await dataSource.destroy();
  }
}
