import { Fixtures, Person, TestApp } from '@tessera/testing';
import { buildClientSchema, getIntrospectionQuery, IntrospectionQuery } from 'graphql';
import { ContractsService } from '../src/contracts/contracts.service';
import { ParticipantsService } from '../src/contracts/participants.service';
import { RedemptionService } from '../src/access/redemption.service';
import { OrdersService } from '../src/contracts/orders.service';
import { OPERATOR } from '../src/identity/auth/actor';
import { InvitationsService } from '../src/invitations/invitations.service';
import { MemberRole } from '../src/identity/entities/membership.entity';
import { MessageKind } from '../src/notifications/message-kinds';
import { NotificationsService } from '../src/notifications/notifications.service';

/**
 * A caller from organisation X touches organisation Y: every operation must answer FORBIDDEN.
 * Each operation of the schema is either in this matrix or named as not organisation-scoped, so a
 * new operation cannot slip in without a tenancy test.
 */
interface Target {
  organizationId: string;
  membershipId: string;
  apiKeyId: string;
  userId: string;
  codeId: string;
  batchId: string;
  productId: string;
  priceId: string;
  contractId: string;
  participantId: string;
  importId: string;
  messageId: string;
  invitationId: string;
  peopleImportId: string;
  grantId: string;
  orderId: string;
}

type Files = Record<string, { content: string; filename: string }>;

