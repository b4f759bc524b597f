import { Alphabet, matchesFormat } from '@tessera/codes';
import { eventually, Fixtures, Person, TestApp } from '@tessera/testing';
import { parseString } from 'fast-csv';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateWithProgress } from '../src/cli/generate';
import { ContractsService } from '../src/contracts/contracts.service';
import { CodeGenerationService } from '../src/inventory/code-generation.service';
import { StuckBatchReaper } from '../src/inventory/stuck-batch-reaper';
import { Organization } from '../src/identity/entities/organization.entity';

const GENERATE = `mutation($input: GenerateCodesInput!) {
  generateCodes(input: $input) { batch { id status progress requestedQuantity createdCount prefix width } }
}`;
const BATCH = `query($id: UUID!) { codeBatch(id: $id) { id status progress createdCount failureReason } }`;
const IMPORT = `mutation($input: ImportCodesInput!) {
  importCodes(input: $input) {
    imported duplicateCount alreadyStoredCount malformedCount batch { id source createdCount }
    duplicates { line value firstLine } alreadyStored { line value reason } malformed { line value reason }
  }
}`;
const CODES = `query($org: UUID!, $filter: CodeFilter, $first: Int) {
  codes(organizationId: $org, filter: $filter, first: $first) {
    totalCount edges { node { id code displayCode status codeType adminComment batch { id } price { priceCode } product { name } } }
  }
}`;
const UPDATE = `mutation($input: UpdateCodeInput!) { updateCode(input: $input) { code { id adminComment codeType expiresAt } } }`;
const VOID = `mutation($input: VoidCodeInput!) { voidCode(input: $input) { code { id status } } }`;
const SUMMARY = `query($org: UUID!) { inventorySummary(organizationId: $org) { total byStatus { status count } byBatch { id total } byPrice { id total } } }`;

