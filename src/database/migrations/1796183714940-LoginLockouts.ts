import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit rows know when their window ends, so a periodic sweep can delete the expired ones
 * (rows written before the upgrade get a day: no limit's window is longer). Sign-ins remember the
 * client addresses an account has signed in from (hashed), which the per-account limit spares.
 */
export class LoginLockouts1796183714940 implements MigrationInterface {
  name = 'LoginLockouts1796183714940';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "rate_limit_bucket"
            ADD "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT (now() + interval '1 day')
        `);
    await queryRunner.query(`
            UPDATE "rate_limit_bucket" SET "expires_at" = "window_started_at" + interval '1 day'
        `);
    await queryRunner.query(`
            CREATE INDEX "rate_limit_bucket_expires_at_idx" ON "rate_limit_bucket" ("expires_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "sign_in_client" (
                "user_id" uuid NOT NULL,
                "client_hash" text NOT NULL,
                "last_signed_in_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_88ac8f3f6b925befdf900b16a0c" PRIMARY KEY ("user_id", "client_hash")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "sign_in_client_last_signed_in_at_idx" ON "sign_in_client" ("last_signed_in_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "sign_in_client"
            ADD CONSTRAINT "FK_50dd67ba9e417f167fe9898806e" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "sign_in_client"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."rate_limit_bucket_expires_at_idx"
        `);
    await queryRunner.query(`
            ALTER TABLE "rate_limit_bucket" DROP COLUMN "expires_at"
        `);
  }
}
