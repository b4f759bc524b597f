import { Injectable } from '@nestjs/common';
import { ProgressChannel } from '../live-progress/progress-channel';
import { ProgressFeed } from '../live-progress/progress-feed';
import { BatchStatus, CodeBatch } from './entities/code-batch.entity';

const FINAL_STATUSES: ReadonlySet<string> = new Set([BatchStatus.COMPLETED, BatchStatus.FAILED]);

const topicOf = (batchId: string) => `code-batch:${batchId}`;

/** What a batch's run has just written: its status, percentage and codes made so far. */
export interface BatchStep {
  status: BatchStatus;
  progress: number;
  createdCount: number;
}

/** A batch's progress, live: the process filling it announces each step; a subscription follows one batch. */
@Injectable()
export class BatchProgress {
  constructor(private readonly channel: ProgressChannel) {}

  /** Tells the batch's followers it moved, once the change is in the database (committed). Never fails, never waits. */
  announce(batchId: string, step: BatchStep): void {
    this.channel.publish(topicOf(batchId), step);
  }

  /** The batch as it fills, until COMPLETED or FAILED. `read` is the codeBatch query's: the same caller, the same refusals. */
  follow(batchId: string, read: () => Promise<CodeBatch>): Promise<ProgressFeed<CodeBatch>> {
    return ProgressFeed.open(this.channel, { topic: topicOf(batchId), read, finalStatuses: FINAL_STATUSES });
  }
}
