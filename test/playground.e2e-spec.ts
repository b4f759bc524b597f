import { FIXTURE_PASSWORD, Fixtures, Person, TestApp } from '@tessera/testing';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../libs/testing/src/browser';
import { Organization } from '../src/identity/entities/organization.entity';

const OUTPUT = join(__dirname, '..', 'test-output');
const PEOPLE_CSV = join(__dirname, 'fixtures', 'workflow-b', 'people.csv');

/**
 * What an admin does in the playground, in a real browser (Debian's Chromium): sign in, open a
 * ready-made operation, run it with the token the playground sends, upload a CSV, download one.
 */
describe('the playground in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let organization: Organization;
  let admin: Person;
  let priceId: string;
  let productName: string;
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

  beforeAll(async () => {
    t = await TestApp.create();
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Playground Academy'));
    const { product, price } = await fixtures.catalogue(organization, { productName: 'Course <b>in</b> the browser' });
    [priceId, productName] = [price.id, product.name];
    await fixtures.codes(organization, { quantity: 20, priceId });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await mkdir(OUTPUT, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
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
    await page.getByRole('button', { name: 'Products', exact: true }).click();
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
    await page.getByRole('button', { name: 'UploadSeatAssignments', exact: true }).click();
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

  it('downloads the codes CSV with the token', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the codes' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(1 + 20);
  });

  it('sends nothing for someone signed out: the API answers UNAUTHENTICATED', async () => {
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('tab', { name: 'Products' }).click();
    await run();
    await expectText(page.locator('.graphiql-response'), 'UNAUTHENTICATED');
    expect(pageErrors).toEqual([]);
  });
});

async function expectText(locator: ReturnType<Page['locator']>, expected: string | RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
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
