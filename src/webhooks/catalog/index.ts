export * from './event-types';
export * from './public-event';
export * from './public-event-builder';
export * from './public-event-id';
export * from './public-object-reader';
export * from './public-objects';
export * from './catalog.module';