describe('inventory: generate, import, search, change, void, export', () => {
  let t: TestApp;
  let fixtures: Fixtures;
  let organization: Organization;
  let admin: Person;

  beforeAll(async () => {
    t = await TestApp.create();
    fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Inventory Org'));
  });
  afterAll(() => t.close());

  async function completed(batchId: string, client = admin.client, timeoutMs = 60_000) {
    return eventually(
      async () => {
        const { codeBatch } = await client.ok(BATCH, { id: batchId });
        if (codeBatch.status !== 'COMPLETED') throw new Error(`batch is ${codeBatch.status} (${codeBatch.failureReason ?? 'no failure'})`);
        return codeBatch;
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  it('generates 25,000 distinct codes with a prefix in the background, with progress', async () => {
    const { generateCodes } = await admin.client.ok(GENERATE, {
      input: { organizationId: organization.id, quantity: 25_000, width: 12, prefix: 'acme' },
    });
    expect(generateCodes.batch).toMatchObject({ status: 'PENDING', requestedQuantity: 25_000, prefix: 'ACME', width: 12 });
    const batch = await completed(generateCodes.batch.id);
    expect(batch).toMatchObject({ progress: 100, createdCount: 25_000 });

    const rows: { code: string }[] = await t.dataSource.query('SELECT code FROM code WHERE batch_id = $1', [batch.id]);
    expect(rows).toHaveLength(25_000);
    expect(new Set(rows.map((r) => r.code)).size).toBe(25_000);
    const format = { alphabet: Alphabet.DEFAULT, width: 12, prefix: 'ACME', checkCharacter: false };
    expect(rows.filter((r) => !matchesFormat(r.code, format))).toEqual([]);
  });

  it('generates small batches at once, with a check character, the contract’s prefix and price', async () => {
    const root = await fixtures.platformAdmin();
    const contracts = t.get(ContractsService);
    const actor = { kind: 'user' as const, userId: root.user.id, isPlatformAdmin: true };
    const product = await contracts.createProduct(actor, { ownerOrganizationId: organization.id, name: 'Mentoring 2026' });
    const price = await contracts.createPrice(actor, { productId: product.id, priceCode: 'STD', name: 'Standard', accessDays: 365 });
    const other = await contracts.createPrice(actor, { productId: product.id, priceCode: 'VIP', name: 'VIP' });
    const contract = await contracts.createContract(actor, {
      organizationId: organization.id,
      name: 'Contract A',
      invitationPrefix: 'CTRA',
      priceIds: [price.id],
    });

    const { generateCodes } = await admin.client.ok(GENERATE, {
      input: {
        organizationId: organization.id,
        quantity: 40,
        width: 10,
        contractId: contract.id,
        priceId: price.id,
        codeType: 'MENTEE',
        checkCharacter: true,
      },
    });
    expect(generateCodes.batch).toMatchObject({ status: 'COMPLETED', createdCount: 40, prefix: 'CTRA', width: 10 });
    const { codes } = await admin.client.ok(CODES, { org: organization.id, filter: { batchId: generateCodes.batch.id }, first: 100 });
    expect(codes.totalCount).toBe(40);
    const format = { alphabet: Alphabet.DEFAULT, width: 10, prefix: 'CTRA', checkCharacter: true };
    for (const { node } of codes.edges) {
      expect(matchesFormat(node.code, format)).toBe(true);
      expect(node).toMatchObject({
        codeType: 'MENTEE',
        status: 'AVAILABLE',
        price: { priceCode: 'STD' },
        product: { name: 'Mentoring 2026' },
      });
      expect(node.displayCode).toBe(`CTRA-${node.code.slice(4, 8)}-${node.code.slice(8, 12)}-${node.code.slice(12)}`);
    }

    const notAllowed = await admin.client.fails(GENERATE, {
      input: { organizationId: organization.id, quantity: 5, width: 10, contractId: contract.id, priceId: other.id },
    });
    expect(notAllowed).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'priceId' }] } });
  });

  it.each([
    ['a width of 5', { quantity: 10, width: 5 }, 'width'],
    ['a width of 21', { quantity: 10, width: 21 }, 'width'],
    ['a quantity of 0', { quantity: 0, width: 10 }, 'quantity'],
    ['a negative quantity', { quantity: -5, width: 10 }, 'quantity'],
    ['an enormous quantity', { quantity: 2_000_000_000, width: 12 }, 'quantity'],
    ['a prefix with punctuation', { quantity: 10, width: 10, prefix: 'AB$' }, 'prefix'],
    ['a lower-case code type', { quantity: 10, width: 10, codeType: 'mentee' }, 'codeType'],
  ])('refuses %s with BAD_USER_INPUT on that field, writing nothing', async (_, input, field) => {
    const before = await t.dataSource.query('SELECT count(*)::int AS n FROM code_batch');
    const error = await admin.client.fails(GENERATE, { input: { organizationId: organization.id, ...input } });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions?.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await t.dataSource.query('SELECT count(*)::int AS n FROM code_batch')).toEqual(before);
  });

  it('refuses a generation whose codes would be guessable, with the numbers and the width that would do', async () => {
    const error = await admin.client.fails(GENERATE, { input: { organizationId: organization.id, quantity: 1_000_000, width: 6 } });
    expect(error.code).toBe('BAD_USER_INPUT');
    const [field] = error.extensions!.fields as { field: string; message: string }[];
    expect(field.field).toBe('width');
    expect(field.message).toMatch(
      /1,000,000 live codes of 6 random symbols from 29 give a 1 in 595 chance per guess; the limit is 1 in 1,000,000\. Use a width of at least 9\./,
    );
  });

  it('imports pasted codes and accounts for every line', async () => {
    const [stored] = await t.dataSource.query('SELECT code FROM code WHERE organization_id = $1 LIMIT 1', [organization.id]);
    const text = [
      '  IMPORT-0001  ', // 1: spaces and hyphens dropped
      '',
      'import0002', // 3: lower case is fine
      'IMPORT0001', // 4: repeats line 1
      'not a code!', // 5: malformed
      stored.code, // 6: already in the inventory
      '   ',
      'X1', // 8: too short
      'IMP ORT 0003', // 9
    ].join('\r\n');
    const { importCodes } = await admin.client.ok(IMPORT, { input: { organizationId: organization.id, text, codeType: 'MENTOR' } });
    expect(importCodes).toMatchObject({
      imported: 3,
      duplicateCount: 1,
      alreadyStoredCount: 1,
      malformedCount: 2,
      batch: { source: 'IMPORTED', createdCount: 3 },
      duplicates: [{ line: 4, value: 'IMPORT0001', firstLine: 1 }],
      alreadyStored: [{ line: 6, value: stored.code }],
    });
    expect(importCodes.malformed.map((m: { line: number }) => m.line)).toEqual([5, 8]);
    const { codes } = await admin.client.ok(CODES, { org: organization.id, filter: { batchId: importCodes.batch.id } });
    expect(codes.edges.map((e: any) => e.node.code).sort()).toEqual(['IMPORT0001', 'IMPORT0002', 'IMPORT0003']);

    const again = await admin.client.ok(IMPORT, { input: { organizationId: organization.id, text: 'import-0001\nIMPORT0004' } });
    expect(again.importCodes).toMatchObject({ imported: 1, alreadyStoredCount: 1, alreadyStored: [{ line: 1 }] });
    const empty = await admin.client.fails(IMPORT, { input: { organizationId: organization.id, text: '\n  \n' } });
    expect(empty).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'text' }] } });
  });

  it('imports codes from a CSV file saved by a spreadsheet (BOM, CRLF, quoted commas and newlines)', async () => {
    const FILE_IMPORT = `mutation($input: ImportCodesFileInput!) {
      importCodesFromFile(input: $input) { imported duplicateCount malformedCount duplicates { line firstLine } malformed { line value } }
    }`;
    const content = await readFile(join(__dirname, 'fixtures', 'codes-excel.csv'));
    const result = await admin.client.upload(
      FILE_IMPORT,
      { input: { organizationId: organization.id, column: 'CODE', file: null } },
      { 'input.file': { content, filename: 'codes.csv' } },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.importCodesFromFile).toEqual({
      imported: 3,
      duplicateCount: 1,
      malformedCount: 1,
      duplicates: [{ line: 4, firstLine: 2 }],
      malformed: [{ line: 5, value: '=cmd|calc' }],
    });
    const { codes } = await admin.client.ok(CODES, { org: organization.id, filter: { search: 'csv000' } });
    expect(codes.edges.map((e: any) => e.node.code).sort()).toEqual(['CSV0001', 'CSV0002', 'CSV0003']);

    const noColumn = await admin.client.upload(
      FILE_IMPORT,
      { input: { organizationId: organization.id, column: 'voucher', file: null } },
      { 'input.file': { content, filename: 'codes.csv' } },
    );
    expect(noColumn.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'column' }] } });
    const ragged = await admin.client.upload(
      FILE_IMPORT,
      { input: { organizationId: organization.id, file: null } },
      { 'input.file': { content: 'code,name\r\nAAAA1111,x,extra\r\n', filename: 'bad.csv' } },
    );
    expect(ragged.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'file' }] } });
  });

  it('refuses a NUL character anywhere in the input with BAD_USER_INPUT', async () => {
    const search = await admin.client.fails(CODES, { org: organization.id, filter: { search: 'a\u0000b' } });
    expect(search).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'filter.search' }] } });
    const lookup = await admin.client.fails(`query($c: String!) { code(code: $c) { id } }`, { c: 'ab\u0000' });
    expect(lookup.code).toBe('BAD_USER_INPUT');
  });

  it('does not let imports probe other organisations’ codes: a daily allowance of collisions', async () => {
    const { organization: other, admin: otherAdmin } = await fixtures.organization('Prober Org');
    const theirs: { code: string }[] = await t.dataSource.query('SELECT code FROM code WHERE organization_id = $1 LIMIT 25', [
      organization.id,
    ]);
    const first = await otherAdmin.client.ok(IMPORT, {
      input: {
        organizationId: other.id,
        text: theirs
          .slice(0, 5)
          .map((r) => r.code)
          .join('\n'),
      },
    });
    expect(first.importCodes).toMatchObject({ imported: 0, alreadyStoredCount: 5, batch: null });
    expect(first.importCodes.alreadyStored[0].reason).toMatch(/Already in use/);
    const [{ batches }] = await t.dataSource.query('SELECT count(*)::int AS batches FROM code_batch WHERE organization_id = $1', [
      other.id,
    ]);
    expect(batches).toBe(0);
    const probe = await otherAdmin.client.fails(IMPORT, {
      input: { organizationId: other.id, text: [...theirs.slice(5).map((r) => r.code), 'FRESHCODE99'].join('\n') },
    });
    expect(probe.code).toBe('RATE_LIMITED');
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM code WHERE organization_id = $1', [other.id]);
    expect(n).toBe(0);
  });

  it('finds codes by code, comment and status; changes and voids them; refuses what their status forbids', async () => {
    const { codes } = await admin.client.ok(CODES, { org: organization.id, filter: { search: 'import0002' } });
    expect(codes.totalCount).toBe(1);
    const code = codes.edges[0].node;

    const { updateCode } = await admin.client.ok(UPDATE, {
      input: { codeId: code.id, adminComment: 'Reserved for Dr. Okafor', codeType: 'MENTEE' },
    });
    expect(updateCode.code).toMatchObject({ adminComment: 'Reserved for Dr. Okafor', codeType: 'MENTEE' });
    const byComment = await admin.client.ok(CODES, { org: organization.id, filter: { search: 'okafor' } });
    expect(byComment.codes.edges.map((e: any) => e.node.id)).toEqual([code.id]);
    const byValue = await admin.client.ok(`query($c: String!) { code(code: $c) { id } }`, { c: 'import-0002' });
    expect(byValue.code.id).toBe(code.id);

    const { voidCode } = await admin.client.ok(VOID, { input: { codeId: code.id, reason: 'printed twice' } });
    expect(voidCode.code.status).toBe('VOID');
    expect(await admin.client.fails(VOID, { input: { codeId: code.id } })).toMatchObject({
      code: 'CONFLICT',
      extensions: { reason: 'VOID' },
    });
    expect(await admin.client.fails(UPDATE, { input: { codeId: code.id, adminComment: 'x' } })).toMatchObject({
      code: 'CONFLICT',
      extensions: { reason: 'VOID' },
    });
    const voided = await admin.client.ok(CODES, { org: organization.id, filter: { status: ['VOID'] } });
    expect(voided.codes.edges.map((e: any) => e.node.id)).toEqual([code.id]);

    const [events] = await t.dataSource.query(
      `SELECT count(*) FILTER (WHERE type = 'CodeUpdated')::int AS updated, count(*) FILTER (WHERE type = 'CodeVoided')::int AS voided
         FROM domain_event WHERE payload->>'codeId' = $1`,
      [code.id],
    );
    expect(events).toEqual({ updated: 1, voided: 1 });
    expect((await admin.client.fails(`query { code(id: "01890a5d-ac96-774b-bcce-b302099a8057") { id } }`)).code).toBe('NOT_FOUND');
  });

  it('summarises the inventory by status and batch', async () => {
    const { inventorySummary } = await admin.client.ok(SUMMARY, { org: organization.id });
    const [{ total }] = await t.dataSource.query('SELECT count(*)::int AS total FROM code WHERE organization_id = $1', [organization.id]);
    expect(inventorySummary.total).toBe(total);
    expect(inventorySummary.byStatus).toEqual(
      expect.arrayContaining([
        { status: 'VOID', count: 1 },
        { status: 'AVAILABLE', count: total - 1 },
        { status: 'REDEEMED', count: 0 },
      ]),
    );
    expect(inventorySummary.byBatch.reduce((sum: number, b: { total: number }) => sum + b.total, 0)).toBe(total);
  });

  it('exports 100,000 codes as well-formed CSV with formula cells neutralised', async () => {
    const { organization: big, admin: bigAdmin } = await fixtures.organization('Export Org');
    const { generateCodes } = await bigAdmin.client.ok(GENERATE, {
      input: { organizationId: big.id, quantity: 100_000, width: 12, prefix: 'EXP' },
    });
    await completed(generateCodes.batch.id, bigAdmin.client, 120_000);
    const formulas = ['=HYPERLINK("http://evil.example","click")', '+1+1', '-2+3', '@SUM(A1)', '\tTAB', '\rCR'];
    const targets = await t.dataSource.query('SELECT id FROM code WHERE organization_id = $1 ORDER BY id LIMIT $2', [
      big.id,
      formulas.length,
    ]);
    for (const [i, formula] of formulas.entries()) {
      // updateCode trims comments, so leading tab and CR (which other sources may store) go in directly.
      if (formula.trim() === formula) await bigAdmin.client.ok(UPDATE, { input: { codeId: targets[i].id, adminComment: formula } });
      else await t.dataSource.query('UPDATE code SET admin_comment = $2 WHERE id = $1', [targets[i].id, formula]);
    }
    await bigAdmin.client.ok(VOID, { input: { codeId: targets[0].id } });

    const response = await fetch(`${t.url}/exports/codes.csv?organizationId=${big.id}`, {
      headers: { authorization: `Bearer ${bigAdmin.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte-order mark, for spreadsheets
    const rows = await parseCsv(bytes.subarray(3).toString('utf8'));
    expect(rows).toHaveLength(100_000);
    expect(Object.keys(rows[0])).toEqual(expect.arrayContaining(['code', 'status', 'admin_comment', 'created_at']));
    expect(new Set(rows.map((r) => r.code)).size).toBe(100_000);
    expect(rows.every((r) => r.code.startsWith('EXP'))).toBe(true);
    expect(rows.filter((r) => r.admin_comment).map((r) => r.admin_comment)).toEqual(formulas.map((f) => `'${f}`));

    const filtered = await fetch(`${t.url}/exports/codes.csv?organizationId=${big.id}&status=VOID,REDEEMED`, {
      headers: { authorization: `Bearer ${bigAdmin.token}` },
    });
    expect(filtered.status).toBe(200);
    const voided = await parseCsv(await filtered.text());
    expect(voided.map((r) => [r.code, r.status])).toEqual([[rows[0].code, 'VOID']]);
    const far = await fetch(`${t.url}/exports/codes.csv?organizationId=${big.id}&createdAfter=10000-01-01`, {
      headers: { authorization: `Bearer ${bigAdmin.token}` },
    });
    expect(far.status).toBe(400);
    expect(await far.json()).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'createdAfter' }] });
    const bad = await fetch(`${t.url}/exports/codes.csv?organizationId=${big.id}&batchId=nope`, {
      headers: { authorization: `Bearer ${bigAdmin.token}` },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'batchId' }] });
    const anonymous = await fetch(`${t.url}/exports/codes.csv?organizationId=${big.id}`);
    expect(anonymous.status).toBe(401);
  });
});

