import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks: endpoints (an organisation's, or the platform's with no organisation), one delivery per
 * event and endpoint (its public payload built once, so retries send the same body), and each
 * HTTP attempt. Signing secrets are stored sealed.
 */
export class Webhooks1796200000000 implements MigrationInterface {
  name = 'Webhooks1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "webhook_endpoint" (
                "id" uuid NOT NULL,
                "organization_id" uuid,
                "url" text NOT NULL,
                "description" text NOT NULL DEFAULT '',
                "event_types" text array NOT NULL DEFAULT '{}',
                "enabled" boolean NOT NULL DEFAULT true,
                "disabled_reason" text,
                "secret_sealed" text NOT NULL,
                "previous_secret_sealed" text,
                "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE,
                "failing_since" TIMESTAMP WITH TIME ZONE,
                "created_by_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "webhook_endpoint_disabled_reason_check" CHECK ("disabled_reason" IN ('ADMIN', 'FAILING')),
                CONSTRAINT "PK_6c98112122b2b8a4f3984d2efa8" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "webhook_endpoint_organization_idx" ON "webhook_endpoint" ("organization_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "webhook_delivery" (
                "id" uuid NOT NULL,
                "endpoint_id" uuid NOT NULL,
                "event_id" uuid NOT NULL,
                "event_type" text NOT NULL,
                "organization_id" uuid,
                "payload" jsonb NOT NULL,
                "status" text NOT NULL DEFAULT 'PENDING',
                "attempt_count" integer NOT NULL DEFAULT '0',
                "next_attempt_at" TIMESTAMP WITH TIME ZONE,
                "last_status_code" integer,
                "last_error" text,
                "delivered_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "webhook_delivery_endpoint_event_key" UNIQUE ("endpoint_id", "event_id"),
                CONSTRAINT "webhook_delivery_status_check" CHECK ("status" IN ('PENDING', 'DELIVERED', 'FAILED')),
                CONSTRAINT "PK_b1ae290239a778f12399db91354" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "webhook_delivery_next_attempt_idx" ON "webhook_delivery" ("next_attempt_at")
            WHERE status = 'PENDING'
        `);
    await queryRunner.query(`
            CREATE INDEX "webhook_delivery_endpoint_idx" ON "webhook_delivery" ("endpoint_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "webhook_attempt" (
                "id" uuid NOT NULL,
                "delivery_id" uuid NOT NULL,
                "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "status_code" integer,
                "duration_ms" integer NOT NULL,
                "error" text,
                "response_excerpt" text,
                CONSTRAINT "PK_e4ff77b66cdd20591ba6189a1f9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "webhook_attempt_delivery_idx" ON "webhook_attempt" ("delivery_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "webhook_endpoint"
            ADD CONSTRAINT "FK_e5800fed79898bb7202e9312276" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "webhook_delivery"
            ADD CONSTRAINT "FK_f53f5aec02217a54927b13e39d9" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoint"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "webhook_attempt"
            ADD CONSTRAINT "FK_d7ed48c4841159bfd6bdee166ea" FOREIGN KEY ("delivery_id") REFERENCES "webhook_delivery"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "webhook_attempt" DROP CONSTRAINT "FK_d7ed48c4841159bfd6bdee166ea"
        `);
    await queryRunner.query(`
            ALTER TABLE "webhook_delivery" DROP CONSTRAINT "FK_f53f5aec02217a54927b13e39d9"
        `);
    await queryRunner.query(`
            ALTER TABLE "webhook_endpoint" DROP CONSTRAINT "FK_e5800fed79898bb7202e9312276"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."webhook_attempt_delivery_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "webhook_attempt"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."webhook_delivery_endpoint_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."webhook_delivery_next_attempt_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "webhook_delivery"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."webhook_endpoint_organization_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "webhook_endpoint"
        `);
  }
}
