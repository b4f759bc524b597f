import { MigrationInterface, QueryRunner } from 'typeorm';

/** The WEBHOOK_ENDPOINT_DISABLED message kind (a platform mail). Written by hand, like JoinAndVerifyMails. */
export class WebhookEndpointDisabledMail1796200000100 implements MigrationInterface {
  name = 'WebhookEndpointDisabledMail1796200000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TYPE "public"."message_kind" ADD VALUE IF NOT EXISTS 'WEBHOOK_ENDPOINT_DISABLED'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // PostgreSQL cannot drop an enum value: the type is rebuilt without it.
    await queryRunner.query(`DELETE FROM "message_template" WHERE "kind" = 'WEBHOOK_ENDPOINT_DISABLED'`);
    await queryRunner.query(`DELETE FROM "message" WHERE "kind" = 'WEBHOOK_ENDPOINT_DISABLED'`);
    await queryRunner.query(`ALTER TYPE "public"."message_kind" RENAME TO "message_kind_old"`);
    await queryRunner.query(
      `CREATE TYPE "public"."message_kind" AS ENUM('CODE_SENT', 'INVITATION', 'ACCOUNT_CREATED', 'REGISTRATION_CONFIRMED', 'ACCESS_REVOKED', 'ACCESS_EXTENDED', 'ACCESS_EXPIRED', 'SET_PASSWORD', 'GUESSING_LIMIT_REACHED', 'JOIN_INVITATION', 'VERIFY_EMAIL')`,
    );
    for (const table of ['message_template', 'message']) {
      await queryRunner.query(
        `ALTER TABLE "${table}" ALTER COLUMN "kind" TYPE "public"."message_kind" USING "kind"::text::"public"."message_kind"`,
      );
    }
    await queryRunner.query(`DROP TYPE "public"."message_kind_old"`);
  }
}