const ORGANIZATION_SCOPED: Record<string, (y: Target) => [string, Record<string, unknown>, Files?]> = {
  organization: (y) => [`query($id: UUID!) { organization(id: $id) { id } }`, { id: y.organizationId }],
  members: (y) => [`query($id: UUID!) { members(organizationId: $id) { totalCount } }`, { id: y.organizationId }],
  apiKeys: (y) => [`query($id: UUID!) { apiKeys(organizationId: $id) { totalCount } }`, { id: y.organizationId }],
  addMember: (y) => [
    `mutation($input: AddMemberInput!) { addMember(input: $input) { membership { id } } }`,
    { input: { organizationId: y.organizationId, email: 'intruder@example.test', firstName: 'I', lastName: 'N' } },
  ],
  connectUser: (y) => [
    `mutation($input: ConnectUserInput!) { connectUser(input: $input) { membership { id } } }`,
    { input: { organizationId: y.organizationId, userId: y.userId } },
  ],
  changeMemberRole: (y) => [
    `mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { membership { id } } }`,
    { input: { membershipId: y.membershipId, role: 'MEMBER' } },
  ],
  removeMember: (y) => [
    `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { membership { id } } }`,
    { input: { membershipId: y.membershipId } },
  ],
  createApiKey: (y) => [
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { organizationId: y.organizationId, name: 'stolen' } },
  ],
  revokeApiKey: (y) => [
    `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }`,
    { input: { apiKeyId: y.apiKeyId } },
  ],
  createOrganization: () => [`mutation { createOrganization(input: { name: "Mine now" }) { organization { id } } }`, {}],
  codes: (y) => [`query($id: UUID!) { codes(organizationId: $id) { totalCount } }`, { id: y.organizationId }],
  code: (y) => [`query($id: UUID!) { code(id: $id) { code } }`, { id: y.codeId }],
  codeBatches: (y) => [`query($id: UUID!) { codeBatches(organizationId: $id) { totalCount } }`, { id: y.organizationId }],
  codeBatch: (y) => [`query($id: UUID!) { codeBatch(id: $id) { id } }`, { id: y.batchId }],
  inventorySummary: (y) => [`query($id: UUID!) { inventorySummary(organizationId: $id) { total } }`, { id: y.organizationId }],
  generateCodes: (y) => [
    `mutation($input: GenerateCodesInput!) { generateCodes(input: $input) { batch { id } } }`,
    { input: { organizationId: y.organizationId, quantity: 5, width: 10 } },
  ],
  importCodes: (y) => [
    `mutation($input: ImportCodesInput!) { importCodes(input: $input) { imported } }`,
    { input: { organizationId: y.organizationId, text: 'STOLEN1234' } },
  ],
  updateCode: (y) => [
    `mutation($input: UpdateCodeInput!) { updateCode(input: $input) { code { id } } }`,
    { input: { codeId: y.codeId, adminComment: 'mine' } },
  ],
  importCodesFromFile: (y) => [
    `mutation($input: ImportCodesFileInput!) { importCodesFromFile(input: $input) { imported } }`,
    { input: { organizationId: y.organizationId, file: null } },
    { 'input.file': { content: 'code\r\nSTOLEN5678\r\n', filename: 'codes.csv' } },
  ],
  voidCode: (y) => [`mutation($input: VoidCodeInput!) { voidCode(input: $input) { code { id } } }`, { input: { codeId: y.codeId } }],
  sendCode: (y) => [
    `mutation($input: SendCodeInput!) { sendCode(input: $input) { send { id } } }`,
    { input: { codeId: y.codeId, userId: y.userId, message: 'mine now' } },
  ],
  codeRecipients: (y) => [`query($id: UUID!) { codeRecipients(codeId: $id) { totalCount } }`, { id: y.codeId }],
  products: (y) => [`query($id: UUID!) { products(organizationId: $id) { totalCount } }`, { id: y.organizationId }],
  product: (y) => [`query($id: UUID!) { product(id: $id) { id } }`, { id: y.productId }],
  createProduct: (y) => [
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`,
    { input: { ownerOrganizationId: y.organizationId, name: 'Stolen product' } },
  ],
  updateProduct: (y) => [
    `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } } }`,
    { input: { productId: y.productId, name: 'Mine now' } },
  ],
  createPrice: (y) => [
    `mutation($input: CreatePriceInput!) { createPrice(input: $input) { price { id } } }`,
    { input: { productId: y.productId, priceCode: 'STOLEN', name: 'Stolen', accessDays: 30 } },
  ],
  updatePrice: (y) => [
    `mutation($input: UpdatePriceInput!) { updatePrice(input: $input) { price { id } } }`,
    { input: { priceId: y.priceId, amountMinor: 0 } },
  ],
  contracts: (y) => [`query($id: UUID!) { contracts(organizationId: $id) { totalCount } }`, { id: y.organizationId }],
  contract: (y) => [`query($id: UUID!) { contract(id: $id) { id } }`, { id: y.contractId }],
  createContract: (y) => [
    `mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }`,
    { input: { organizationId: y.organizationId, name: 'Stolen contract' } },
  ],
  updateContract: (y) => [
    `mutation($input: UpdateContractInput!) { updateContract(input: $input) { contract { id } } }`,
    { input: { contractId: y.contractId, name: 'Mine now' } },
  ],
  archiveContract: (y) => [
    `mutation($input: ArchiveContractInput!) { archiveContract(input: $input) { contract { id } } }`,
    { input: { contractId: y.contractId } },
  ],
  messages: (y) => [`query($id: UUID!) { messages(organizationId: $id) { totalCount } }`, { id: y.organizationId }],
  resendMessage: (y) => [`mutation($id: UUID!) { resendMessage(input: { messageId: $id }) { message { id } } }`, { id: y.messageId }],
  messageTemplates: (y) => [`query($id: UUID!) { messageTemplates(organizationId: $id) { kind } }`, { id: y.organizationId }],
  updateMessageTemplate: (y) => [
    `mutation($input: UpdateMessageTemplateInput!) { updateMessageTemplate(input: $input) { template { kind } } }`,
    { input: { organizationId: y.organizationId, kind: 'CODE_SENT', subject: 'x', html: 'x', text: 'x' } },
  ],
  resetMessageTemplate: (y) => [
    `mutation($input: ResetMessageTemplateInput!) { resetMessageTemplate(input: $input) { template { kind } } }`,
    { input: { organizationId: y.organizationId, kind: 'CODE_SENT' } },
  ],
  previewMessage: (y) => [
    `query($input: PreviewMessageInput!) { previewMessage(input: $input) { subject } }`,
    { input: { organizationId: y.organizationId, kind: 'CODE_SENT' } },
  ],
  participants: (y) => [`query($id: UUID!) { participants(contractId: $id) { totalCount } }`, { id: y.contractId }],
  participant: (y) => [`query($id: UUID!) { participant(id: $id) { id } }`, { id: y.participantId }],
  createParticipant: (y) => [
    `mutation($input: CreateParticipantInput!) { createParticipant(input: $input) { participant { id } } }`,
    { input: { contractId: y.contractId, firstName: 'Intruder', lastName: 'X' } },
  ],
  updateParticipant: (y) => [
    `mutation($input: UpdateParticipantInput!) { updateParticipant(input: $input) { participant { id } } }`,
    { input: { participantId: y.participantId, firstName: 'Mine' } },
  ],
  removeParticipant: (y) => [
    `mutation($input: RemoveParticipantInput!) { removeParticipant(input: $input) { participant { id } } }`,
    { input: { participantId: y.participantId } },
  ],
  generateParticipantCode: (y) => [
    `mutation($input: GenerateParticipantCodeInput!) { generateParticipantCode(input: $input) { code { id } } }`,
    { input: { participantId: y.participantId, priceId: y.priceId } },
  ],
  uploadParticipantCodes: (y) => [
    `mutation($input: UploadParticipantCodesInput!) { uploadParticipantCodes(input: $input) { id } }`,
    { input: { contractId: y.contractId, file: null } },
    { 'input.file': { content: 'Participant ID,Row Version,Price Code\r\n', filename: 'participants.csv' } },
  ],
  participantImport: (y) => [`query($id: UUID!) { participantImport(id: $id) { id } }`, { id: y.importId }],
  assignSeats: (y) => [
    `mutation($input: AssignSeatsInput!) { assignSeats(input: $input) { seatsRemaining } }`,
    { input: { organizationId: y.organizationId, codeIds: [y.codeId], userIds: [y.userId] } },
  ],
  inviteByEmail: (y) => [
    `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { seatsRemaining } }`,
    { input: { organizationId: y.organizationId, codeId: y.codeId, emails: ['intruder@example.test'] } },
  ],
  invitations: (y) => [`query($id: UUID!) { invitations(organizationId: $id) { totalCount } }`, { id: y.organizationId }],
  copyInvitationLink: (y) => [`mutation($id: UUID!) { copyInvitationLink(input: { invitationId: $id }) { url } }`, { id: y.invitationId }],
  resendInvitation: (y) => [
    `mutation($id: UUID!) { resendInvitation(input: { invitationId: $id }) { invitation { id } } }`,
    { id: y.invitationId },
  ],
  revokeInvitation: (y) => [
    `mutation($id: UUID!) { revokeInvitation(input: { invitationId: $id }) { invitation { id } } }`,
    { id: y.invitationId },
  ],
  uploadSeatAssignments: (y) => [
    `mutation($input: UploadSeatAssignmentsInput!) { uploadSeatAssignments(input: $input) { id } }`,
    { input: { organizationId: y.organizationId, priceId: y.priceId, file: null } },
    { 'input.file': { content: 'First name,Last name,E-mail\r\nI,N,intruder@example.test\r\n', filename: 'people.csv' } },
  ],
  uploadInvitations: (y) => [
    `mutation($input: UploadInvitationsInput!) { uploadInvitations(input: $input) { id } }`,
    { input: { organizationId: y.organizationId, priceId: y.priceId, file: null } },
    { 'input.file': { content: 'E-mail\r\nintruder@example.test\r\n', filename: 'people.csv' } },
  ],
  peopleImport: (y) => [`query($id: UUID!) { peopleImport(id: $id) { id } }`, { id: y.peopleImportId }],
  completePeopleImport: (y) => [`mutation($id: UUID!) { completePeopleImport(input: { importId: $id }) { id } }`, { id: y.peopleImportId }],
  accessGrants: (y) => [`query($id: UUID!) { accessGrants(organizationId: $id) { totalCount } }`, { id: y.organizationId }],
  revokeAccess: (y) => [`mutation($id: UUID!) { revokeAccess(input: { grantId: $id }) { grant { id } } }`, { id: y.grantId }],
  extendAccess: (y) => [
    `mutation($id: UUID!) { extendAccess(input: { grantId: $id, endsAt: "2099-01-01T00:00:00Z" }) { grant { id } } }`,
    { id: y.grantId },
  ],
  resendConfirmation: (y) => [`mutation($id: UUID!) { resendConfirmation(input: { grantId: $id }) { grant { id } } }`, { id: y.grantId }],
  recordMilestone: (y) => [
    `mutation($id: UUID!) { recordMilestone(input: { grantId: $id, key: "any" }) { grant { id } } }`,
    { id: y.grantId },
  ],
  completeParticipantImport: (y) => [
    `mutation($id: UUID!) { completeParticipantImport(input: { importId: $id }) { id } }`,
    { id: y.importId },
  ],
  recordOrder: (y) => [
    `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { order { id } } }`,
    {
      input: {
        organizationId: y.organizationId,
        externalReference: 'STOLEN-1',
        priceId: y.priceId,
        quantity: 5,
        placedAt: '2026-01-01T00:00:00Z',
      },
    },
  ],
  orders: (y) => [`query($id: UUID!) { orders(organizationId: $id) { totalCount } }`, { id: y.organizationId }],
  order: (y) => [`query($id: UUID!) { order(id: $id) { id seats { total } } }`, { id: y.orderId }],
};

/**
 * Operations that act on the caller alone or filter by the caller (identity.e2e-spec), and the
 * public registration look-up (workflow-c spec: it says nothing about the organisation), and
 * queueStats (platform admins only, platform.e2e-spec).
 */
// The caller's own data, public look-ups by a secret (a code, a token), or platform-wide views.
const NOT_ORGANIZATION_SCOPED = [
  'login',
  'me',
  'organizations',
  'registrationCode',
  'queueStats',
  'redeemCode',
  'myAccess',
  'setPassword',
  'requestPasswordReset',
  'hasAccess',
  'redemptionLockouts',
  'liftRedemptionLockout',
  'invitation',
  'acceptInvitation',
  'registerWithCode',
  // The caller's own account (account-consent.e2e-spec): a token mailed to them, checked against who is signed in.
  'acceptMembershipInvitation',
  'membershipInvitation',
];

describe('tenancy: nobody from organisation X reaches organisation Y', () => {
  let t: TestApp;
  let y: Target;
  let callers: Record<string, string>;
  let yCode: string;
  let xOrganizationId: string;

  beforeAll(async () => {
    t = await TestApp.create();
    const fixtures = new Fixtures(t);
    const x = await fixtures.organization('Org X');
    const xMember = await fixtures.member(x.organization, MemberRole.MEMBER);
    const target = await fixtures.organization('Org Y');
    const yMember = await fixtures.member(target.organization, MemberRole.MEMBER);
    const createKey = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }`;
    const yKey = await target.admin.client.ok(createKey, { input: { organizationId: target.organization.id, name: 'Y storefront' } });
    const xKey = await x.admin.client.ok(createKey, { input: { organizationId: x.organization.id, name: 'X storefront' } });
    const generated = await target.admin.client.ok(
      `mutation($input: GenerateCodesInput!) { generateCodes(input: $input) { batch { id } } }`,
      { input: { organizationId: target.organization.id, quantity: 3, width: 10 } },
    );
    const batchId = generated.generateCodes.batch.id;
    const listed = await target.admin.client.ok(
      `query($id: UUID!) { codes(organizationId: $id, first: 1) { edges { node { id code } } } }`,
      {
        id: target.organization.id,
      },
    );
    yCode = listed.codes.edges[0].node.code;
    const contracts = t.get(ContractsService);
    const yProduct = await contracts.createProduct(OPERATOR, { ownerOrganizationId: target.organization.id, name: 'Y product' });
    const yPrice = await contracts.createPrice(OPERATOR, { productId: yProduct.id, priceCode: 'YP', name: 'Y price', accessDays: 30 });
    const yContract = await contracts.createContract(OPERATOR, {
      organizationId: target.organization.id,
      name: 'Y own',
      priceIds: [yPrice.id],
    });
    const yParticipant = await t.get(ParticipantsService).create(OPERATOR, { contractId: yContract.id, firstName: 'Yara', lastName: 'Y' });
    const yImport = await target.admin.client.upload(
      `mutation($input: UploadParticipantCodesInput!) { uploadParticipantCodes(input: $input) { id } }`,
      { input: { contractId: yContract.id, file: null } },
      {
        'input.file': {
          content: `Participant ID,Row Version,Price Code\r\n${yParticipant.id},${yParticipant.version},YP\r\n`,
          filename: 'p.csv',
        },
      },
    );
    const yMessage = await t.get(NotificationsService).queue({
      kind: MessageKind.SET_PASSWORD,
      recipient: 'y-person@example.test',
      organizationId: target.organization.id,
      data: {
        setPasswordUrl: 'https://example.test/set',
        expiresAt: 'soon',
        recipient: { firstName: 'Y' },
        organization: { name: 'Org Y' },
      },
    });
    const yInvitation = await t.get(InvitationsService).invite(OPERATOR, {
      organizationId: target.organization.id,
      codeId: listed.codes.edges[0].node.id,
      emails: ['y-invitee@example.test'],
    });
    const yPeopleImport = await target.admin.client.upload(
      `mutation($input: UploadInvitationsInput!) { uploadInvitations(input: $input) { id } }`,
      { input: { organizationId: target.organization.id, priceId: yPrice.id, file: null } },
      { 'input.file': { content: 'E-mail\r\ny-someone@example.test\r\n', filename: 'invite.csv' } },
    );
    const spareCodes = await target.admin.client.ok(
      `query($id: UUID!) { codes(organizationId: $id, first: 2, filter: { status: [AVAILABLE] }) { edges { node { id } } } }`,
      { id: target.organization.id },
    );
    const yGrant = await t.get(RedemptionService).redeem({
      codeId: spareCodes.codes.edges[1].node.id,
      userId: yMember.person.user.id,
      channel: 'ASSIGNMENT',
      actorId: null,
    });
    // At a price that makes no codes: Y's inventory stays as the last test expects it.
    const yOrder = await t.get(OrdersService).record(OPERATOR, {
      organizationId: target.organization.id,
      externalReference: 'Y-ORDER-1',
      priceId: yPrice.id,
      quantity: 3,
      placedAt: new Date(),
    });
    y = {
      grantId: yGrant.id,
      orderId: yOrder.order.id,
      peopleImportId: yPeopleImport.data!.uploadInvitations.id,
      invitationId: yInvitation.invitations[0].id,
      messageId: yMessage!,
      participantId: yParticipant.id,
      importId: yImport.data!.uploadParticipantCodes.id,
      productId: yProduct.id,
      priceId: yPrice.id,
      contractId: yContract.id,
      codeId: listed.codes.edges[0].node.id,
      batchId,
      organizationId: target.organization.id,
      membershipId: yMember.membership.id,
      apiKeyId: yKey.createApiKey.apiKey.id,
      userId: (await fixtures.person()).user.id,
    };
    xOrganizationId = x.organization.id;
    callers = { 'admin of X': x.admin.token, 'member of X': (xMember.person as Person).token, 'API key of X': xKey.createApiKey.secret };
  });
  afterAll(() => t.close());

  it('covers every query and mutation of the schema', async () => {
    const { data } = await t.client.request<IntrospectionQuery>(getIntrospectionQuery());
    const schema = buildClientSchema(data!);
    const operations = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    const covered = [...Object.keys(ORGANIZATION_SCOPED), ...NOT_ORGANIZATION_SCOPED];
    expect(operations.filter((name) => !covered.includes(name))).toEqual([]);
  });

  const cases = ['admin of X', 'member of X', 'API key of X'].flatMap((caller) =>
    Object.keys(ORGANIZATION_SCOPED).map((operation) => [caller, operation] as const),
  );

  it.each(cases)('%s gets FORBIDDEN for %s on Y', async (caller, operation) => {
    const [query, variables, files] = ORGANIZATION_SCOPED[operation](y);
    const client = t.client.as(callers[caller]);
    const code = files
      ? (await client.upload(query, variables, files)).errors?.[0]?.extensions?.code
      : (await client.fails(query, variables)).code;
    expect(code).toBe('FORBIDDEN');
  });

  it.each(Object.keys(ORGANIZATION_SCOPED))('an anonymous caller gets UNAUTHENTICATED for %s on Y', async (operation) => {
    const [query, variables, files] = ORGANIZATION_SCOPED[operation](y);
    const code = files
      ? (await t.client.upload(query, variables, files)).errors?.[0]?.extensions?.code
      : (await t.client.fails(query, variables)).code;
    expect(code).toBe('UNAUTHENTICATED');
  });

  it.each(['admin of X', 'member of X', 'API key of X'])(
    '%s looking Y’s code up by its value gets NOT_FOUND (no hint it exists)',
    async (caller) => {
      const error = await t.client.as(callers[caller]).fails(`query($code: String!) { code(code: $code) { id } }`, { code: yCode });
      expect(error.code).toBe('NOT_FOUND');
    },
  );

  it('refuses X’s admin the use of Y’s contract or price in X’s own organisation', async () => {
    const contracts = t.get(ContractsService);
    const yPrice = await contracts.createPrice(OPERATOR, {
      productId: (await contracts.createProduct(OPERATOR, { ownerOrganizationId: y.organizationId, name: 'Y only' })).id,
      priceCode: 'Y',
      name: 'Y price',
    });
    const yContract = await contracts.createContract(OPERATOR, {
      organizationId: y.organizationId,
      name: 'Y contract',
      priceIds: [yPrice.id],
    });
    const generate = `mutation($input: GenerateCodesInput!) { generateCodes(input: $input) { batch { id } } }`;
    const admin = t.client.as(callers['admin of X']);
    for (const stolen of [{ contractId: yContract.id }, { priceId: yPrice.id }]) {
      const error = await admin.fails(generate, { input: { organizationId: xOrganizationId, quantity: 5, width: 10, ...stolen } });
      expect(error.code).toBe('NOT_FOUND');
    }
    const recordOrder = `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { order { id } } }`;
    for (const caller of [admin, t.client.as(callers['API key of X'])]) {
      const error = await caller.fails(recordOrder, {
        input: {
          organizationId: xOrganizationId,
          externalReference: 'X-1',
          priceId: yPrice.id,
          quantity: 5,
          placedAt: '2026-01-01T00:00:00Z',
        },
      });
      expect(error.code).toBe('NOT_FOUND');
    }
  });

  it('refuses Y’s CSV exports to X', async () => {
    for (const caller of Object.values(callers)) {
      const participantsCsv = await fetch(`${t.url}/exports/contracts/${y.contractId}/participants.csv`, {
        headers: { authorization: `Bearer ${caller}` },
      });
      expect(participantsCsv.status).toBe(403);
      const response = await fetch(`${t.url}/exports/codes.csv?organizationId=${y.organizationId}`, {
        headers: { authorization: `Bearer ${caller}` },
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('leaves Y exactly as it was', async () => {
    const [row] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM membership WHERE organization_id = $1)::int AS members,
              (SELECT count(*) FROM api_key WHERE organization_id = $1 AND revoked_at IS NULL)::int AS keys,
              (SELECT count(*) FROM organization)::int AS organizations,
              (SELECT count(*) FROM code WHERE organization_id = $1 AND status = 'AVAILABLE' AND admin_comment IS NULL)::int AS codes,
              (SELECT count(*) FROM code WHERE organization_id = $1 AND status = 'PENDING')::int AS held,
              (SELECT count(*) FROM code)::int AS all_codes,
              (SELECT count(*) FROM invitation WHERE status = 'PENDING')::int AS invitations,
              (SELECT count(*) FROM purchase_order)::int AS orders,
              (SELECT count(*) FROM access_grant)::int AS grants`,
      [y.organizationId],
    );
    // Of Y's three codes, one is held by Y's own invitation and one was redeemed by Y's member.
    expect(row).toEqual({ members: 2, keys: 1, organizations: 2, codes: 1, held: 1, all_codes: 3, invitations: 1, orders: 1, grants: 1 });
    const [grant] = await t.dataSource.query(`SELECT status, ends_at FROM access_grant WHERE id = $1`, [y.grantId]);
    expect(grant).toEqual({ status: 'ACTIVE', ends_at: null });
    const [batches] = await t.dataSource.query('SELECT count(*)::int AS n FROM code_batch');
    expect(batches.n).toBe(1);
  });
});
