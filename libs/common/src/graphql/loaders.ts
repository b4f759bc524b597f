import DataLoader from 'dataloader';
import { ForbiddenError } from '../errors/app-error';

/**
 * Per-request DataLoaders, kept in the GraphQL context. A field resolver asks for the loader of a
 * name and gives the batch function once; every call in the same request shares it.
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();

  byId<T extends { id: string }>(name: string, fetch: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
    return this.get(name, async (ids) => {
      const byId = new Map((await fetch(ids)).map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  }

  get<T>(name: string, batch: (keys: readonly string[]) => Promise<(T | null)[]>): DataLoader<string, T | null> {
    let loader = this.loaders.get(name);
    if (!loader) {
      loader = new DataLoader<string, unknown>(batch);
      this.loaders.set(name, loader);
    }
    return loader as DataLoader<string, T | null>;
  }
}

/**
 * The answer of a non-null field naming a related object: the object, which whoever may see the
 * parent may see too. Null would mean those two rules have drifted apart: refuse, never show.
 */
export function shownBeside<T>(related: T | null, type: string): T {
  if (related === null) throw new ForbiddenError(`You may not see this ${type}.`);
  return related;
}
