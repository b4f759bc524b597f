import { MigrationInterface, QueryRunner } from 'typeorm';

export class DeliveryLog1795436578059 implements MigrationInterface {
  name = 'DeliveryLog1795436578059';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TYPE "public"."message_status" AS ENUM('QUEUED', 'RETRYING', 'SENT', 'FAILED')
        `);
    await queryRunner.query(`
            CREATE TABLE "message" (
                "id" uuid NOT NULL,
                "organization_id" uuid,
                "kind" "public"."message_kind" NOT NULL,
                "recipient" text NOT NULL,
                "subject" text,
                "status" "public"."message_status" NOT NULL DEFAULT 'QUEUED',
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "provider_message_id" text,
                "data" jsonb NOT NULL,
                "event_id" uuid,
                "code_id" uuid,
                "invitation_id" uuid,
                "grant_id" uuid,
                "claimed_until" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "sent_at" TIMESTAMP WITH TIME ZONE,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ba01f0a3e0123651915008bc578" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "message_event_recipient_key" ON "message" ("event_id", "recipient")
            WHERE event_id IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "message_organization_idx" ON "message" ("organization_id", "id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."message_organization_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."message_event_recipient_key"
        `);
    await queryRunner.query(`
            DROP TABLE "message"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."message_status"
        `);
  }
}
