import { hash, verify } from '@node-rs/argon2';

const HASHING_CONCURRENCY = 4;

/** argon2id with the library's defaults (memory-hard: 19 MiB, 2 passes). */
export const passwordHasher = {
  hash: (password: string): Promise<string> => hash(password),
  verify: (passwordHash: string, password: string): Promise<boolean> => verify(passwordHash, password).catch(() => false),
  /** Hashes a list (null stays null), a few at a time: argon2 shares libuv's thread pool with sign-ins and files. */
  async hashAll(passwords: (string | null | undefined)[]): Promise<(string | null)[]> {
    const hashes: (string | null)[] = [];
    for (let start = 0; start < passwords.length; start += HASHING_CONCURRENCY) {
      const slice = passwords.slice(start, start + HASHING_CONCURRENCY);
      hashes.push(...(await Promise.all(slice.map((password) => (password ? hash(password) : null)))));
    }
    return hashes;
  },
};
