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
}
