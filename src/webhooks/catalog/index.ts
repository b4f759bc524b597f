export * from './event-types';
export * from './public-event';
export * from './public-objects';
