type Hasher = typeof import('./password-hasher').passwordHasher;

/** The module as a process with this NODE_ENV loads it (the cost is chosen once, at load). */
function hasherUnder(nodeEnv: string): Hasher {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv;
  try {
    let hasher!: Hasher;
    jest.isolateModules(() => (hasher = (jest.requireActual('./password-hasher') as typeof import('./password-hasher')).passwordHasher));
    return hasher;
  } finally {
    process.env.NODE_ENV = before;
  }
}

describe('passwordHasher', () => {
  it("hashes with argon2id at the library's defaults outside tests", async () => {
    const production = hasherUnder('production');
    const hash = await production.hash('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await production.verify(hash, 'correct horse')).toBe(true);
    expect(await production.verify(hash, 'wrong horse')).toBe(false);
  });

  it('hashes at the minimum cost under NODE_ENV=test, and either verifies the other', async () => {
    const test = hasherUnder('test');
    const production = hasherUnder('production');
    const cheap = await test.hash('correct horse');
    expect(cheap).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await production.verify(cheap, 'correct horse')).toBe(true);
    expect(await test.verify(await production.hash('correct horse'), 'correct horse')).toBe(true);
    expect(await test.hashAll(['a', null, undefined])).toEqual([expect.stringMatching(/^\$argon2id\$v=19\$m=1024,t=1/), null, null]);
  });

  it('answers false for a malformed hash instead of throwing', async () => {
    expect(await hasherUnder('test').verify('not-a-hash', 'x')).toBe(false);
  });
});
