import { DomainEvent } from '@tessera/events';
import { BatchSource } from '../entities/code-batch.entity';

/** One event per batch, not per code: a million codes make one audit line. */
export class CodeBatchCompleted extends DomainEvent<{ batchId: string; source: BatchSource; count: number }> {
  static override readonly type = 'CodeBatchCompleted';
}

export class CodeUpdated extends DomainEvent<{ codeId: string; changes: Record<string, unknown> }> {
  static override readonly type = 'CodeUpdated';
}

export class CodeVoided extends DomainEvent<{ codeId: string; code: string; previousStatus: string; reason: string | null }> {
  static override readonly type = 'CodeVoided';
}

/** A batch too large for one request waits for a worker; the outbox guarantees one picks it up. */
export class CodeBatchRequested extends DomainEvent<{ batchId: string }> {
  static override readonly type = 'CodeBatchRequested';
}
