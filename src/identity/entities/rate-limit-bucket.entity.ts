import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Fixed-window attempt counters, in PostgreSQL so every API process sees the same counts. */
@Entity('rate_limit_bucket')
export class RateLimitBucket {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'timestamptz' })
  windowStartedAt: Date;

  @Column({ type: 'integer' })
  attempts: number;

  /** The distinct guesses this window has charged (digests; guessing-budget keys only), so a repeat costs nothing. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  guesses: string[];
}
