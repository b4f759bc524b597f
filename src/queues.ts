import { EVENTS_QUEUE } from '@tessera/events';
import { INVENTORY_QUEUE } from './inventory/code-generation.service';
import { MAIL_QUEUE } from './notifications/notifications.service';
import { WEBHOOKS_QUEUE } from './webhooks/webhooks.queue';

/** Every queue the app uses; Bull needs to know them up front. */
export const QUEUES = [EVENTS_QUEUE, INVENTORY_QUEUE, MAIL_QUEUE, WEBHOOKS_QUEUE];
