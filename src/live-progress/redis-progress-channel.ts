import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { once } from 'node:events';
import { parseProgressUpdate, ProgressChannel, type ProgressReceiver, type ProgressUpdate } from './progress-channel';

/** A publish Redis has not answered within this long is given up (nobody waits for it anyway). */
export const PUBLISH_TIMEOUT_MS = 1000;
/** How long a new listener waits for Redis to confirm its SUBSCRIBE before it goes on without (reading the database instead). */
export const SUBSCRIBE_WAIT_MS = 2000;
/** On shutdown, how long to wait for a connection's socket to be gone (a stalled Redis may never answer). */
const CLOSE_WAIT_MS = 1000;

/**
 * Progress through Redis pub/sub, on two connections of its own (a subscribed connection can do
 * nothing else): one publishes, made on the first publish; one listens, made on the first
 * listener, with one SUBSCRIBE per topic however many follow it. Channels are named under the
 * queue prefix (`<QUEUE_PREFIX>:progress:<topic>`), so deployments sharing a Redis stay apart.
 */
export class RedisProgressChannel extends ProgressChannel implements OnApplicationShutdown {
  private readonly logger = new Logger('LiveProgress');
  private publisher?: Redis;
  private subscriber?: Redis;
  private readonly receivers = new Map<string, Set<ProgressReceiver>>();
  /** Each channel's SUBSCRIBE, settled once Redis confirmed it (or refused it). */
  private readonly subscriptions = new Map<string, Promise<void>>();

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {
    super();
  }

  publish(topic: string, update: ProgressUpdate): void {
    try {
      // An outage fails a publish fast (one reconnection attempt), a slow Redis within the timeout; no one awaits either.
      this.publisher ??= this.connect('publisher', { maxRetriesPerRequest: 1, commandTimeout: PUBLISH_TIMEOUT_MS });
      this.publisher.publish(this.channelOf(topic), JSON.stringify(update)).catch(() => undefined);
    } catch {
      // Never the work's problem: its subscribers read the database when the channel stays quiet.
    }
  }

  async listen(topic: string, receive: ProgressReceiver): Promise<() => void> {
    const channel = this.channelOf(topic);
    // Commands wait for the connection however long Redis is away: the SUBSCRIBE is then made when it is back.
    const subscriber = (this.subscriber ??= this.connectSubscriber());
    let receivers = this.receivers.get(channel);
    if (!receivers) {
      receivers = new Set();
      this.receivers.set(channel, receivers);
      this.subscriptions.set(
        channel,
        subscriber.subscribe(channel).then(
          () => undefined,
          () => undefined,
        ),
      );
    }
    receivers.add(receive);
    await settledWithin(this.subscriptions.get(channel)!, SUBSCRIBE_WAIT_MS);
    const own = receivers;
    return () => {
      own.delete(receive);
      if (own.size > 0 || this.receivers.get(channel) !== own) return;
      this.receivers.delete(channel);
      this.subscriptions.delete(channel);
      subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  /** Drops what is still unsent (only hints) and closes both connections. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.publisher, this.subscriber].map((redis) => redis && close(redis)));
  }

  private channelOf(topic: string): string {
    return `${this.prefix}:progress:${topic}`;
  }

  private connectSubscriber(): Redis {
    const subscriber = this.connect('subscriber', { maxRetriesPerRequest: null });
    subscriber.on('message', (channel: string, text: string) => {
      const receivers = this.receivers.get(channel);
      const update = receivers && parseProgressUpdate(text);
      if (!update) return;
      for (const receive of receivers) {
        try {
          receive({ ...update });
        } catch {
          // One follower's trouble is not the others'.
        }
      }
    });
    return subscriber;
  }

  /** A connection that says once when Redis goes away and once when it is back (ioredis reconnects by itself). */
  private connect(role: 'publisher' | 'subscriber', options: RedisOptions): Redis {
    // On close, ioredis destroys a socket Redis has not closed within disconnectTimeout: nothing of ours waits on it.
    const redis = new Redis(this.redisUrl, { connectionName: `tessera-progress-${role}`, disconnectTimeout: CLOSE_WAIT_MS, ...options });
    let away = false;
    redis.on('error', (error: Error) => {
      if (away) return;
      away = true;
      this.logger.warn({
        message: `Redis is unreachable for live progress (${role}); subscribers read progress from the database meanwhile`,
        error: error.message,
      });
    });
    redis.on('ready', () => {
      if (!away) return;
      away = false;
      this.logger.log(`Redis is reachable again for live progress (${role})`);
    });
    return redis;
  }
}

/** Disconnects at once, then waits (briefly) for an open socket to close. */
async function close(redis: Redis): Promise<void> {
  const open = ['connecting', 'connect', 'ready'].includes(redis.status);
  const ended = open
    ? once(redis, 'end').then(
        () => undefined,
        () => undefined,
      )
    : Promise.resolve();
  redis.disconnect();
  await settledWithin(ended, CLOSE_WAIT_MS);
}

/** Waits for `promise`, but no longer than `ms`. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
