import { hash, verify, type Options } from '@node-rs/argon2';

const HASHING_CONCURRENCY = 4;

/**
 * The library's defaults (memory-hard: 19 MiB, 2 passes), except under NODE_ENV=test, where
 * thousands of hashes would cost the suite seconds of CPU and prove nothing more: the minimum
 * cost there. Each hash carries its own parameters, so verifying never depends on this.
 */
const COST: Options = process.env.NODE_ENV === 'test' ? { memoryCost: 1024, timeCost: 1 } : {};

/** argon2id. */
export const passwordHasher = {
  hash: (password: string): Promise<string> => hash(password, COST),
  verify: (passwordHash: string, password: string): Promise<boolean> => verify(passwordHash, password).catch(() => false),
  /** Hashes a list (null stays null), a few at a time: argon2 shares libuv's thread pool with sign-ins and files. */
  async hashAll(passwords: (string | null | undefined)[]): Promise<(string | null)[]> {
    const hashes: (string | null)[] = [];
    for (let start = 0; start < passwords.length; start += HASHING_CONCURRENCY) {
      const slice = passwords.slice(start, start + HASHING_CONCURRENCY);
      hashes.push(...(await Promise.all(slice.map((password) => (password ? hash(password, COST) : null)))));
    }
    return hashes;
  },
};
