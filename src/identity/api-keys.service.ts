import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import {
  BadUserInputError,
  ConnectionShape,
  ErrorReason,
  hashToken,
  newId,
  newSecretToken,
  ForbiddenError,
  NotFoundError,
  PageArgs,
  paginate,
  UnauthenticatedError,
} from '@tessera/common';
import { EventBus } from '@tessera/events';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { In } from 'typeorm';
import { AccessPolicy } from './access-policy.service';
import { actorUserId, actsForPlatform, type Actor } from './auth/actor';
import { ApiKeyScope } from './auth/api-key-scope';
import { ApiKey } from './entities/api-key.entity';
import { MemberRole } from './entities/membership.entity';
import { ApiKeyCreated, ApiKeyRevoked } from './events/identity.events';

const PLATFORM_ONLY = 'Only platform admins may manage platform API keys.';

/** Every key starts so; it tells keys from bearer tokens and makes leaked keys easy to scan for. */
export const API_KEY_PREFIX = 'tsk_';
const KEY_PATTERN = /^tsk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: AccessPolicy,
    private readonly events: EventBus,
  ) {}

  private get keys() {
    return this.txHost.tx.getRepository(ApiKey);
  }

  async list(actor: Actor, organizationId: string, args: PageArgs): Promise<ConnectionShape<ApiKey>> {
    await this.access.requireOrganization(actor, organizationId, { role: MemberRole.ORG_ADMIN });
    return paginate(this.keys.createQueryBuilder('key').where('key.organization_id = :organizationId', { organizationId }), args);
  }

  /** One key, without its secret: an organisation's for its admins, a platform key for platform admins. Anyone else: NOT_FOUND, as for none. */
  async get(actor: Actor, apiKeyId: string): Promise<ApiKey> {
    const apiKey = await this.keys.findOneBy({ id: apiKeyId });
    const shown =
      apiKey &&
      (apiKey.organizationId === null
        ? actsForPlatform(actor)
        : await this.access.allows(actor, apiKey.organizationId, { role: MemberRole.ORG_ADMIN }));
    if (!shown) throw new NotFoundError('ApiKey', apiKeyId);
    return apiKey;
  }

  /** Keys by id, without an access check: for fields of data already checked (a DataLoader batch). */
  findByIds(ids: readonly string[]): Promise<ApiKey[]> {
    return this.keys.findBy({ id: In([...ids]) });
  }

  /** The platform's keys, without their secrets (platform admins). */
  async listPlatform(actor: Actor, args: PageArgs): Promise<ConnectionShape<ApiKey>> {
    if (!actsForPlatform(actor)) throw new ForbiddenError(PLATFORM_ONLY);
    return paginate(this.keys.createQueryBuilder('key').where('key.organization_id IS NULL'), args);
  }

  /** Creates a key; the returned secret is the only time anyone sees it. */
  @Transactional()
  async create(actor: Actor, organizationId: string, name: string): Promise<{ apiKey: ApiKey; secret: string }> {
    await this.access.requireOrganization(actor, organizationId, { role: MemberRole.ORG_ADMIN });
    return this.insert(actor, organizationId, name, []);
  }

  /** Creates a platform key with its scopes (platform admins); the returned secret is the only time anyone sees it. */
  @Transactional()
  async createPlatform(actor: Actor, name: string, scopes: ApiKeyScope[]): Promise<{ apiKey: ApiKey; secret: string }> {
    if (!actsForPlatform(actor)) throw new ForbiddenError(PLATFORM_ONLY);
    if (scopes.length === 0) throw new BadUserInputError([{ field: 'scopes', message: 'must name at least one scope' }]);
    // Once each, in the enum's order, whatever order they came in.
    return this.insert(
      actor,
      null,
      name,
      Object.values(ApiKeyScope).filter((scope) => scopes.includes(scope)),
    );
  }

  private async insert(
    actor: Actor,
    organizationId: string | null,
    name: string,
    scopes: ApiKeyScope[],
  ): Promise<{ apiKey: ApiKey; secret: string }> {
    const prefix = randomBytes(6).toString('hex');
    const { token: secretPart, hash: secretHash } = newSecretToken();
    const apiKey = this.keys.create({
      id: newId(),
      organizationId,
      name: name.trim(),
      prefix,
      secretHash,
      scopes,
      createdById: actorUserId(actor),
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.keys.insert(apiKey);
    await this.events.publish(
      new ApiKeyCreated({ apiKeyId: apiKey.id, name: apiKey.name, prefix }, { organizationId, actorId: actorUserId(actor) }),
    );
    return { apiKey: (await this.keys.findOneBy({ id: apiKey.id }))!, secret: `${API_KEY_PREFIX}${prefix}_${secretPart}` };
  }

  @Transactional()
  async revoke(actor: Actor, apiKeyId: string): Promise<ApiKey> {
    const apiKey = await this.keys.findOne({ where: { id: apiKeyId }, lock: { mode: 'pessimistic_write' } });
    if (!apiKey) throw new NotFoundError('ApiKey', apiKeyId);
    if (apiKey.organizationId === null) {
      if (!actsForPlatform(actor)) throw new ForbiddenError(PLATFORM_ONLY);
    } else {
      await this.access.require(actor, apiKey.organizationId, { role: MemberRole.ORG_ADMIN });
    }
    if (apiKey.revokedAt) return apiKey;
    await this.keys.update({ id: apiKey.id }, { revokedAt: () => 'now()' });
    await this.events.publish(
      new ApiKeyRevoked({ apiKeyId: apiKey.id }, { organizationId: apiKey.organizationId, actorId: actorUserId(actor) }),
    );
    return (await this.keys.findOneBy({ id: apiKey.id }))!;
  }

  /** The caller a key stands for: its organisation's integration, or a platform key with its scopes. */
  async authenticate(rawKey: string): Promise<Actor> {
    const match = KEY_PATTERN.exec(rawKey);
    const apiKey = match ? await this.keys.findOneBy({ prefix: match[1] }) : null;
    const valid = Boolean(
      apiKey && match && timingSafeEqual(Buffer.from(apiKey.secretHash, 'hex'), Buffer.from(hashToken(match[2]), 'hex')),
    );
    if (!apiKey || !valid) throw new UnauthenticatedError(ErrorReason.API_KEY_INVALID, 'The API key is not valid.');
    if (apiKey.revokedAt) throw new UnauthenticatedError(ErrorReason.API_KEY_REVOKED, 'The API key has been revoked.');
    // Recorded to the minute: one write per key and minute, not per request.
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => "date_trunc('minute', now())" })
      .where("id = :id AND (last_used_at IS NULL OR last_used_at < date_trunc('minute', now()))", { id: apiKey.id })
      .execute();
    return apiKey.organizationId === null
      ? { kind: 'platformKey', apiKeyId: apiKey.id, scopes: apiKey.scopes }
      : { kind: 'apiKey', apiKeyId: apiKey.id, organizationId: apiKey.organizationId };
  }
}
