import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { ConflictError, ErrorReason, newId } from '@tessera/common';
import { EventBus } from '@tessera/events';
import { In } from 'typeorm';
import { passwordHasher } from './auth/password-hasher';
import { User } from './entities/user.entity';
import { EmailVerificationRequested, UserCreated } from './events/identity.events';
import { SignInClients } from './sign-in-clients';

export interface NewUser {
  email: string;
  firstName: string;
  lastName: string;
  password?: string | null;
  /** Instead of `password`: a hash made before the caller's transaction (argon2 is slow on purpose). */
  passwordHash?: string | null;
  isPlatformAdmin?: boolean;
  /**
   * Whether the address is known to be the person's (the operator's CLI, a platform admin). By
   * default a new account is unverified: whoever made it (an organisation's admin, someone typing
   * a code with an address) has not shown the address is theirs.
   */
  emailVerified?: boolean;
  /** The organisation that makes the account: all an unverified account may reach (else the first it joins). */
  homeOrganizationId?: string | null;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class UsersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    private readonly signInClients: SignInClients,
  ) {}

  private get users() {
    return this.txHost.tx.getRepository(User);
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByIds(ids: readonly string[]): Promise<User[]> {
    return this.users.findBy({ id: In([...ids]) });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: normalizeEmail(email) });
  }

  findByEmails(emails: readonly string[]): Promise<User[]> {
    return this.users
      .createQueryBuilder('user')
      .where('user.email = ANY(:emails)', { emails: emails.map(normalizeEmail) })
      .getMany();
  }

  /** Creates an account; CONFLICT when the e-mail is taken (whatever its case). */
  @Transactional()
  async create(input: NewUser, actorId: string | null = null): Promise<User> {
    const email = normalizeEmail(input.email);
    const inserted = await this.users
      .createQueryBuilder()
      .insert()
      .values({
        id: newId(),
        email,
        firstName: input.firstName.trim(),
        lastName: input.lastName.trim(),
        passwordHash: input.passwordHash ?? (input.password ? await passwordHasher.hash(input.password) : null),
        isPlatformAdmin: input.isPlatformAdmin ?? false,
        emailVerifiedAt: input.emailVerified ? () => 'now()' : null,
        homeOrganizationId: input.homeOrganizationId ?? null,
      })
      .orIgnore()
      .returning('*')
      .execute();
    const row = inserted.raw[0] as { id: string } | undefined;
    if (!row) {
      throw new ConflictError(`An account with the e-mail ${email} already exists.`, {
        reason: ErrorReason.ACCOUNT_EXISTS,
        field: 'email',
      });
    }
    const user = (await this.findById(row.id))!;
    await this.events.publish(new UserCreated({ userId: user.id, email }, { actorId }));
    // A password someone else chose (or typed with a code): the owner is asked to prove the address.
    // Without one, the mailed set-password link does that.
    if (!user.emailVerifiedAt && user.passwordHash) {
      await this.events.publish(new EmailVerificationRequested({ userId: user.id }, { actorId }));
    }
    return user;
  }

  /** The existing account for this e-mail, or a new one. */
  @Transactional()
  async findOrCreate(input: NewUser, actorId: string | null = null): Promise<{ user: User; created: boolean }> {
    const existing = await this.findByEmail(input.email);
    if (existing) return { user: existing, created: false };
    return { user: await this.create(input, actorId), created: true };
  }

  @Transactional()
  async setPassword(userId: string, password: string): Promise<void> {
    await this.setPasswordHash(userId, await passwordHasher.hash(password));
  }

  /**
   * For callers that hash before their transaction (argon2 is slow on purpose). A new password ends
   * the person's earlier sessions (tokens issued before it carry an older session generation) and
   * the addresses the old password was used from stop counting as known to the sign-in limits. The
   * account is verified too: its callers are the mailed set-password link, which proves the
   * address, and the operator's create-admin, who vouches for it.
   */
  @Transactional()
  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.users.update({ id: userId }, { passwordHash, sessionGeneration: () => 'session_generation + 1' });
    await this.signInClients.forgetAll(userId, this.txHost.tx);
    await this.markVerified(userId);
  }

  /** The owner proved the address (used a link that was mailed to it). */
  @Transactional()
  async markVerified(userId: string): Promise<void> {
    await this.users
      .createQueryBuilder()
      .update()
      .set({ emailVerifiedAt: () => 'now()' })
      .where('id = :userId AND email_verified_at IS NULL', { userId })
      .execute();
  }

  /**
   * The organisation an unverified account may reach: the one that made it, or else the first it
   * joins (now: `organizationId`). Null for a verified account, which may reach any.
   */
  @Transactional()
  async confinementOf(userId: string, organizationId: string): Promise<string | null> {
    const [rows] = (await this.txHost.tx.query(
      `UPDATE user_account SET home_organization_id = coalesce(home_organization_id, $2)
        WHERE id = $1 AND email_verified_at IS NULL RETURNING home_organization_id`,
      [userId, organizationId],
    )) as [{ home_organization_id: string }[], number];
    return rows[0]?.home_organization_id ?? null;
  }

  @Transactional()
  async setPlatformAdmin(userId: string, isPlatformAdmin: boolean): Promise<void> {
    await this.users.update({ id: userId }, { isPlatformAdmin });
  }

  /** Everyone who runs the platform (alerts go to them). */
  findPlatformAdmins(): Promise<User[]> {
    return this.users.find({ where: { isPlatformAdmin: true }, order: { createdAt: 'ASC' } });
  }
}
