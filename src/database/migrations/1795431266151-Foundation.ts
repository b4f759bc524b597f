import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795431266151 implements MigrationInterface {
  name = 'Foundation1795431266151';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "organization" (
                "id" uuid NOT NULL,
                "name" text NOT NULL,
                "slug" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_a08804baa7c5d5427067c49a31f" UNIQUE ("slug"),
                CONSTRAINT "PK_472c1f99a32def1b0abb219cd67" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "api_key" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "name" text NOT NULL,
                "prefix" text NOT NULL,
                "secret_hash" text NOT NULL,
                "created_by_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "UQ_c4f6ccad30c0862eb54af9fb0ac" UNIQUE ("prefix"),
                CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "api_key_organization_idx" ON "api_key" ("organization_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "user_account" (
                "id" uuid NOT NULL,
                "email" text NOT NULL,
                "first_name" text NOT NULL,
                "last_name" text NOT NULL,
                "password_hash" text,
                "is_platform_admin" boolean NOT NULL DEFAULT false,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_56a0e4bcec2b5411beafa47ffa5" UNIQUE ("email"),
                CONSTRAINT "PK_6acfec7285fdf9f463462de3e9f" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."member_role" AS ENUM('ORG_ADMIN', 'MEMBER')
        `);
    await queryRunner.query(`
            CREATE TABLE "membership" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "role" "public"."member_role" NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_83c1afebef3059472e7c37e8de8" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "membership_user_idx" ON "membership" ("user_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "membership_organization_user_key" ON "membership" ("organization_id", "user_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "rate_limit_bucket" (
                "key" text NOT NULL,
                "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "attempts" integer NOT NULL,
                CONSTRAINT "PK_f1310cfeb2b77745eb48247c6c7" PRIMARY KEY ("key")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "domain_event" (
                "id" uuid NOT NULL,
                "type" text NOT NULL,
                "organization_id" uuid,
                "actor_id" uuid,
                "payload" jsonb NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "relayed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_f901502d0301da69fb8cebbb8f2" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "domain_event_organization_idx" ON "domain_event" ("organization_id", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "domain_event_unrelayed_idx" ON "domain_event" ("occurred_at")
            WHERE relayed_at IS NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "api_key"
            ADD CONSTRAINT "FK_f8bf75c998e043dc6ad022d28a8" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "membership"
            ADD CONSTRAINT "FK_e9c72e8d29784031c96f5c6af8d" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "membership"
            ADD CONSTRAINT "FK_412ffe9391a352e8a4e3dc46f6f" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "membership" DROP CONSTRAINT "FK_412ffe9391a352e8a4e3dc46f6f"
        `);
    await queryRunner.query(`
            ALTER TABLE "membership" DROP CONSTRAINT "FK_e9c72e8d29784031c96f5c6af8d"
        `);
    await queryRunner.query(`
            ALTER TABLE "api_key" DROP CONSTRAINT "FK_f8bf75c998e043dc6ad022d28a8"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."domain_event_unrelayed_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."domain_event_organization_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "domain_event"
        `);
    await queryRunner.query(`
            DROP TABLE "rate_limit_bucket"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."membership_organization_user_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."membership_user_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "membership"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."member_role"
        `);
    await queryRunner.query(`
            DROP TABLE "user_account"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."api_key_organization_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "api_key"
        `);
    await queryRunner.query(`
            DROP TABLE "organization"
        `);
  }
}
