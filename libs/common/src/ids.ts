import { v7 as uuidv7 } from 'uuid';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (any version, any case). */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** Time-ordered UUIDv7, made in the application so indexes stay compact (DESIGN.md, "Data"). */
export function newId(): string {
  return uuidv7();
}
