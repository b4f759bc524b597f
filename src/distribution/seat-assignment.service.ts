import { Transactional } from '@nestjs-cls/transactional';
import { Injectable } from '@nestjs/common';
import { AppError, BadUserInputError, ErrorReason, type FieldError } from '@tessera/common';
import { RedemptionService } from '../access/redemption.service';
import { ContractsService } from '../contracts/contracts.service';
import { ParticipantsService } from '../contracts/participants.service';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, actsForPlatform, type Actor } from '../identity/auth/actor';
import { passwordHasher } from '../identity/auth/password-hasher';
import { MemberRole } from '../identity/entities/membership.entity';
import { User } from '../identity/entities/user.entity';
import { MembershipsService } from '../identity/memberships.service';
import { normalizeEmail, UsersService } from '../identity/users.service';
import { CodesService } from '../inventory/codes.service';
import { Code, CodeStatus } from '../inventory/entities/code.entity';
import { InvitationsService } from '../invitations/invitations.service';
import type { AssignSeatsInput, AssignSeatsPayload, SeatAssignment, SeatPersonInput } from './dto/seat-assignment.dto';

const ADMIN = { role: MemberRole.ORG_ADMIN };

/** Who gets a seat: an account and how it stands with the organisation. */
interface Recipient {
  user: User;
  /** Where the person was named in the input, for errors (`people.2.email`, `userIds.0`). */
  field: string;
  /**
   * A member (or an account made now): the seat is theirs at once. Otherwise an existing account
   * of someone who is not a member: the seat is held for them and they are invited to join.
   */
  attached: boolean;
  /** Named by e-mail and not a member before: the answer does not say what became of them. */
  undisclosed: boolean;
}

/**
 * Giving seats directly (workflow B, options 1 and 3): one free code per person, accounts made
 * where needed, each code redeemed for its person, and the login mail — all in one transaction,
 * so a shortage or a bad row leaves nothing half-done. An existing account that is not a member
 * is never attached: its seat is held (a seat invitation) and its owner is invited to join by the
 * platform; the seat is theirs when they accept, signed in.
 */
@Injectable()
export class SeatAssignmentService {
  constructor(
    private readonly access: AccessPolicy,
    private readonly codes: CodesService,
    private readonly contracts: ContractsService,
    private readonly participants: ParticipantsService,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly redemption: RedemptionService,
    private readonly invitations: InvitationsService,
  ) {}

  async assign(actor: Actor, input: AssignSeatsInput): Promise<AssignSeatsPayload> {
    checkShape(input);
    // Who may, before any work: hashing is slow on purpose, and nobody else should make us do it.
    await this.access.requireOrganization(actor, input.organizationId, ADMIN);
    // Hashed before the transaction, so no row waits for it.
    const hashes = await passwordHasher.hashAll((input.people ?? []).map((person) => person.password));
    return this.assignHashed(actor, input, hashes);
  }

