import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Fixed-window attempt counters, in PostgreSQL so every API process sees the same counts. */
@Entity('rate_limit_bucket')
export class RateLimitBucket {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'timestamptz' })
  windowStartedAt: Date;

  @Column({ type: 'integer' })
  attempts: number;

  /**
   * When the window ends; the sweep deletes the row after that (it holds nothing then). The default
   * (a day, for rows written without it) is spelt as PostgreSQL reports it, so no schema drift shows.
   */
  @Index('rate_limit_bucket_expires_at_idx')
  @Column({ type: 'timestamptz', default: () => "(now() + '1 day')" })
  expiresAt: Date;

  /** The distinct guesses this window has charged (digests; guessing-budget keys only), so a repeat costs nothing. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  guesses: string[];
}
