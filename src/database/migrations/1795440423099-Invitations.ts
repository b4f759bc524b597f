import { MigrationInterface, QueryRunner } from 'typeorm';

export class Invitations1795440423099 implements MigrationInterface {
  name = 'Invitations1795440423099';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TYPE "public"."invitation_status" AS ENUM(
                'PENDING',
                'ACCEPTED',
                'INVALIDATED',
                'REVOKED',
                'EXPIRED'
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "invitation" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "code_id" uuid NOT NULL,
                "email" text NOT NULL,
                "message" text,
                "token_hash" text NOT NULL,
                "status" "public"."invitation_status" NOT NULL DEFAULT 'PENDING',
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "invited_by_user_id" uuid,
                "accepted_by_user_id" uuid,
                "closed_at" TIMESTAMP WITH TIME ZONE,
                "last_sent_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_b827d3749ffbb3b5ab5099afd64" UNIQUE ("token_hash"),
                CONSTRAINT "PK_beb994737756c0f18a1c1f8669c" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "invitation_pending_expiry_idx" ON "invitation" ("expires_at")
            WHERE status = 'PENDING'
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "invitation_pending_code_email_key" ON "invitation" ("code_id", "email")
            WHERE status = 'PENDING'
        `);
    await queryRunner.query(`
            CREATE INDEX "invitation_code_idx" ON "invitation" ("code_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "invitation_organization_idx" ON "invitation" ("organization_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "invitation"
            ADD CONSTRAINT "FK_de7c148c7834d738ac7113f3dd8" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "invitation"
            ADD CONSTRAINT "FK_fa9e818ade61aeee63f5d89baea" FOREIGN KEY ("code_id") REFERENCES "code"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "invitation" DROP CONSTRAINT "FK_fa9e818ade61aeee63f5d89baea"
        `);
    await queryRunner.query(`
            ALTER TABLE "invitation" DROP CONSTRAINT "FK_de7c148c7834d738ac7113f3dd8"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."invitation_organization_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."invitation_code_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."invitation_pending_code_email_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."invitation_pending_expiry_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "invitation"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."invitation_status"
        `);
  }
}
