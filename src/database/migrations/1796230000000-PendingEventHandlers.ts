import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each event keeps the keys of its after-commit handlers that have not finished, so the sweeper can
 * queue again the jobs Redis lost. Events already stored get none: they are history. One partial
 * index on the events in flight (not relayed, or with handlers pending) replaces the unrelayed one:
 * both sweeps read those few rows, and every event write keeps one partial index instead of two.
 */
export class PendingEventHandlers1796230000000 implements MigrationInterface {
  name = 'PendingEventHandlers1796230000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "domain_event" ADD "pending_handlers" text array NOT NULL DEFAULT '{}'
        `);
    await queryRunner.query(`
            CREATE INDEX "domain_event_in_flight_idx" ON "domain_event" ("relayed_at", "occurred_at")
            WHERE relayed_at IS NULL OR pending_handlers <> '{}'
        `);
    await queryRunner.query(`
            DROP INDEX "public"."domain_event_unrelayed_idx"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "domain_event_unrelayed_idx" ON "domain_event" ("occurred_at")
            WHERE relayed_at IS NULL
        `);
    await queryRunner.query(`
            DROP INDEX "public"."domain_event_in_flight_idx"
        `);
    await queryRunner.query(`
            ALTER TABLE "domain_event" DROP COLUMN "pending_handlers"
        `);
  }
}
