import { MigrationInterface, QueryRunner } from 'typeorm';

export class CodeSends1795440464019 implements MigrationInterface {
  name = 'CodeSends1795440464019';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "code_send" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "code_id" uuid NOT NULL,
                "recipient_user_id" uuid,
                "recipient_email" text NOT NULL,
                "recipient_name" text NOT NULL,
                "message" text,
                "admin_comment" text,
                "sent_by_user_id" uuid,
                "message_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_531610166e9269f64a15376a818" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "code_send_recipient_idx" ON "code_send" ("organization_id", "recipient_user_id", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "code_send_code_idx" ON "code_send" ("code_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "code_send"
            ADD CONSTRAINT "FK_266459b22f1f9eec576502fd1b4" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "code_send"
            ADD CONSTRAINT "FK_e6d733a59baef5a205c579e2f41" FOREIGN KEY ("code_id") REFERENCES "code"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "code_send"
            ADD CONSTRAINT "FK_511d1e2925cb45f3bdd002eac40" FOREIGN KEY ("recipient_user_id") REFERENCES "user_account"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "code_send"
            ADD CONSTRAINT "FK_c8277c026d72e9bc7580ef79686" FOREIGN KEY ("sent_by_user_id") REFERENCES "user_account"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "code_send"
            ADD CONSTRAINT "FK_bb8de068919a6463d0e4386f915" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "code_send" DROP CONSTRAINT "FK_bb8de068919a6463d0e4386f915"
        `);
    await queryRunner.query(`
            ALTER TABLE "code_send" DROP CONSTRAINT "FK_c8277c026d72e9bc7580ef79686"
        `);
    await queryRunner.query(`
            ALTER TABLE "code_send" DROP CONSTRAINT "FK_511d1e2925cb45f3bdd002eac40"
        `);
    await queryRunner.query(`
            ALTER TABLE "code_send" DROP CONSTRAINT "FK_e6d733a59baef5a205c579e2f41"
        `);
    await queryRunner.query(`
            ALTER TABLE "code_send" DROP CONSTRAINT "FK_266459b22f1f9eec576502fd1b4"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."code_send_code_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."code_send_recipient_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "code_send"
        `);
  }
}
