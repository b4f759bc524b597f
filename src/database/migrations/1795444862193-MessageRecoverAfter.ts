import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every unfinished message gets a deadline after which the recovery round queues it again, so mail
 * whose job Redis lost is still sent. Messages unfinished at the upgrade get their claim's end, or
 * an hour: time for the jobs still in Redis (the default retries included) to run first.
 */
export class MessageRecoverAfter1795444862193 implements MigrationInterface {
  name = 'MessageRecoverAfter1795444862193';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "message"
            ADD "recover_after" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            UPDATE "message" SET "recover_after" = coalesce("claimed_until", now() + interval '1 hour')
            WHERE status IN ('QUEUED', 'RETRYING')
        `);
    await queryRunner.query(`
            DROP INDEX "public"."message_claim_idx"
        `);
    await queryRunner.query(`
            CREATE INDEX "message_recover_after_idx" ON "message" ("recover_after")
            WHERE status IN ('QUEUED', 'RETRYING')
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."message_recover_after_idx"
        `);
    await queryRunner.query(`
            CREATE INDEX "message_claim_idx" ON "message" ("claimed_until")
            WHERE status IN ('QUEUED', 'RETRYING')
                AND claimed_until IS NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "message" DROP COLUMN "recover_after"
        `);
  }
}
