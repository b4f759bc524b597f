import { eventually, FIXTURE_PASSWORD, Fixtures, Person, SmtpSink, TestApp } from '@tessera/testing';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeWithBrowser, launchBrowser } from '../libs/testing/src/browser';
import { Organization } from '../src/identity/entities/organization.entity';

const OUTPUT = join(__dirname, '..', 'test-output');
const PEOPLE_CSV = join(__dirname, 'fixtures', 'workflow-b', 'people.csv');

/**
 * What an admin does in the playground, in a real browser (the machine's Chromium): sign in, open a
 * ready-made operation, run it with the token the playground sends, upload a CSV, download one.
 * Skipped when there is no Chromium, unless REQUIRE_BROWSER=1.
 */
describeWithBrowser('playground')('the playground in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  let productName: string;
  let mentee: Person;
  let smtp: SmtpSink;
  const pageErrors: string[] = [];

  /** The answer pane's whole text (CodeMirror draws only the lines in view). */
  const response = () =>
    page.evaluate(() =>
      (
        (globalThis as any).document.querySelector('.graphiql-response .CodeMirror') as unknown as { CodeMirror: { getValue(): string } }
      ).CodeMirror.getValue(),
    );
  const run = () => page.getByRole('button', { name: /Execute query/ }).click();
  const setVariables = (json: object) =>
    page.evaluate((text) => {
      const editor = (globalThis as any).document.querySelector('.graphiql-editor-tool .CodeMirror') as unknown as {
        CodeMirror: { setValue(value: string): void };
      };
      editor.CodeMirror.setValue(text);
    }, JSON.stringify(json));

  const signIn = async (email: string) => {
    if (!(await page.getByLabel('E-mail').isVisible())) await page.getByRole('button', { name: 'Show Sign in' }).click();
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(FIXTURE_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expectText(page.locator('.tessera-who'), email);
  };
  const signOut = async () => {
    await page.getByRole('button', { name: 'Show Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Show Examples' }).click();
  };
  const exampleButton = (operationName: string) => page.locator('button.tessera-example', { hasText: new RegExp(`^${operationName}$`) });
  /** What an admin does with an example: open it, fill in what its variables ask for, run it. */
  const runExample = async (operationName: string, variables: Record<string, unknown>) => {
    await exampleButton(operationName).click();
    await page.getByRole('tab', { name: operationName }).last().waitFor();
    const offered = JSON.parse(await editorText('.graphiql-editor-tool')) as Record<string, unknown>;
    await setVariables({ ...offered, ...variables });
    await run();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const text = await response();
      if (text.trim().startsWith('{')) return JSON.parse(text) as { data?: any; errors?: { message: string }[] };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${operationName} gave no answer`);
  };
  const editorText = (container: string) =>
    page.evaluate(
      (selector) => (globalThis as any).document.querySelector(`${selector} .CodeMirror`).CodeMirror.getValue() as string,
      container,
    );

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url } });
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Playground Academy'));
    const { product, price } = await fixtures.catalogue(organization, { productName: 'Course <b>in</b> the browser' });
    [priceId, productName] = [price.id, product.name];
    await fixtures.codes(organization, { quantity: 20, priceId });
    mentee = (await fixtures.member(organization)).person;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await mkdir(OUTPUT, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('opens on the sign-in panel and signs in with e-mail and password', async () => {
    await page.goto(`${t.url}/graphql`);
    await page.getByLabel('E-mail').fill(admin.user.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expectText(page.getByRole('alert'), /UNAUTHENTICATED/);

    await page.getByLabel('Password').fill(FIXTURE_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    // Signed in: the name shows by the logo and the examples panel opens.
    await expectText(page.locator('.tessera-who'), admin.user.email);
    await page.getByRole('heading', { name: 'Workflow C: contract invitation codes' }).waitFor();
  });

  it('opens a ready-made operation with the organisation filled in and runs it with the token', async () => {
    await exampleButton('Products').click();
    await page.getByRole('tab', { name: 'Products' }).waitFor();
    await run();
    await expectText(page.locator('.graphiql-response'), priceId);
    const answer = JSON.parse(await response());
    expect(answer.data.products.edges).toEqual([
      {
        node: expect.objectContaining({ name: productName, prices: [expect.objectContaining({ id: priceId, priceCode: 'STD' })] }),
      },
    ]);
  });

  it('uploads the chosen CSV for an Upload variable as a multipart request', async () => {
    await page.locator('input[type=file]').setInputFiles(PEOPLE_CSV);
    await exampleButton('UploadSeatAssignments').click();
    await page.getByRole('tab', { name: 'UploadSeatAssignments' }).waitFor();
    await setVariables({ organizationId: organization.id, priceId, file: null });
    await run();
    await expectText(page.locator('.graphiql-response'), '"uploadSeatAssignments"');
    const { data } = JSON.parse(await response());
    const [stored] = await t.dataSource.query(`SELECT status, row_count FROM people_import WHERE id = $1 AND organization_id = $2`, [
      data.uploadSeatAssignments.id,
      organization.id,
    ]);
    expect(stored).toEqual({ status: data.uploadSeatAssignments.status, row_count: 3 });
    await page.screenshot({ path: join(OUTPUT, 'playground.png') });
  });

  it('sends the chosen file where an input object takes one (input.file), as a typed-in operation', async () => {
    await page.locator('input[type=file]').setInputFiles(join(__dirname, 'fixtures', 'codes-excel.csv'));
    await page.getByRole('button', { name: 'Add tab' }).click();
    await page.evaluate(
      ([query, variables]) => {
        const document = (globalThis as any).document;
        document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(query);
        document.querySelector('.graphiql-editor-tool .CodeMirror').CodeMirror.setValue(variables);
      },
      [
        'mutation ImportFile($input: ImportCodesFileInput!) { importCodesFromFile(input: $input) { imported } }',
        JSON.stringify({ input: { organizationId: organization.id, column: 'Code', file: null } }),
      ],
    );
    await run();
    await expectText(page.locator('.graphiql-response'), 'importCodesFromFile');
    const answer = JSON.parse(await response());
    expect(answer.errors).toBeUndefined();
    expect(answer.data.importCodesFromFile.imported).toBeGreaterThan(0);
  });

  it('downloads the codes CSV with the token', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the codes' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM code WHERE organization_id = $1`, [organization.id]);
    expect(count).toBe(20 + 3); // the fixture's and the imported file's
    expect(csv.trim().split('\n')).toHaveLength(1 + count);
  });

  it('sends nothing for someone signed out: the API answers UNAUTHENTICATED', async () => {
    await page.getByRole('button', { name: 'Show Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('tab', { name: 'Products' }).click();
    await run();
    await expectText(page.locator('.graphiql-response'), 'UNAUTHENTICATED');
    expect(pageErrors).toEqual([]);
  });

  it('walks workflow A by clicking: generate, list, send, redeem as the person, see the registration', async () => {
    await signIn(admin.user.email);
    const generated = await runExample('GenerateCodes', { priceId, quantity: 5, prefix: 'PLAY' });
    expect(generated.data.generateCodes.batch).toMatchObject({ status: 'COMPLETED', createdCount: 5 });
    // The organisation was filled in from the sign-in panel's choice.
    expect(JSON.parse(await editorText('.graphiql-editor-tool')).organizationId).toBe(organization.id);

    const listed = await runExample('Codes', { priceId });
    expect(listed.data.codes.totalCount).toBe(20 + 5);
    const code = listed.data.codes.edges[0].node;

    const sent = await runExample('SendCode', { codeId: code.id, email: mentee.user.email });
    expect(sent.data.sendCode.code).toEqual({ status: 'AVAILABLE', lastSentToEmail: mentee.user.email });

    await signOut();
    await signIn(mentee.user.email);
    const redeemed = await runExample('RedeemCode', { code: code.displayCode.toLowerCase() });
    expect(redeemed.data.redeemCode.grant).toMatchObject({ status: 'ACTIVE', product: { name: productName } });

    await signOut();
    await signIn(admin.user.email);
    const registrations = await runExample('Registrations', { search: mentee.user.email });
    expect(registrations.data.accessGrants.edges.map((edge: any) => edge.node)).toEqual([
      expect.objectContaining({
        id: redeemed.data.redeemCode.grant.id,
        status: 'ACTIVE',
        user: expect.objectContaining({ email: mentee.user.email }),
      }),
    ]);
    await page.screenshot({ path: join(OUTPUT, 'playground-workflow-a.png') });
    expect(pageErrors).toEqual([]);
  });

  it('follows a background generation live: the subscription runs over WebSocket with the token', async () => {
    // Signed in as the admin by the walk above. Above CODE_GENERATE_INLINE_MAX: a background batch.
    const generated = await runExample('GenerateCodes', { priceId, quantity: 12_000, prefix: 'LIVE' });
    expect(generated.data.generateCodes.batch.status).toBe('PENDING');
    await runExample('GenerationProgress', { batchId: generated.data.generateCodes.batch.id });
    // GraphiQL shows each result as it comes, the last one last.
    await expectText(page.locator('.graphiql-response'), 'COMPLETED', 60_000);
    expect(JSON.parse(await response()).data.codeBatchProgress).toMatchObject({
      status: 'COMPLETED',
      progress: 100,
      requestedQuantity: 12_000,
      createdCount: 12_000,
    });
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('walks workflow B by clicking: a seat given, an invitation accepted from its mailed link, a CSV of people', async () => {
    const given = await runExample('AssignSeats', {
      priceId,
      people: [{ email: 'ada@example.test', firstName: 'Ada', lastName: 'Lovelace' }],
    });
    expect(given.data.assignSeats.assignments).toEqual([
      // Ada was no member: the answer does not say whether she had an account (issue 16, finding 15).
      { email: 'ada@example.test', user: null, grant: null },
    ]);

    const invited = await runExample('InviteByEmail', { priceId, emails: ['grace@example.test'] });
    expect(invited.data.inviteByEmail.invitations).toEqual([expect.objectContaining({ email: 'grace@example.test', status: 'PENDING' })]);
    await eventually(() => expect(smtp.mailsTo('grace@example.test')).toHaveLength(1));
    const token = /token=([A-Za-z0-9_-]+)/.exec(smtp.mailsTo('grace@example.test')[0].text)![1];

    const page1 = await runExample('Invitation', { token });
    expect(page1.data.invitation).toMatchObject({ productName, organizationName: organization.name });
    const accepted = await runExample('AcceptInvitation', { token, firstName: 'Grace', lastName: 'Hopper', password: 'a long password' });
    expect(accepted.data.acceptInvitation.grant).toEqual({ status: 'ACTIVE', product: { name: productName } });

    await page.locator('input[type=file]').setInputFiles(PEOPLE_CSV);
    const checked = await runExample('UploadSeatAssignments', { priceId });
    expect(checked.data.uploadSeatAssignments).toMatchObject({ status: 'VALID', rowCount: 3 });
    const completed = await runExample('CompletePeopleImport', { importId: checked.data.uploadSeatAssignments.id });
    expect(completed.data.completePeopleImport.status).toBe('COMPLETED');
    const [{ count }] = await t.dataSource.query(
      `SELECT count(*)::int AS count FROM access_grant g JOIN code c ON c.id = g.code_id WHERE c.organization_id = $1 AND g.status = 'ACTIVE'`,
      [organization.id],
    );
    expect(count).toBe(1 + 1 + 1 + 3); // workflow A's, Ada, Grace, the file's three
    expect(pageErrors).toEqual([]);
  });

  it('walks workflow C by clicking: contract, participants, the spreadsheet round trip, the registration look-up', async () => {
    const created = await runExample('CreateContract', { name: 'Spring conference', priceIds: [priceId], invitationPrefix: 'PW' });
    const contractId = created.data.createContract.contract.id;
    const grace = await runExample('CreateParticipant', {
      contractId,
      firstName: 'Grace',
      lastName: 'Okafor',
      email: 'grace@example.test',
    });
    await runExample('CreateParticipant', {
      contractId,
      firstName: 'Ben',
      lastName: 'Carter',
      email: 'ben@example.test',
      externalReference: 'EMP-2',
    });
    const own = await runExample('GenerateParticipantCode', {
      participantId: grace.data.createParticipant.participant.id,
      priceId,
      width: 8,
    });
    expect(own.data.generateParticipantCode.code.displayCode).toMatch(/^PW/);

    // The participants CSV, downloaded from the Examples panel, its Price Code column filled in.
    await page.getByLabel('Contract id').fill(contractId);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download its participants' }).click(),
    ]);
    const lines = (await readFile((await download.path())!, 'utf8')).split(/\r?\n/).filter(Boolean);
    const header = lines[0].split(',');
    const withPriceCode = (priceCode: string) =>
      lines
        .map((line, index) => {
          const cells = line.split(',');
          if (index > 0 && cells.includes('Ben')) cells[header.indexOf('Price Code')] = priceCode;
          return cells.join(',');
        })
        .join('\r\n');
    const upload = async (csv: string) => {
      await page.locator('input[type=file]').setInputFiles({ name: 'participants.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      return runExample('UploadParticipantCodes', { contractId });
    };

    const typo = await upload(withPriceCode('SDT'));
    expect(typo.data.uploadParticipantCodes).toMatchObject({
      status: 'INVALID',
      problems: [expect.objectContaining({ column: 'Price Code', value: 'SDT' })],
    });
    const fixed = await upload(withPriceCode('STD'));
    expect(fixed.data.uploadParticipantCodes).toMatchObject({ status: 'VALID', assignmentCount: 1 });
    const completed = await runExample('CompleteParticipantImport', { importId: fixed.data.uploadParticipantCodes.id });
    expect(completed.data.completeParticipantImport).toMatchObject({ status: 'COMPLETED', assignmentCount: 1 });

    const participants = await runExample('Participants', { contractId });
    const ben = participants.data.participants.edges.map((edge: any) => edge.node).find((node: any) => node.firstName === 'Ben');
    expect(ben.code).toEqual({ displayCode: expect.stringMatching(/^PW/), status: 'AVAILABLE' });

    await signOut();
    const lookedUp = await runExample('RegistrationCode', { code: ben.code.displayCode });
    expect(lookedUp.data.registrationCode).toMatchObject({
      usable: true,
      product: { name: productName },
      participant: { firstName: 'Ben', emailHint: 'b•••@example.test' },
    });
    // Ben registers with his code, greeted by name, typing his own details (another address than the hint's).
    const registered = await runExample('RegisterWithCode', {
      code: ben.code.displayCode,
      email: 'ben.carter@example.test',
      firstName: 'Ben',
      lastName: 'Carter',
      password: 'a long password',
    });
    expect(registered.data.registerWithCode).toMatchObject({
      user: { email: 'ben.carter@example.test' },
      grant: expect.objectContaining({ status: 'ACTIVE' }),
    });
    await page.screenshot({ path: join(OUTPUT, 'playground-workflow-c.png') });
    expect(pageErrors).toEqual([]);
  });
});

async function expectText(locator: ReturnType<Page['locator']>, expected: string | RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text =
      (await locator
        .first()
        .innerText()
        .catch(() => '')) ?? '';
    if (typeof expected === 'string' ? text.includes(expected) : expected.test(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Expected ${String(expected)} in the page; it shows: ${text.slice(0, 500)}`);
}
