import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  containsPattern,
  ErrorReason,
  isUuid,
  newId,
  NotFoundError,
  PageArgs,
  paginate,
  type ConnectionShape,
} from '@tessera/common';
import { EventBus } from '@tessera/events';
import { randomBytes } from 'node:crypto';
import { In } from 'typeorm';
import { AccessPolicy } from './access-policy.service';
import { actorUserId, type Actor } from './auth/actor';
import { ApiKeyScope } from './auth/api-key-scope';
import { MemberRole } from './entities/membership.entity';
import { Organization } from './entities/organization.entity';
import { OrganizationCreated } from './events/identity.events';

export interface NewOrganization {
  name: string;
  slug?: string | null;
}

/** Slugs tried for an onboarded organisation before giving up: its name's, then with random endings. */
const SLUG_ATTEMPTS = 5;

/** Letters that NFKD does not split into a base letter and an accent. */
const FOLDED: Record<string, string> = { ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', đ: 'd', ł: 'l', þ: 'th' };

/** A URL-safe slug that passes the same rule as a slug typed by a user (2–48 characters). */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[ßæøœđłþ]/g, (c) => FOLDED[c])
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 48)
    .replace(/^-+|-+$/g, '');
  return slug.length >= 2 ? slug : 'organization';
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: AccessPolicy,
    private readonly events: EventBus,
  ) {}

  private get organizations() {
    return this.txHost.tx.getRepository(Organization);
  }

  findByIds(ids: readonly string[]): Promise<Organization[]> {
    return this.organizations.findBy({ id: In([...ids]) });
  }

  /** For operators, who know organisations by slug. */
  findByIdOrSlug(idOrSlug: string): Promise<Organization | null> {
    return this.organizations.findOneBy(isUuid(idOrSlug) ? { id: idOrSlug.toLowerCase() } : { slug: idOrSlug });
  }

  anyExist(): Promise<boolean> {
    return this.organizations.exists();
  }

  /** Loads an organisation the caller may see (any member; platform admins; its API keys). */
  async get(actor: Actor, id: string): Promise<Organization> {
    const organization = await this.organizations.findOneBy({ id });
    if (!organization) throw new NotFoundError('Organization', id);
    await this.access.require(actor, organization.id, { role: MemberRole.MEMBER, apiKey: true });
    return organization;
  }

  /** The organisation an outside system onboarded under this reference (platform admins; platform keys with organizations:read). */
  async getByExternalReference(actor: Actor, externalReference: string): Promise<Organization> {
    this.access.requirePlatform(actor, ApiKeyScope.ORGANIZATIONS_READ);
    const organization = await this.organizations.findOneBy({ externalReference: externalReference.trim() });
    if (!organization) throw new NotFoundError('Organization', externalReference.trim());
    return organization;
  }

  async list(actor: Actor, args: PageArgs, search?: string | null): Promise<ConnectionShape<Organization>> {
    const readable = await this.access.readableOrganizationIds(actor);
    const query = this.organizations.createQueryBuilder('organization');
    if (readable) query.where('organization.id IN (:...readable)', { readable: readable.length ? readable : [null] });
    if (search?.trim()) {
      query.andWhere('(organization.name ILIKE :term OR organization.slug ILIKE :term)', { term: containsPattern(search.trim()) });
    }
    return paginate(query, args);
  }

  @Transactional()
  async create(actor: Actor, input: NewOrganization): Promise<Organization> {
    const slug = input.slug ?? slugify(input.name);
    const inserted = await this.organizations
      .createQueryBuilder()
      .insert()
      .values({ id: newId(), name: input.name.trim(), slug })
      .orIgnore()
      .returning('id')
      .execute();
    const row = inserted.raw[0] as { id: string } | undefined;
    if (!row) throw new ConflictError(`The slug "${slug}" is taken: choose another.`, { reason: ErrorReason.SLUG_TAKEN, field: 'slug' });
    const organization = (await this.organizations.findOneBy({ id: row.id }))!;
    await this.events.publish(
      new OrganizationCreated(
        { organizationId: organization.id, name: organization.name, slug },
        { organizationId: organization.id, actorId: actorUserId(actor) },
      ),
    );
    return organization;
  }

  /**
   * The organisation of an outside system's reference, made if there is none (`created`). The
   * caller has checked the actor may onboard. The unique reference and ON CONFLICT DO NOTHING make
   * concurrent calls with one reference make one organisation: the later insert waits for the
   * earlier and then finds its row. A slug taken by another organisation gets a random ending.
   */
  @Transactional()
  async createForReference(
    actor: Actor,
    input: { name: string; externalReference: string },
  ): Promise<{ organization: Organization; created: boolean }> {
    const externalReference = input.externalReference.trim();
    const existing = await this.organizations.findOneBy({ externalReference });
    if (existing) return { organization: existing, created: false };
    const base = slugify(input.name);
    for (let attempt = 0; attempt < SLUG_ATTEMPTS; attempt++) {
      const slug = attempt === 0 ? base : `${base.slice(0, 41).replace(/-+$/, '')}-${randomBytes(3).toString('hex')}`;
      const inserted = await this.organizations
        .createQueryBuilder()
        .insert()
        .values({ id: newId(), name: input.name.trim(), slug, externalReference })
        .orIgnore()
        .returning('id')
        .execute();
      const row = inserted.raw[0] as { id: string } | undefined;
      if (row) {
        const organization = (await this.organizations.findOneBy({ id: row.id }))!;
        await this.events.publish(
          new OrganizationCreated(
            { organizationId: organization.id, name: organization.name, slug },
            { organizationId: organization.id, actorId: actorUserId(actor) },
          ),
        );
        return { organization, created: true };
      }
      const raced = await this.organizations.findOneBy({ externalReference });
      if (raced) return { organization: raced, created: false };
    }
    throw new ConflictError('No free slug was found for the organisation: try again.', { reason: ErrorReason.SLUG_TAKEN, field: 'name' });
  }
}
