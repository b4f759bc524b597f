import {
  ApiProcess,
  describeWithRedis,
  eventually,
  Fixtures,
  GraphQLClient,
  GraphQLResponse,
  Person,
  SmtpSink,
  TestApp,
} from '@tessera/testing';
import { readFile } from 'node:fs/promises';
import { Organization } from '../../src/identity/entities/organization.entity';

/** `npm run test:soak` sets it (10); unset, the soak is skipped (it is not part of `npm test`). */
const MINUTES = Number(process.env.SOAK_MINUTES ?? 0);
const CLIENTS = 8;

const GENERATE = `mutation($input: GenerateCodesInput!) { generateCodes(input: $input) { batch { id } } }`;
const SEND = `mutation($input: SendCodeInput!) { sendCode(input: $input) { code { status } } }`;
const INVITE = `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { invitations { id } } }`;
const COPY_LINK = `mutation($id: UUID!) { copyInvitationLink(input: { invitationId: $id }) { url } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { grant { id } } }`;
const REDEEM = `mutation($code: String!) { redeemCode(input: { code: $code }) { grant { id } } }`;
const REVOKE = `mutation($input: RevokeAccessInput!) { revokeAccess(input: $input) { grant { status } } }`;
const SEARCH = `query($org: UUID!, $search: String) { accessGrants(organizationId: $org, filter: { search: $search }, first: 20) { totalCount } }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rssMegabytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

(MINUTES > 0 ? describeWithRedis : describe.skip)(`soak: ${MINUTES} minutes of mixed traffic on two API processes`, () => {
  let smtp: SmtpSink;
  let t: TestApp;
  let api: ApiProcess;
  let organization: Organization;
  let admin: Person;
  let priceId: string;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await TestApp.create({ env: { SMTP_URL: smtp.url, TRUST_PROXY: 'true', APP_URL: 'https://soak.example.test' } });
    api = await t.startApiProcess();
    const fixtures = new Fixtures(t);
    ({ organization, admin } = await fixtures.organization('Soak Org'));
    ({
      price: { id: priceId },
    } = await fixtures.catalogue(organization, { productName: 'Soak course', accessDays: 30 }));
    await fixtures.codes(organization, { quantity: 500, priceId });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it(
    'answers no 5xx, loses no mail and keeps its memory flat',
    async () => {
      const fixtures = new Fixtures(t);
      const deadline = Date.now() + MINUTES * 60_000;
      const counts = new Map<string, number>();
      const serverErrors: string[] = [];
      const rss: number[] = [];
      let sequence = 0;
      const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
      const record = (action: string, result: GraphQLResponse) => {
        const code = result.errors?.[0]?.extensions?.code as string | undefined;
        if (result.status >= 500 || code === 'INTERNAL_SERVER_ERROR')
          serverErrors.push(`${action}: ${result.status} ${JSON.stringify(result.errors)}`);
        count(`${action} ${code ?? 'ok'}`);
      };
      const one = async <T>(sql: string, params: unknown[] = []): Promise<T | undefined> =>
        ((await t.dataSource.query(sql, params)) as T[])[0];
      const freeCode = () =>
        one<{ id: string; code: string }>(
          `SELECT id, code FROM code WHERE organization_id = $1 AND status = 'AVAILABLE' ORDER BY random() LIMIT 1`,
          [organization.id],
        );

      const actions: Record<string, (client: (token: string) => GraphQLClient, n: number) => Promise<void>> = {
        generate: async (as) =>
          record(
            'generate',
            await as(admin.token).request(GENERATE, {
              input: { organizationId: organization.id, quantity: 50, width: 10, prefix: 'SOAK', priceId },
            }),
          ),
        send: async (as) => {
          const code = await freeCode();
          // Codes are sent to the organisation's members (people who redeemed or accepted here).
          const member = await one<{ email: string }>(
            `SELECT u.email FROM membership m JOIN user_account u ON u.id = m.user_id WHERE m.organization_id = $1 AND m.role = 'MEMBER' ORDER BY random() LIMIT 1`,
            [organization.id],
          );
          if (code && member) record('send', await as(admin.token).request(SEND, { input: { codeId: code.id, email: member.email } }));
        },
        invite: async (as, n) =>
          record(
            'invite',
            await as(admin.token).request(INVITE, {
              input: { organizationId: organization.id, priceId, emails: [`soak-invite-${n}@example.test`] },
            }),
          ),
        accept: async (as, n) => {
          const invitation = await one<{ id: string }>(`SELECT id FROM invitation WHERE status = 'PENDING' ORDER BY random() LIMIT 1`);
          if (!invitation) return;
          const link = await as(admin.token).request<{ copyInvitationLink: { url: string } }>(COPY_LINK, { id: invitation.id });
          record('copy link', link);
          const token = link.data ? new URL(link.data.copyInvitationLink.url).searchParams.get('token') : null;
          if (token)
            record(
              'accept',
              await t.client.request(
                ACCEPT,
                { input: { token, firstName: 'Soak', lastName: `${n}`, password: 'a long soak password' } },
                { 'x-forwarded-for': `10.8.${(n >> 8) & 255}.${n & 255}` },
              ),
            );
        },
        redeem: async (as, n) => {
          const code = await freeCode();
          if (!code) return;
          const person = await fixtures.person({ email: `soak-redeem-${n}@example.test` });
          record(
            'redeem',
            await as(person.token).request(REDEEM, { code: code.code }, { 'x-forwarded-for': `10.7.${(n >> 8) & 255}.${n & 255}` }),
          );
        },
        revoke: async (as) => {
          const grant = await one<{ id: string }>(
            `SELECT id FROM access_grant WHERE organization_id = $1 AND status = 'ACTIVE' ORDER BY random() LIMIT 1`,
            [organization.id],
          );
          if (grant) record('revoke', await as(admin.token).request(REVOKE, { input: { grantId: grant.id, reason: 'soak' } }));
        },
        search: async (as, n) =>
          record(
            'search',
            await as(admin.token).request(SEARCH, { org: organization.id, search: ['soak', 'Soak 1', 'example', 'SOAK'][n % 4] }),
          ),
        export: async (_as, n) => {
          const base = n % 2 ? api.url : t.url;
          const response = await fetch(`${base}/exports/registrations.csv?organizationId=${organization.id}`, {
            headers: { authorization: `Bearer ${admin.token}` },
          });
          await response.arrayBuffer();
          if (response.status >= 500) serverErrors.push(`export: ${response.status}`);
          count(`export ${response.status}`);
        },
      };
      const names = Object.keys(actions);

      const client = async (index: number) => {
        while (Date.now() < deadline) {
          const n = sequence++;
          // Half the traffic through each process.
          const as = (token: string) => (n % 2 ? api.client : t.client).as(token);
          await actions[names[(n + index) % names.length]](as, n);
        }
      };
      const sampler = (async () => {
        while (Date.now() < deadline) {
          rss.push(await rssMegabytes(api.pid));
          await sleep(5000);
        }
      })();
      await Promise.all([...Array.from({ length: CLIENTS }, (_, i) => client(i)), sampler]);

      // Every mail the traffic queued goes out.
      await eventually(
        async () => {
          const [row] = await t.dataSource.query(
            `SELECT count(*) FILTER (WHERE status IN ('QUEUED', 'RETRYING'))::int AS waiting, count(*) FILTER (WHERE status = 'FAILED')::int AS failed, count(*) FILTER (WHERE status = 'SENT')::int AS sent FROM message`,
          );
          expect(row.waiting).toBe(0);
          return row;
        },
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
      const [mail] = await t.dataSource.query(
        `SELECT count(*) FILTER (WHERE status = 'FAILED')::int AS failed, count(*) FILTER (WHERE status = 'SENT')::int AS sent FROM message`,
      );
      const received = new Set(smtp.mails.map((m) => String(m.headers.get('x-tessera-message-id'))));

      console.log(
        `soak: ${sequence} operations in ${MINUTES} min; ${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}; mail sent ${mail.sent}, received ${received.size}, failed ${mail.failed}; API RSS ${rss.join(' ')} MB`,
      );
      expect(serverErrors).toEqual([]);
      expect(mail.failed).toBe(0);
      expect(received.size).toBeGreaterThanOrEqual(mail.sent);
      // Flat: the last third of the run no higher than the middle third, give or take a quarter.
      const third = Math.floor(rss.length / 3);
      expect(Math.max(...rss.slice(-third))).toBeLessThanOrEqual(1.25 * Math.max(...rss.slice(third, 2 * third)));
    },
    (MINUTES + 5) * 60_000,
  );
});
