import { MigrationInterface, QueryRunner } from 'typeorm';

/** The ACCESS_EXPIRED message kind. Written by hand: the generator rebuilt the type and its indexes twice over. */
export class AccessExpiredMail1795443412861 implements MigrationInterface {
  name = 'AccessExpiredMail1795443412861';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TYPE "public"."message_kind" ADD VALUE IF NOT EXISTS 'ACCESS_EXPIRED' BEFORE 'SET_PASSWORD'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // PostgreSQL cannot drop an enum value: the type is rebuilt without it.
    await queryRunner.query(`DELETE FROM "message_template" WHERE "kind" = 'ACCESS_EXPIRED'`);
    await queryRunner.query(`DELETE FROM "message" WHERE "kind" = 'ACCESS_EXPIRED'`);
    await queryRunner.query(`ALTER TYPE "public"."message_kind" RENAME TO "message_kind_new"`);
    await queryRunner.query(
      `CREATE TYPE "public"."message_kind" AS ENUM('CODE_SENT', 'INVITATION', 'ACCOUNT_CREATED', 'REGISTRATION_CONFIRMED', 'ACCESS_REVOKED', 'ACCESS_EXTENDED', 'SET_PASSWORD')`,
    );
    for (const table of ['message_template', 'message']) {
      await queryRunner.query(
        `ALTER TABLE "${table}" ALTER COLUMN "kind" TYPE "public"."message_kind" USING "kind"::text::"public"."message_kind"`,
      );
    }
    await queryRunner.query(`DROP TYPE "public"."message_kind_new"`);
  }
}
