import { eventually, type OrganizationApp } from '@tessera/testing';
import { AccessGrantsService } from '../../src/access/access-grants.service';
import { InvitationsService } from '../../src/invitations/invitations.service';

/**
 * A walk through workflows A, B and C and the rest of the catalog that makes every source event of
 * the public webhook catalog (each step names the public events it leads to). Shared by the specs
 * that build those events and that deliver them.
 */

/** The address the walk's SMTP sink must refuse (with 550), so that one message fails. */
export const REJECTED = 'bounce@example.test';

/** The keys, recursively: what a receiver's parser relies on (a value may be null where the example has one). */
export function shapeOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'value';
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]));
}

/** What the walk made, by the ids the workflows answered with (not read from the outbox). */
export interface CatalogWalk {
  codes: { id: string; code: string }[];
  /** The membership removed (member.removed). */
  leaving: { id: string };
  /** The grant redeemed, then revoked. */
  first: string;
  /** The grant redeemed, extended, then expired. */
  second: string;
  /** The invitation accepted (its sibling is invalidated). */
  winner: { id: string };
  peopleImportId: string;
  participantImportId: string;
  /** Every secret the walk handled, none of which may show in a public event. */
  secrets: string[];
}

/** Walks the workflows as the organisation's admin (the app's SMTP sink refuses REJECTED). */
export async function walkCatalog({ t, fixtures, organization, admin, priceId }: OrganizationApp): Promise<CatalogWalk> {
  const codes = await fixtures.codes(organization, { quantity: 12, priceId }); // codes.generated
  await admin.client.ok(`mutation($input: ImportCodesInput!) { importCodes(input: $input) { batch { id } } }`, {
    input: { organizationId: organization.id, priceId, text: 'HOOKIMPORT0001\nHOOKIMPORT0002\n' },
  }); // codes.imported

  const { person: member } = await fixtures.member(organization); // member.added
  const { membership: leaving } = await fixtures.member(organization);
  await admin.client.ok(`mutation($input: RemoveMemberInput!) { removeMember(input: $input) { membership { id } } }`, {
    input: { membershipId: leaving.id },
  }); // member.removed

  const SEND = `mutation($input: SendCodeInput!) { sendCode(input: $input) { code { id } } }`;
  await admin.client.ok(SEND, { input: { codeId: codes[0].id, userId: member.user.id, message: 'Welcome aboard', adminComment: 'vip' } });
  const { person: bouncing } = await fixtures.member(organization, undefined, await fixtures.person({ email: REJECTED }));
  await admin.client.ok(SEND, { input: { codeId: codes[1].id, userId: bouncing.user.id } }); // code.sent, then message.failed
  await eventually(async () => {
    const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM domain_event WHERE type = 'MessageFailed'`);
    return row.n > 0;
  });

  const REDEEM = `mutation($input: RedeemCodeInput!) { redeemCode(input: $input) { grant { id } } }`;
  const first = (await member.client.ok(REDEEM, { input: { code: codes[0].code } })).redeemCode.grant.id; // code.redeemed, access.granted
  await admin.client.ok(`mutation($input: RevokeAccessInput!) { revokeAccess(input: $input) { grant { id } } }`, {
    input: { grantId: first, reason: 'Left the programme' },
  }); // access.revoked
  const second = (await member.client.ok(REDEEM, { input: { code: codes[2].code } })).redeemCode.grant.id;
  await admin.client.ok(`mutation($input: ExtendAccessInput!) { extendAccess(input: $input) { grant { id } } }`, {
    input: { grantId: second, endsAt: new Date(Date.now() + 400 * 86_400_000).toISOString() },
  }); // access.extended
  await t.dataSource.query(`UPDATE access_grant SET ends_at = now() - interval '1 minute' WHERE id = $1`, [second]);
  expect(await t.get(AccessGrantsService).expireDue()).toBeGreaterThan(0); // access.expired

  const INVITE = `mutation($input: InviteByEmailInput!) { inviteByEmail(input: $input) { invitations { id email } } }`;
  const { inviteByEmail } = await admin.client.ok(INVITE, {
    input: { organizationId: organization.id, codeId: codes[3].id, emails: ['first@example.test', 'second@example.test'] },
  }); // invitation.sent ×2
  const [winner] = inviteByEmail.invitations as { id: string }[];
  await admin.client.ok(`mutation($input: InvitationIdInput!) { resendInvitation(input: $input) { invitation { id } } }`, {
    input: { invitationId: winner.id },
  }); // invitation.sent (resent)
  const { copyInvitationLink } = await admin.client.ok(
    `mutation($input: InvitationIdInput!) { copyInvitationLink(input: $input) { url } }`,
    { input: { invitationId: winner.id } },
  );
  const token = new URL(copyInvitationLink.url as string).searchParams.get('token') ?? (copyInvitationLink.url as string).split('/').pop()!;
  await t.client.ok(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { grant { id } } }`, {
    input: { token, firstName: 'Fay', lastName: 'First', password: 'Sekret-passw0rd-42' },
  }); // invitation.accepted, code.redeemed, access.granted, invitation.invalidated

  await admin.client.ok(INVITE, { input: { organizationId: organization.id, codeId: codes[4].id, emails: ['late@example.test'] } });
  await t.dataSource.query(`UPDATE invitation SET expires_at = now() - interval '1 minute' WHERE email = 'late@example.test'`);
  expect(await t.get(InvitationsService).expireOverdue()).toBe(1); // invitation.expired

  await admin.client.ok(`mutation($input: RecordOrderInput!) { recordOrder(input: $input) { order { id } } }`, {
    input: { organizationId: organization.id, priceId, quantity: 3, externalReference: 'SHOP-1', placedAt: new Date().toISOString() },
  }); // order.recorded

  const people = await admin.client.upload(
    `mutation($input: UploadSeatAssignmentsInput!) { uploadSeatAssignments(input: $input) { id status } }`,
    { input: { organizationId: organization.id, priceId, file: null } },
    {
      'input.file': {
        content: 'First name,Last name,E-mail,Password\r\nPia,People,pia@example.test,Pia-passw0rd-77\r\n',
        filename: 'people.csv',
      },
    },
  );
  expect(people.data?.uploadSeatAssignments.status).toBe('VALID');
  await admin.client.ok(`mutation($input: CompletePeopleImportInput!) { completePeopleImport(input: $input) { id status } }`, {
    input: { importId: people.data!.uploadSeatAssignments.id },
  }); // people_import.completed

  const { createContract } = await admin.client.ok(
    `mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }`,
    { input: { organizationId: organization.id, name: 'Hook contract', invitationPrefix: 'wh', priceIds: [priceId] } },
  );
  const { createParticipant } = await admin.client.ok(
    `mutation($input: CreateParticipantInput!) { createParticipant(input: $input) { participant { id version } } }`,
    { input: { contractId: createContract.contract.id, firstName: 'Pat', lastName: 'Part', email: 'pat@example.test' } },
  );
  const { id: participantId, version } = createParticipant.participant;
  const csv =
    'Participant ID,Row Version,First Name,Last Name,E-mail,Phone,Date of Birth,External Reference,Price Code,Invitation Code\r\n' +
    `${participantId},${version},Pat,Part,pat@example.test,,,,STD,\r\n`;
  const uploaded = await admin.client.upload(
    `mutation($input: UploadParticipantCodesInput!) { uploadParticipantCodes(input: $input) { id status problems { message } } }`,
    { input: { contractId: createContract.contract.id, file: null } },
    { 'input.file': { content: csv, filename: 'participants.csv' } },
  );
  expect(uploaded.data?.uploadParticipantCodes).toMatchObject({ status: 'VALID' });
  await admin.client.ok(`mutation($id: UUID!) { completeParticipantImport(input: { importId: $id }) { id } }`, {
    id: uploaded.data!.uploadParticipantCodes.id,
  }); // participant_import.completed

  return {
    codes,
    leaving,
    first,
    second,
    winner,
    peopleImportId: people.data!.uploadSeatAssignments.id,
    participantImportId: uploaded.data!.uploadParticipantCodes.id,
    secrets: [token, 'Sekret-passw0rd-42', 'Pia-passw0rd-77'],
  };
}
