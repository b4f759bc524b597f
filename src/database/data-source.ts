import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.options';

/**
 * For the TypeORM CLI (`npm run migration:generate --name=AddThing`): it needs a data source
 * with every entity. Point DATABASE_URL at a scratch database migrated to the current head.
 */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', { entities: 'glob' }),
);
