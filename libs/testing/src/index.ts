export * from './fixtures';
export * from './graphql-client';
export * from './test-app';
