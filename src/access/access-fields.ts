import { Injectable } from '@nestjs/common';
import { Loaders } from '@tessera/common';
import { AccessPolicy } from '../identity/access-policy.service';
import type { Actor } from '../identity/auth/actor';
import { AccessGrantsService, GRANT_READERS } from './access-grants.service';
import type { AccessGrant } from './entities/access-grant.entity';

/**
 * The access grants that other objects name, as fields of those objects: loaded per request in
 * batches, and shown only to a caller who may see them (the person who holds the grant, the admins
 * and API keys of its organisation); null otherwise, as when there is none.
 */
@Injectable()
export class AccessFields {
  constructor(
    private readonly grants: AccessGrantsService,
    private readonly access: AccessPolicy,
  ) {}

  async grant(loaders: Loaders, actor: Actor, grantId: string | null): Promise<AccessGrant | null> {
    const grant = grantId ? await loaders.byId('accessGrant', (ids) => this.grants.findByIds(ids)).load(grantId) : null;
    return this.shown(loaders, actor, grant);
  }

  /** The grant a code stands for now (see AccessGrantsService.currentOfCodes). */
  async currentGrantOfCode(loaders: Loaders, actor: Actor, codeId: string): Promise<AccessGrant | null> {
    const grant = await loaders.get<AccessGrant>('currentGrantOfCode', (codeIds) => this.grants.currentOfCodes(codeIds)).load(codeId);
    return this.shown(loaders, actor, grant);
  }

  private async shown(loaders: Loaders, actor: Actor, grant: AccessGrant | null): Promise<AccessGrant | null> {
    if (!grant) return null;
    const shown =
      (actor.kind === 'user' && actor.userId === grant.userId) ||
      (await this.access.allowsWithin(loaders, actor, grant.organizationId, GRANT_READERS));
    return shown ? grant : null;
  }
}
