import { SetMetadata } from '@nestjs/common';

export const JOB_PROCESSOR = Symbol('tessera:job-processor');
export const JOB_HANDLER = Symbol('tessera:job-handler');

/** What a handler sees of a job, the same whether Bull or the inline queue runs it. */
export interface Job<T = unknown> {
  id: string;
  queue: string;
  name: string;
  data: T;
  /** Attempts already made before this one (0 on the first run). */
  attemptsMade: number;
  /** Attempts the job has in all: this run is its last when `attemptsMade + 1 >= attempts`. */
  attempts: number;
  progress(percent: number): Promise<void>;
}

export interface JobOptions {
  /** Same id, same job: a second add with an id that is still known is ignored. */
  jobId?: string;
  attempts?: number;
  /** First retry delay; each later retry doubles it. */
  backoffMs?: number;
  delayMs?: number;
}

/** Marks a provider whose `@JobHandler` methods process jobs of `queue`. */
export const JobProcessor = (queue: string): ClassDecorator => SetMetadata(JOB_PROCESSOR, queue);

/** Marks the method that processes jobs named `name` of the class's queue. */
export const JobHandler = (name: string): MethodDecorator => SetMetadata(JOB_HANDLER, name);

export type JobHandlerFn = (job: Job) => Promise<unknown>;
