import { MigrationInterface, QueryRunner } from 'typeorm';

export class Inventory1795432864644 implements MigrationInterface {
  name = 'Inventory1795432864644';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "product" (
                "id" uuid NOT NULL,
                "owner_organization_id" uuid,
                "name" text NOT NULL,
                "description" text NOT NULL DEFAULT '',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_bebc9158e480b949565b4dc7a82" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "product_owner_idx" ON "product" ("owner_organization_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "price" (
                "id" uuid NOT NULL,
                "product_id" uuid NOT NULL,
                "price_code" text NOT NULL,
                "name" text NOT NULL,
                "amount_minor" integer NOT NULL DEFAULT '0',
                "currency" text NOT NULL DEFAULT 'EUR',
                "access_days" integer,
                "generates_registration_codes" boolean NOT NULL DEFAULT false,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_d163e55e8cce6908b2e0f27cea4" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "price_product_code_key" ON "price" ("product_id", "price_code")
        `);
    await queryRunner.query(`
            CREATE TABLE "contract" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "name" text NOT NULL,
                "invitation_prefix" text NOT NULL DEFAULT '',
                "starts_at" TIMESTAMP WITH TIME ZONE,
                "ends_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_17c3a89f58a2997276084e706e8" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "contract_organization_idx" ON "contract" ("organization_id", "id")
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."batch_source" AS ENUM('GENERATED', 'IMPORTED', 'ORDER', 'PARTICIPANT')
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."batch_status" AS ENUM('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')
        `);
    await queryRunner.query(`
            CREATE TABLE "code_batch" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "source" "public"."batch_source" NOT NULL,
                "status" "public"."batch_status" NOT NULL,
                "progress" integer NOT NULL DEFAULT '0',
                "requested_quantity" integer NOT NULL,
                "created_count" integer NOT NULL DEFAULT '0',
                "contract_id" uuid,
                "price_id" uuid,
                "code_type" text,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "prefix" text,
                "width" integer,
                "check_character" boolean NOT NULL DEFAULT false,
                "failure_reason" text,
                "created_by_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "completed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_0088d1075f6b5935a985b3073be" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "code_batch_organization_idx" ON "code_batch" ("organization_id", "id")
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."code_status" AS ENUM('AVAILABLE', 'PENDING', 'REDEEMED', 'VOID')
        `);
    // TypeORM records generated columns here; the migration runner does not create it for us.
    await queryRunner.query(`
            CREATE TABLE IF NOT EXISTS "typeorm_metadata" (
                "type" varchar NOT NULL, "database" varchar, "schema" varchar, "table" varchar, "name" varchar, "value" text
            )
        `);
    await queryRunner.query(
      `
            INSERT INTO "typeorm_metadata"(
                    "database",
                    "schema",
                    "table",
                    "type",
                    "name",
                    "value"
                )
            VALUES (current_database(), $1, $2, $3, $4, $5)
        `,
      [
        'public',
        'code',
        'GENERATED_COLUMN',
        'search_text',
        "lower(code || ' ' || coalesce(last_sent_to_name, '') || ' ' || coalesce(last_sent_to_email, '') || ' ' || coalesce(admin_comment, ''))",
      ],
    );
    await queryRunner.query(`
            CREATE TABLE "code" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "batch_id" uuid NOT NULL,
                "code" text NOT NULL,
                "status" "public"."code_status" NOT NULL DEFAULT 'AVAILABLE',
                "contract_id" uuid,
                "price_id" uuid,
                "code_type" text,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "admin_comment" text,
                "last_sent_to_email" text,
                "last_sent_to_name" text,
                "last_sent_at" TIMESTAMP WITH TIME ZONE,
                "search_text" text GENERATED ALWAYS AS (
                    lower(
                        code || ' ' || coalesce(last_sent_to_name, '') || ' ' || coalesce(last_sent_to_email, '') || ' ' || coalesce(admin_comment, '')
                    )
                ) STORED NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_3aab60cbcf5684b4a89fb46147e" UNIQUE ("code"),
                CONSTRAINT "PK_367e70f79a9106b8e802e1a9825" PRIMARY KEY ("id")
            )
        `);
    // Free-text search over a million codes: trigram index on the generated search_text.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`CREATE INDEX "code_search_trgm_idx" ON "code" USING gin ("search_text" gin_trgm_ops)`);
    await queryRunner.query(`
            CREATE INDEX "code_organization_status_idx" ON "code" ("organization_id", "status", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "code_batch_idx" ON "code" ("batch_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "code_organization_idx" ON "code" ("organization_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "contract_price" (
                "contract_id" uuid NOT NULL,
                "price_id" uuid NOT NULL,
                CONSTRAINT "PK_396d8f836227ea8ab157b901e4a" PRIMARY KEY ("contract_id", "price_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_2135bed69f2ebf2ee5485fb4d5" ON "contract_price" ("contract_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3ac6bf888ef375e56a717f4074" ON "contract_price" ("price_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "price"
            ADD CONSTRAINT "FK_7511931669fa9be1c5224cf09e0" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "code"
            ADD CONSTRAINT "FK_b3802180aa2ec92505c3c0b3469" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "code"
            ADD CONSTRAINT "FK_0088d1075f6b5935a985b3073be" FOREIGN KEY ("batch_id") REFERENCES "code_batch"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "code"
            ADD CONSTRAINT "FK_adf35ff71bcf94500a65c373610" FOREIGN KEY ("price_id") REFERENCES "price"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "code"
            ADD CONSTRAINT "FK_16a9db3e3ffe95852af0ab47380" FOREIGN KEY ("contract_id") REFERENCES "contract"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "contract_price"
            ADD CONSTRAINT "FK_2135bed69f2ebf2ee5485fb4d5c" FOREIGN KEY ("contract_id") REFERENCES "contract"("id") ON DELETE CASCADE ON UPDATE CASCADE
        `);
    await queryRunner.query(`
            ALTER TABLE "contract_price"
            ADD CONSTRAINT "FK_3ac6bf888ef375e56a717f40743" FOREIGN KEY ("price_id") REFERENCES "price"("id") ON DELETE CASCADE ON UPDATE CASCADE
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "contract_price" DROP CONSTRAINT "FK_3ac6bf888ef375e56a717f40743"
        `);
    await queryRunner.query(`
            ALTER TABLE "contract_price" DROP CONSTRAINT "FK_2135bed69f2ebf2ee5485fb4d5c"
        `);
    await queryRunner.query(`
            ALTER TABLE "code" DROP CONSTRAINT "FK_16a9db3e3ffe95852af0ab47380"
        `);
    await queryRunner.query(`
            ALTER TABLE "code" DROP CONSTRAINT "FK_adf35ff71bcf94500a65c373610"
        `);
    await queryRunner.query(`
            ALTER TABLE "code" DROP CONSTRAINT "FK_0088d1075f6b5935a985b3073be"
        `);
    await queryRunner.query(`
            ALTER TABLE "code" DROP CONSTRAINT "FK_b3802180aa2ec92505c3c0b3469"
        `);
    await queryRunner.query(`
            ALTER TABLE "price" DROP CONSTRAINT "FK_7511931669fa9be1c5224cf09e0"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_3ac6bf888ef375e56a717f4074"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_2135bed69f2ebf2ee5485fb4d5"
        `);
    await queryRunner.query(`
            DROP TABLE "contract_price"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."code_organization_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."code_batch_idx"
        `);
    await queryRunner.query(`DROP INDEX "public"."code_search_trgm_idx"`);
    await queryRunner.query(`
            DROP INDEX "public"."code_organization_status_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "code"
        `);
    await queryRunner.query(
      `
            DELETE FROM "typeorm_metadata"
            WHERE "type" = $1
                AND "name" = $2
                AND "database" = current_database()
                AND "schema" = $3
                AND "table" = $4
        `,
      ['GENERATED_COLUMN', 'search_text', 'public', 'code'],
    );
    await queryRunner.query(`
            DROP TYPE "public"."code_status"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."code_batch_organization_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "code_batch"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."batch_status"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."batch_source"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."contract_organization_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "contract"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."price_product_code_key"
        `);
    await queryRunner.query(`
            DROP TABLE "price"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."product_owner_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "product"
        `);
  }
}
