import { createHash } from 'node:crypto';
import { Propagation, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { clientNetwork, NotFoundError, RateLimitedError } from '@tessera/common';
import { EventBus } from '@tessera/events';
import type { Actor } from './auth/actor';
import { GuessingLimitReached, type GuessPath } from './events/identity.events';
import { RateLimiter, type GuessSpending, type RateLimit } from './rate-limiter.service';

/**
 * Wrong guesses allowed in a quarter of an hour: per person (or API key), per client address, and
 * per organisation for imports (an organisation can make many admins). Typos pass, guessing does not.
 */
export const GUESSES_PER_ACTOR = 10;
export const GUESSES_PER_CLIENT = 50;
export const GUESSES_PER_ORGANIZATION = 50;
export const GUESS_WINDOW_SECONDS = 900;

const IMPORT_LINES_KEY = 'import-lines:organization:';
const DAY_SECONDS = 86_400;

export const GUESS_KEY = {
  user: 'guess:user:',
  apiKey: 'guess:api-key:',
  client: 'guess:client:',
  organization: 'guess:organization:',
} as const;

/** Who is guessing: the actor (none when anonymous), the client address, and for imports the organisation. */
export interface Guesser {
  actor: Actor | null;
  clientAddress: string;
  organizationId?: string | null;
}

/**
 * One guessing budget per actor for every answer that can tell a live code from a dead one
 * (redeemCode, registerWithCode, the anonymous registrationCode look-up, imports). Only distinct
 * wrong guesses count: the same guess again costs nothing (a double submit), a real code is given
 * back (a used or void code is not a guess either), and a refused attempt adds nothing. Running out
 * alerts the platform admins once per window and limit.
 */
@Injectable()
export class GuessingBudget {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Runs `work`, which answers whether `guess` is a real code, under the budget: charged before the
   * look-up (so parallel guesses cannot all slip under the limit), and given back unless the answer
   * was a miss (NOT_FOUND) or what `counts` adds.
   */
  async guarding<T>(
    who: Guesser,
    path: GuessPath,
    guess: string,
    work: () => Promise<T>,
    counts: (error: unknown) => boolean = () => false,
  ): Promise<T> {
    const digest = digestOf(guess);
    const spent = await this.spend(who, path, [digest]);
    const charged = spent.filter((limit) => limit.charged > 0).map((limit) => limit.key);
    const giveBack = () => (charged.length ? this.limiter.refundGuess(charged, digest) : Promise.resolve());
    try {
      const result = await work();
      await giveBack();
      return result;
    } catch (error) {
      if (!(error instanceof NotFoundError) && !counts(error)) await giveBack();
      throw error;
    }
  }

  /**
   * Charges guesses that were answered as hits all at once (an import's lines found in other
   * organisations), all or none. When they do not fit, what was left is used up (the refusal told
   * that more than that many lines exist) and RATE_LIMITED.
   */
  async chargeHits(who: Guesser, path: GuessPath, guesses: readonly string[]): Promise<void> {
    if (!guesses.length) return;
    await this.spend(who, path, [...new Set(guesses.map(digestOf))], { exhaustWhenOver: true });
  }

  /**
   * Counts the new lines of an organisation's import against its daily allowance, all or none. A
   * line that is not found elsewhere costs no guess (the importer keeps it), but each is still a
   * look-up: the allowance bounds how many an organisation can try, as the budget bounds the hits.
   */
  async spendImportLines(organizationId: string, lines: number): Promise<void> {
    const limit = { key: `${IMPORT_LINES_KEY}${organizationId}`, max: this.config.codes.importLinesPerDay, windowSeconds: DAY_SECONDS };
    await this.limiter.consumeIfFits(limit, lines);
  }

  /** RATE_LIMITED when one of the guesser's limits is used up: for answers that would tell something whatever they found. */
  async assertLeft(who: Guesser): Promise<void> {
    const retryAfter = await this.limiter.usedUp(limitsOf(who));
    if (retryAfter !== null) throw new RateLimitedError(retryAfter);
  }

  private async spend(
    who: Guesser,
    path: GuessPath,
    digests: string[],
    options: { exhaustWhenOver?: boolean } = {},
  ): Promise<GuessSpending[]> {
    const limits = limitsOf(who);
    const spent = await this.limiter.spendGuesses(limits, digests);
    const over = spent.filter((limit) => limit.over);
    if (!over.length) return spent;
    const retryAfter = Math.max(...over.map((limit) => limit.retryAfter), 1);
    if (options.exhaustWhenOver) await this.limiter.exhaust(limits.filter((limit) => over.some((o) => o.key === limit.key)));
    await this.alert(who, path, over, retryAfter);
    throw new RateLimitedError(retryAfter);
  }

  /** Tells the platform admins, once per window and limit, in a transaction of its own (the caller's is about to fail). */
  private async alert(who: Guesser, path: GuessPath, over: GuessSpending[], retryAfterSeconds: number): Promise<void> {
    const first: string[] = [];
    for (const limit of over) {
      if (await this.limiter.firstInWindow(`guess-alert:${limit.key}`, GUESS_WINDOW_SECONDS)) first.push(limit.key);
    }
    if (!first.length) return;
    const actor = who.actor;
    await this.txHost.withTransaction(Propagation.RequiresNew, () =>
      this.events.publish(
        new GuessingLimitReached(
          {
            path,
            actorKind: actor?.kind === 'user' ? 'user' : actor?.kind === 'apiKey' ? 'apiKey' : 'anonymous',
            actorRef: actor?.kind === 'user' ? actor.userId : actor?.kind === 'apiKey' ? actor.apiKeyId : null,
            clientAddress: who.clientAddress,
            organizationId: who.organizationId ?? null,
            limits: first,
            retryAfterSeconds,
          },
          { organizationId: who.organizationId ?? null, actorId: actor?.kind === 'user' ? actor.userId : null },
        ),
      ),
    );
  }
}

/**
 * The limits a guesser's attempts count against. Operators (the command line) are trusted: only their
 * address. A client is counted by its network (an IPv6 /64), not its address: one subscriber can
 * use every address of a /64.
 */
export function limitsOf(who: Guesser): RateLimit[] {
  const limit = (key: string, max: number): RateLimit => ({ key, max, windowSeconds: GUESS_WINDOW_SECONDS });
  const actor = who.actor;
  return [
    ...(actor?.kind === 'user' ? [limit(`${GUESS_KEY.user}${actor.userId}`, GUESSES_PER_ACTOR)] : []),
    ...(actor?.kind === 'apiKey' ? [limit(`${GUESS_KEY.apiKey}${actor.apiKeyId}`, GUESSES_PER_ACTOR)] : []),
    limit(`${GUESS_KEY.client}${clientNetwork(who.clientAddress)}`, GUESSES_PER_CLIENT),
    ...(who.organizationId ? [limit(`${GUESS_KEY.organization}${who.organizationId}`, GUESSES_PER_ORGANIZATION)] : []),
  ];
}

/** The limit a lock-out key belongs to. */
export function guessLimitOf(key: string): number {
  return key.startsWith(GUESS_KEY.client)
    ? GUESSES_PER_CLIENT
    : key.startsWith(GUESS_KEY.organization)
      ? GUESSES_PER_ORGANIZATION
      : GUESSES_PER_ACTOR;
}

/** What a bucket remembers of a guess: a digest, never the code (or address) itself. */
function digestOf(guess: string): string {
  return createHash('sha256').update(guess).digest('base64url').slice(0, 22);
}
