import { v7 as uuidv7 } from 'uuid';

/** Time-ordered UUIDv7, made in the application so indexes stay compact (DESIGN.md, "Data"). */
export function newId(): string {
  return uuidv7();
}