function parseCsv(text: string): Promise<Record<string, string>[]> {
  return new Promise((resolve, reject) => {
    const rows: Record<string, string>[] = [];
    parseString(text, { headers: true, strictColumnHandling: true })
      .on('error', reject)
      .on('data', (row: Record<string, string>) => rows.push(row))
      .on('end', () => resolve(rows));
  });
}

describe('inventory from the command line: generate with a progress bar', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ env: { CODE_GENERATE_INLINE_MAX: '1000' } });
  });
  afterAll(() => t.close());

  it('runs a background-sized batch to completion, whoever takes it first', async () => {
    const { organization } = await new Fixtures(t).organization('CLI Org');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const batch = await generateWithProgress(t.app, { organizationId: organization.id, quantity: 5000, width: 11, prefix: 'CLI' });
      expect(batch).toMatchObject({ status: 'COMPLETED', createdCount: 5000, progress: 100 });
      expect(stderr.mock.calls.map(([text]) => String(text)).join('')).toMatch(/5,000 codes in [\d.]+ s/);
    } finally {
      stderr.mockRestore();
    }
    const [{ n }] = await t.dataSource.query(
      `SELECT count(DISTINCT code)::int AS n FROM code WHERE organization_id = $1 AND code LIKE 'CLI%'`,
      [organization.id],
    );
    expect(n).toBe(5000);
  });

  it('fills a batch exactly once when several processes try at the same time', async () => {
    const { organization, admin } = await new Fixtures(t).organization('Race Org');
    const { generateCodes } = await admin.client.ok(GENERATE, {
      input: { organizationId: organization.id, quantity: 3000, width: 12, prefix: 'RACE' },
    });
    const generation = t.get(CodeGenerationService);
    // The outbox's own job joins these two: three runners, one lock.
    const results = await Promise.all([
      generation.run(generateCodes.batch.id, { whenBusy: 'skip' }),
      generation.run(generateCodes.batch.id, { whenBusy: 'skip' }),
    ]);
    expect(results.filter((r) => r === 'COMPLETED').length).toBeLessThanOrEqual(1);
    const batch = await eventually(async () => {
      const { codeBatch } = await admin.client.ok(BATCH, { id: generateCodes.batch.id });
      if (codeBatch.status !== 'COMPLETED') throw new Error(codeBatch.status);
      return codeBatch;
    });
    expect(batch.createdCount).toBe(3000);
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM code WHERE batch_id = $1', [generateCodes.batch.id]);
    expect(n).toBe(3000);
  });

  it('gives a batch that lost its job a new one', async () => {
    const { organization, admin } = await new Fixtures(t).organization('Lost Org');
    const { generateCodes } = await admin.client.ok(GENERATE, {
      input: { organizationId: organization.id, quantity: 2000, width: 12, prefix: 'LOST' },
    });
    const batchId = generateCodes.batch.id;
    await eventually(async () => expect((await admin.client.ok(BATCH, { id: batchId })).codeBatch.status).toBe('COMPLETED'));
    // What a job that failed for good leaves: a batch that never filled.
    const lost = await t.dataSource.query(
      `INSERT INTO code_batch (id, organization_id, source, status, requested_quantity, prefix, width, created_at)
       VALUES ('01890a5d-ac96-774b-bcce-b302099a8057', $1, 'GENERATED', 'FAILED', 1500, 'LOST', 12, now() - interval '1 hour') RETURNING id`,
      [organization.id],
    );
    const reaper = t.get(StuckBatchReaper);
    expect(await reaper.reap()).toEqual([lost[0].id]);
    await eventually(async () =>
      expect((await admin.client.ok(BATCH, { id: lost[0].id })).codeBatch).toMatchObject({ status: 'COMPLETED', createdCount: 1500 }),
    );
    expect(await reaper.reap()).toEqual([]);
  });

  it('gives the same clear errors as the API', async () => {
    const { organization } = await new Fixtures(t).organization('CLI Org 2');
    await expect(generateWithProgress(t.app, { organizationId: organization.id, quantity: 10, width: 25 })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field: 'width' })],
    });
  });
});
