import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AlwaysHeardClient } from './always-heard-client';
import { SnakeNamingStrategy } from './naming-strategy';

const extension = __filename.endsWith('.ts') ? 'ts' : 'js';
export const MIGRATIONS_GLOB = join(__dirname, 'migrations', `*.${extension}`);
const ENTITIES_GLOB = join(__dirname, '..', '..', '{src,libs}', '**', `*.entity.${extension}`);

/** One definition of the connection for the app, the CLI and the migration generator. */
export function dataSourceOptions(url: string, options: { entities?: 'glob' } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    namingStrategy: new SnakeNamingStrategy(),
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'migration',
    synchronize: false,
    ...(options.entities === 'glob' ? { entities: [ENTITIES_GLOB] } : {}),
    // pg-pool makes its clients with `Client`: one that cannot crash the process with an unheard error.
    extra: { max: 20, application_name: 'tessera', Client: AlwaysHeardClient },
  };
}
