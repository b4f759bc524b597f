// The schema's breaking changes must be announced: compares schema.gql with a base commit's (the
// previous commit by default, SCHEMA_BASE=<ref> to choose) using GraphQL Inspector, prints every
// change, and fails when a breaking one is not named in CHANGELOG.md (`npm run schema:diff`, in CI).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

const DEFAULT_BASE = 'HEAD~1';

/** Every change from `baseSdl` to `currentSdl`, as GraphQL Inspector classifies it. */
export async function schemaChanges(baseSdl, currentSdl) {
  return diff(buildSchema(baseSdl), buildSchema(currentSdl));
}

/**
 * What names a change in the changelog: its path (`Query.accessGrants`, `Query.codes.filter` for an
 * argument, `CodeStatus.VOID` for an enum value, `Invitation` for a type), or its type for the few
 * changes that have no path (e.g. `SCHEMA_QUERY_TYPE_CHANGED`).
 */
export function changeName(change) {
  return change.path ?? change.type;
}

/**
 * The `### Breaking` list of CHANGELOG.md's `## Unreleased` section: the text from that heading to
 * the next heading of level 2 or 3, or '' when there is none.
 */
export function unreleasedBreakingList(changelog) {
  const unreleased = sectionText(changelog, /^## Unreleased\s*$/m, /^## /m);
  return sectionText(unreleased, /^### Breaking\s*$/m, /^#{2,3} /m);
}

function sectionText(text, heading, nextHeading) {
  const start = text.match(heading);
  if (!start) return '';
  const body = text.slice(start.index + start[0].length);
  const end = body.search(nextHeading);
  return end === -1 ? body : body.slice(0, end);
}

/**
 * Whether the list names the change: some `code span` in it is the change's name or a part of the
 * schema above it (`Query.codeRecipients` covers `Query.codeRecipients.status`, an argument).
 */
export function isListed(name, breakingList) {
  const spans = [...breakingList.matchAll(/`([^`\n]+)`/g)].map((match) => match[1].trim());
  return spans.some((span) => name === span || name.startsWith(`${span}.`));
}

/** The changes, and the breaking ones that the changelog's Unreleased breaking list does not name. */
export async function checkSchemaChanges({ baseSdl, currentSdl, changelog }) {
  const changes = await schemaChanges(baseSdl, currentSdl);
  const breakingList = unreleasedBreakingList(changelog);
  const unlisted = changes.filter(
    (change) => change.criticality.level === CriticalityLevel.Breaking && !isListed(changeName(change), breakingList),
  );
  return { changes, unlisted };
}

/** The report printed for a check, and whether it passes. */
export function describeCheck({ changes, unlisted }, baseLabel) {
  if (changes.length === 0) return { passed: true, lines: [`schema.gql has no changes since ${baseLabel}.`] };
  const levels = [CriticalityLevel.Breaking, CriticalityLevel.Dangerous, CriticalityLevel.NonBreaking];
  const lines = [`schema.gql changes since ${baseLabel}:`];
  for (const level of levels) {
    for (const change of changes.filter((candidate) => candidate.criticality.level === level)) {
      const note = level === CriticalityLevel.Breaking ? (unlisted.includes(change) ? ' — NOT IN CHANGELOG.md' : ' — in CHANGELOG.md') : '';
      lines.push(`  ${level.padEnd(12)} ${changeName(change)}: ${change.message}${note}`);
    }
  }
  if (unlisted.length === 0) return { passed: true, lines };
  lines.push(
    '',
    `${unlisted.length} breaking change(s) are not named in CHANGELOG.md. Under "## Unreleased" → "### Breaking", add a line`,
    'naming each path in backticks and what a client does instead, for example:',
    ...unlisted.map((change) => `- \`${changeName(change)}\`: …`),
  );
  return { passed: false, lines };
}

/** schema.gql at `ref`, or why there is none to compare with. */
function baseSchema(ref, root) {
  const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  let commit;
  try {
    commit = git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`).trim();
  } catch {
    return { missing: `there is no commit ${ref} (a first commit, a shallow clone, or no git checkout)` };
  }
  try {
    return { sdl: git('show', `${commit}:schema.gql`), label: `${ref} (${commit.slice(0, 10)})` };
  } catch {
    return { missing: `${ref} (${commit.slice(0, 10)}) has no schema.gql` };
  }
}

/** Run from the repository root (npm runs scripts there): its schema.gql, CHANGELOG.md and git history. */
async function main(root = process.cwd()) {
  const explicitBase = process.env.SCHEMA_BASE;
  const base = baseSchema(explicitBase || DEFAULT_BASE, root);
  if (base.missing) {
    // A base the caller named must exist; the default one is absent only where there is no history.
    console.log(`Schema diff: ${base.missing}; nothing to compare with.${explicitBase ? ' Check SCHEMA_BASE.' : ''}`);
    process.exitCode = explicitBase ? 1 : 0;
    return;
  }
  const check = await checkSchemaChanges({
    baseSdl: base.sdl,
    currentSdl: readFileSync(join(root, 'schema.gql'), 'utf8'),
    changelog: existsSync(join(root, 'CHANGELOG.md')) ? readFileSync(join(root, 'CHANGELOG.md'), 'utf8') : '',
  });
  const { passed, lines } = describeCheck(check, base.label);
  console.log(lines.join('\n'));
  process.exitCode = passed ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
