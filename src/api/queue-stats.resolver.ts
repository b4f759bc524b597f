import { Field, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { JobQueue } from '@tessera/queue';
import { QUEUES } from '../queues';
import { PlatformAdminOnly } from '../identity/auth/auth.decorators';

@ObjectType({ description: 'The state of one background queue.' })
export class QueueStats {
  @Field({ description: 'Queue name (events: after-commit work of domain events; mail: sending e-mail; inventory: code generation).' })
  name: string;

  @Field({ description: 'bull (Redis) or inline (in this process).' })
  mode: string;

  @Field(() => Int, { description: 'Jobs waiting for a worker.' })
  waiting: number;

  @Field(() => Int, { description: 'Jobs running now.' })
  active: number;

  @Field(() => Int, { description: 'Jobs waiting for a retry or a set time.' })
  delayed: number;

  @Field(() => Int, { description: 'Jobs that failed for good (kept for inspection).' })
  failed: number;
}

@Resolver()
export class QueueStatsResolver {
  constructor(private readonly queue: JobQueue) {}

  @PlatformAdminOnly()
  @Query(() => [QueueStats], { description: 'Depth and failures of every background queue (platform admins).' })
  async queueStats(): Promise<QueueStats[]> {
    return Promise.all(QUEUES.map(async (name) => ({ name, mode: this.queue.mode, ...(await this.queue.counts(name)) })));
  }
}
