import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * For hand-written statements on hot paths that read several entities in one round trip: the
 * select list of an entity's columns under a prefix, and the entity rebuilt from such a row with
 * the same conversions TypeORM applies when it reads (dates, transformers, JSON).
 */
export function prefixedColumns(manager: EntityManager, target: EntityTarget<ObjectLiteral>, alias: string, prefix: string): string {
  return manager.connection
    .getMetadata(target)
    .columns.map((column) => `${alias}."${column.databaseName}" AS "${prefix}${column.databaseName}"`)
    .join(', ');
}

/** The entity in `row` under `prefix`, or null when its primary key is null (a LEFT JOIN that matched nothing). */
export function entityFromRow<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
  prefix: string,
): T | null {
  const metadata = manager.connection.getMetadata(target);
  if (metadata.primaryColumns.some((column) => row[`${prefix}${column.databaseName}`] == null)) return null;
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    column.setEntityValue(entity, manager.connection.driver.prepareHydratedValue(row[`${prefix}${column.databaseName}`], column));
  }
  return entity;
}
