import { MigrationInterface, QueryRunner } from 'typeorm';

export class MessageTemplates1795436380926 implements MigrationInterface {
  name = 'MessageTemplates1795436380926';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TYPE "public"."message_kind" AS ENUM(
                'CODE_SENT',
                'INVITATION',
                'ACCOUNT_CREATED',
                'REGISTRATION_CONFIRMED',
                'ACCESS_REVOKED',
                'ACCESS_EXTENDED',
                'SET_PASSWORD'
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "message_template" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "kind" "public"."message_kind" NOT NULL,
                "subject" text NOT NULL,
                "html" text NOT NULL,
                "text" text NOT NULL,
                "updated_by_id" uuid,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_616800da109c721fb4dd2019a9b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "message_template_organization_kind_key" ON "message_template" ("organization_id", "kind")
        `);
    await queryRunner.query(`
            ALTER TABLE "message_template"
            ADD CONSTRAINT "FK_b6dec49a6de32bb92b7d1bdc761" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "message_template" DROP CONSTRAINT "FK_b6dec49a6de32bb92b7d1bdc761"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."message_template_organization_kind_key"
        `);
    await queryRunner.query(`
            DROP TABLE "message_template"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."message_kind"
        `);
  }
}
