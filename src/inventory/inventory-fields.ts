import { Injectable } from '@nestjs/common';
import { Loaders } from '@tessera/common';
import { AccessPolicy } from '../identity/access-policy.service';
import type { Actor } from '../identity/auth/actor';
import { CODE_READERS, CodesService } from './codes.service';
import type { CodeBatch } from './entities/code-batch.entity';
import type { Code } from './entities/code.entity';

/**
 * The codes and batches that other objects name, as fields of those objects: loaded per request in
 * batches, and shown only to a caller who may see them (as `code` and `codeBatch` would answer
 * them); null otherwise, as when there is none. A code holds what only its organisation's admins
 * and systems may read (the admin comment, who it was sent to).
 */
@Injectable()
export class InventoryFields {
  constructor(
    private readonly codes: CodesService,
    private readonly access: AccessPolicy,
  ) {}

  async code(loaders: Loaders, actor: Actor, codeId: string | null): Promise<Code | null> {
    const code = codeId ? await loaders.byId('code', (ids) => this.codes.findByIds(ids)).load(codeId) : null;
    return code && (await this.access.allowsWithin(loaders, actor, code.organizationId, CODE_READERS)) ? code : null;
  }

  async batch(loaders: Loaders, actor: Actor, batchId: string | null): Promise<CodeBatch | null> {
    const batch = batchId ? await loaders.byId('codeBatch', (ids) => this.codes.findBatchesByIds(ids)).load(batchId) : null;
    return batch && (await this.access.allowsWithin(loaders, actor, batch.organizationId, CODE_READERS)) ? batch : null;
  }
}
