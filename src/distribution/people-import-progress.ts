import { Injectable } from '@nestjs/common';
import { ProgressChannel } from '../live-progress/progress-channel';
import { ProgressFeed } from '../live-progress/progress-feed';
import { PeopleImport, PeopleImportStatus } from './entities/people-import.entity';

const FINAL_STATUSES: ReadonlySet<string> = new Set([PeopleImportStatus.COMPLETED, PeopleImportStatus.FAILED, PeopleImportStatus.INVALID]);

const topicOf = (importId: string) => `people-import:${importId}`;

/** A people upload's progress, live: whoever moves it announces each step; a subscription follows one upload. */
@Injectable()
export class PeopleImportProgress {
  constructor(private readonly channel: ProgressChannel) {}

  /** Tells the upload's followers it moved, once the change is in the database (committed). Never fails, never waits. */
  announce(record: Pick<PeopleImport, 'id' | 'status' | 'progress'>): void {
    this.channel.publish(topicOf(record.id), { status: record.status, progress: record.progress });
  }

  /** The upload as it is carried out, until COMPLETED, FAILED or INVALID. `read` is the peopleImport query's. */
  follow(importId: string, read: () => Promise<PeopleImport>): Promise<ProgressFeed<PeopleImport>> {
    return ProgressFeed.open(this.channel, { topic: topicOf(importId), read, finalStatuses: FINAL_STATUSES });
  }
}