  /** The assignment itself, with the people's passwords already hashed (`hashes[i]` for `people[i]`). */
  @Transactional()
  async assignHashed(
    actor: Actor,
    input: AssignSeatsInput,
    hashes: (string | null)[],
    onProgress?: (done: number, total: number) => Promise<void>,
  ): Promise<AssignSeatsPayload> {
    const organizationId = input.organizationId;
    await this.access.requireOrganization(actor, organizationId, ADMIN);
    const recipients = input.people
      ? await this.accountsFor(actor, organizationId, input.people, hashes)
      : await this.members(organizationId, input.userIds!);
    const seats = input.priceId
      ? await this.seatsOfPrice(organizationId, input.priceId, recipients.length)
      : await this.namedSeats(organizationId, input.codeIds!);
    const heldElsewhere = await this.holdingElsewhere(organizationId, recipients, seats);

    const assignments: SeatAssignment[] = [];
    for (const [index, recipient] of recipients.entries()) {
      const seat = seats[index];
      // Name the row: "people.3.email: This person already has access to …", "codeIds.1: The code has been used."
      const nameTheRow = (error: unknown): never => {
        if (!(error instanceof AppError) || error instanceof BadUserInputError) throw error;
        const aboutPerson = error.details.reason === ErrorReason.ALREADY_HAS_ACCESS || !input.codeIds;
        throw BadUserInputError.field(aboutPerson ? recipient.field : `codeIds.${index}`, error.message);
      };
      if (!recipient.attached) {
        const held = await this.invitations.holdSeatForJoin(actor, seat, recipient.user.email).catch(nameTheRow);
        await this.memberships.offer(actor, organizationId, recipient.user.id, MemberRole.MEMBER, held.id);
        assignments.push({ email: recipient.user.email, user: null, grant: null });
        await onProgress?.(index + 1, recipients.length);
        continue;
      }
      if (heldElsewhere.has(index)) {
        // A member with the product through another organisation: refusing the row would tell this
        // organisation so, for free (a later bad row rolls the call back). The seat is held by an
        // invitation mailed to them instead; accepting it tells them they have access, and frees it.
        await this.invitations.inviteToSeat(actor, seat, recipient.user).catch(nameTheRow);
        assignments.push({ email: recipient.user.email, user: null, grant: null });
        await onProgress?.(index + 1, recipients.length);
        continue;
      }
      // The mail follows CodeRedeemed: anyone without a password (a new account, or an older one never set up) gets a set-password link.
      const grant = await this.redemption
        .redeem({ codeId: seat.id, userId: recipient.user.id, channel: 'ASSIGNMENT', actorId: actorUserId(actor) })
        .catch(nameTheRow);
      // A named seat may be held by invitations: given directly, it is theirs no more.
      if (seat.status === CodeStatus.PENDING) await this.invitations.invalidateOthers(seat, null, actorUserId(actor));
      assignments.push(
        recipient.undisclosed
          ? { email: recipient.user.email, user: null, grant: null }
          : { email: recipient.user.email, user: recipient.user, grant },
      );
      await onProgress?.(index + 1, recipients.length);
    }
    const seatsRemaining = input.priceId ? await this.codes.countSeats(organizationId, input.priceId) : null;
    return { assignments, seatsRemaining };
  }

  /**
   * The accounts for people named by e-mail. Only members and new addresses are attached, whoever
   * gives the seats (a large upload runs in a worker as the operator: it must not attach more than
   * its organisation's admin could); platform admins and the operator are told who is who.
   */
  private async accountsFor(
    actor: Actor,
    organizationId: string,
    people: SeatPersonInput[],
    hashes: (string | null)[],
  ): Promise<Recipient[]> {
    const actorId = actorUserId(actor);
    const platform = actsForPlatform(actor);
    const existing = new Map((await this.users.findByEmails(people.map((person) => person.email))).map((user) => [user.email, user]));
    const members = new Set(
      await this.memberships.memberIdsAmong(
        organizationId,
        [...existing.values()].map((user) => user.id),
      ),
    );
    const recipients: Recipient[] = [];
    for (const [index, person] of people.entries()) {
      const field = `people.${index}.email`;
      const found = existing.get(normalizeEmail(person.email));
      if (found) {
        // An existing account keeps its own password: a password in the input is only for a new one.
        // Not a member: the seat is held and the platform invites the owner to join.
        const member = members.has(found.id);
        recipients.push({
          user: found,
          field,
          attached: member,
          undisclosed: !member && !platform,
        });
        continue;
      }
      // Made by this organisation: unverified (its admin may have chosen the password), so it reaches nothing else.
      const user = await this.users.create(
        {
          email: person.email,
          firstName: person.firstName,
          lastName: person.lastName,
          passwordHash: hashes[index],
          homeOrganizationId: organizationId,
        },
        actorId,
      );
      recipients.push({ user, field, attached: true, undisclosed: !platform });
    }
    return recipients;
  }

