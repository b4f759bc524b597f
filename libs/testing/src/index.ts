export * from './fixtures';
export * from './graphql-client';
export * from './test-app';
export * from './eventually';
export * from './smtp-sink';
export * from './webhook-receiver';
export * from './organization-app';
export * from './documented-operations';
