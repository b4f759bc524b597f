import { hash, verify } from '@node-rs/argon2';

/** argon2id with the library's defaults (memory-hard: 19 MiB, 2 passes). */
export const passwordHasher = {
  hash: (password: string): Promise<string> => hash(password),
  verify: (passwordHash: string, password: string): Promise<boolean> => verify(passwordHash, password).catch(() => false),
};
