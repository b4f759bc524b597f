import { MigrationInterface, QueryRunner } from 'typeorm';

export class MessageClaimIndex1795439541637 implements MigrationInterface {
  name = 'MessageClaimIndex1795439541637';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "message_claim_idx" ON "message" ("claimed_until")
            WHERE status IN ('QUEUED', 'RETRYING')
                AND claimed_until IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."message_claim_idx"
        `);
  }
}