  /**
   * The rows whose (attached) person has their seat's product through another organisation, whose
   * grant the one-grant-per-product index would refuse. Read here, never told: see assignHashed.
   */
  private async holdingElsewhere(organizationId: string, recipients: Recipient[], seats: Code[]): Promise<Set<number>> {
    const priceIds = [...new Set(seats.flatMap((seat) => seat?.priceId ?? []))];
    const productOfPrice = new Map((await this.contracts.findPricesByIds(priceIds)).map((price) => [price.id, price.productId]));
    const rowsOfProduct = new Map<string, number[]>();
    recipients.forEach((recipient, index) => {
      const priceId = seats[index]?.priceId;
      const productId = priceId ? productOfPrice.get(priceId) : undefined;
      if (!recipient.attached || !productId) return;
      const rows = rowsOfProduct.get(productId) ?? [];
      if (!rows.length) rowsOfProduct.set(productId, rows);
      rows.push(index);
    });
    const rows = new Set<number>();
    for (const [productId, indexes] of rowsOfProduct) {
      const userIds = indexes.map((index) => recipients[index]!.user.id);
      const holders = await this.redemption.holdersOf(productId, userIds, { outside: organizationId });
      for (const index of indexes) if (holders.has(recipients[index]!.user.id)) rows.add(index);
    }
    return rows;
  }

  private async members(organizationId: string, userIds: string[]): Promise<Recipient[]> {
    const users = new Map((await this.users.findByIds(userIds)).map((user) => [user.id, user]));
    const problems: FieldError[] = [];
    const recipients: Recipient[] = [];
    for (const [index, userId] of userIds.entries()) {
      const user = users.get(userId);
      if (!user || !(await this.memberships.isMember(organizationId, userId))) {
        problems.push({ field: `userIds.${index}`, message: 'is not a member of the organisation' });
      } else {
        recipients.push({ user, field: `userIds.${index}`, attached: true, undisclosed: false });
      }
    }
    if (problems.length) throw new BadUserInputError(problems);
    return recipients;
  }

  private async seatsOfPrice(organizationId: string, priceId: string, wanted: number): Promise<Code[]> {
    await this.contracts.usablePrice(organizationId, priceId); // another organisation's price is NOT_FOUND
    return this.codes.lockSeats(organizationId, priceId, wanted);
  }

  private async namedSeats(organizationId: string, codeIds: string[]): Promise<Code[]> {
    // Locked in id order, whatever order they were named in: two assignments of the same codes never deadlock.
    const found = new Map((await this.codes.lockByIds(codeIds)).map((code) => [code.id, code]));
    const participantCodes = new Set((await this.participants.findByCodeIds(codeIds)).map((participant) => participant.codeId));
    const problems = codeIds.flatMap((id, index) =>
      found.get(id)?.organizationId !== organizationId
        ? [{ field: `codeIds.${index}`, message: 'no such code in this organisation' }]
        : participantCodes.has(id)
          ? [{ field: `codeIds.${index}`, message: "is a contract participant's own code: it is theirs to redeem" }]
          : [],
    );
    if (problems.length) throw new BadUserInputError(problems);
    return codeIds.map((id) => found.get(id)!);
  }
}

/** Exactly one source of seats and one list of people, of matching length, without repeats. */
function checkShape(input: AssignSeatsInput): void {
  const problems: FieldError[] = [];
  if (Boolean(input.priceId) === Boolean(input.codeIds)) problems.push({ field: 'priceId', message: 'give either priceId or codeIds' });
  if (Boolean(input.people) === Boolean(input.userIds)) problems.push({ field: 'people', message: 'give either people or userIds' });
  const count = input.people?.length ?? input.userIds?.length ?? 0;
  if (input.codeIds && input.codeIds.length !== count) {
    problems.push({ field: 'codeIds', message: `give one code per person (${count} people, ${input.codeIds.length} codes)` });
  }
  repeats(
    (input.people ?? []).map((person) => normalizeEmail(person.email)),
    'people',
    'email',
    problems,
  );
  repeats(input.userIds ?? [], 'userIds', null, problems);
  repeats(input.codeIds ?? [], 'codeIds', null, problems);
  if (problems.length) throw new BadUserInputError(problems);
}

function repeats(values: string[], list: string, property: string | null, problems: FieldError[]): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value))
      problems.push({ field: [list, index, property].filter((part) => part !== null).join('.'), message: 'appears twice' });
    seen.add(value);
  });
}
