import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every TypeScript source file under a folder of src/, tests left out. */
function sourcesOf(folder: string): string[] {
  const root = join(__dirname, folder);
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .map((file) => join(root, file));
}

/** The modules a file imports from, as `../<module>/…` paths name them. */
function importedModules(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '((?:\.\.\/)+)([\w-]+)\//g)].map((match) => match[2]);
}

describe('module boundaries', () => {
  // Mail is a subscriber of these modules' events (DESIGN.md, events and the outbox): they publish
  // what happened and never call notifications, which knows them — not the other way round.
  it.each(['access', 'invitations', 'distribution'])('%s imports nothing from notifications', (module) => {
    const offenders = sourcesOf(module).filter((file) => importedModules(file).includes('notifications'));
    expect(offenders.map((file) => relative(__dirname, file))).toEqual([]);
  });

  // Taking a seat runs one way: invitations (accepting) and distribution (giving) call access;
  // access never calls back into them, in code or through an in-transaction handler.
  it('access imports nothing from invitations or distribution', () => {
    const offenders = sourcesOf('access').filter((file) =>
      importedModules(file).some((module) => module === 'invitations' || module === 'distribution'),
    );
    expect(offenders.map((file) => relative(__dirname, file))).toEqual([]);
  });
});
