export * from './job';
export * from './job-queue';
export * from './queue.module';
export * from './queue.options';
