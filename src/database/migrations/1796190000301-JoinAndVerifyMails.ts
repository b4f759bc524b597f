import { MigrationInterface, QueryRunner } from 'typeorm';

/** The JOIN_INVITATION and VERIFY_EMAIL message kinds (platform mails). Written by hand, like AccessExpiredMail. */
export class JoinAndVerifyMails1796190000301 implements MigrationInterface {
  name = 'JoinAndVerifyMails1796190000301';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TYPE "public"."message_kind" ADD VALUE IF NOT EXISTS 'JOIN_INVITATION'`);
    await queryRunner.query(`ALTER TYPE "public"."message_kind" ADD VALUE IF NOT EXISTS 'VERIFY_EMAIL'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // PostgreSQL cannot drop an enum value: the type is rebuilt without them.
    await queryRunner.query(`DELETE FROM "message_template" WHERE "kind" IN ('JOIN_INVITATION', 'VERIFY_EMAIL')`);
    await queryRunner.query(`DELETE FROM "message" WHERE "kind" IN ('JOIN_INVITATION', 'VERIFY_EMAIL')`);
    await queryRunner.query(`ALTER TYPE "public"."message_kind" RENAME TO "message_kind_new"`);
    await queryRunner.query(
      `CREATE TYPE "public"."message_kind" AS ENUM('CODE_SENT', 'INVITATION', 'ACCOUNT_CREATED', 'REGISTRATION_CONFIRMED', 'ACCESS_REVOKED', 'ACCESS_EXTENDED', 'ACCESS_EXPIRED', 'SET_PASSWORD', 'GUESSING_LIMIT_REACHED')`,
    );
    for (const table of ['message_template', 'message']) {
      await queryRunner.query(
        `ALTER TABLE "${table}" ALTER COLUMN "kind" TYPE "public"."message_kind" USING "kind"::text::"public"."message_kind"`,
      );
    }
    await queryRunner.query(`DROP TYPE "public"."message_kind_new"`);
  }
}
