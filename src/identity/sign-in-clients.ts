import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

/**
 * The client addresses each account has signed in from with its password, or used a mailed
 * set-password link from (hashed), for `auth.login.knownClientDays`: the per-account sign-in limit
 * and the per-account reset cap spare them. The raw SQL of the `sign_in_client` table.
 */
@Injectable()
export class SignInClients {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Whether the account (none: no) has signed in from this address within the last knownClientDays. */
  async isKnown(userId: string | null, clientAddress: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM sign_in_client
        WHERE user_id = $1::uuid AND client_hash = $2 AND last_signed_in_at > now() - make_interval(days => $3)`,
      [userId, hashAddress(clientAddress), this.config.auth.login.knownClientDays],
    );
    return rows.length > 0;
  }

  /**
   * Records a successful sign-in from this address, or a set-password link used from it (one
   * statement: a row per account and address); in the caller's transaction when given its manager.
   */
  async remember(userId: string, clientAddress: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource).query(
      `INSERT INTO sign_in_client (user_id, client_hash, last_signed_in_at) VALUES ($1, $2, now())
       ON CONFLICT (user_id, client_hash) DO UPDATE SET last_signed_in_at = now()`,
      [userId, hashAddress(clientAddress)],
    );
  }

  /** Forgets every address of the account, in the caller's transaction: after a new password, none is trusted for having known the old one. */
  async forgetAll(userId: string, manager: EntityManager): Promise<void> {
    await manager.query('DELETE FROM sign_in_client WHERE user_id = $1', [userId]);
  }

  /** Deletes up to `limit` addresses not signed in from within knownClientDays; how many it deleted. */
  async forgetStale(limit: number): Promise<number> {
    const [{ deleted }] = await this.dataSource.query<{ deleted: number }[]>(
      `WITH stale AS (
         SELECT user_id, client_hash FROM sign_in_client
          WHERE last_signed_in_at < now() - make_interval(days => $1) LIMIT $2 FOR UPDATE SKIP LOCKED
       ), gone AS (
         DELETE FROM sign_in_client c USING stale
          WHERE c.user_id = stale.user_id AND c.client_hash = stale.client_hash
            AND c.last_signed_in_at < now() - make_interval(days => $1)
          RETURNING 1
       )
       SELECT count(*)::int AS deleted FROM gone`,
      [this.config.auth.login.knownClientDays, limit],
    );
    return deleted;
  }
}

function hashAddress(clientAddress: string): string {
  return createHash('sha256').update(clientAddress).digest('hex');
}
