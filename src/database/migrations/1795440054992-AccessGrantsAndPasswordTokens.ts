import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccessGrantsAndPasswordTokens1795440054992 implements MigrationInterface {
  name = 'AccessGrantsAndPasswordTokens1795440054992';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TYPE "public"."grant_status" AS ENUM('ACTIVE', 'EXPIRED', 'REVOKED')
        `);
    await queryRunner.query(`
            CREATE TABLE "access_grant" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "code_id" uuid NOT NULL,
                "product_id" uuid,
                "price_id" uuid,
                "role" text,
                "status" "public"."grant_status" NOT NULL DEFAULT 'ACTIVE',
                "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "ends_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_2c12ba789e7748324e87e103a41" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "access_grant_active_code_key" ON "access_grant" ("code_id")
            WHERE status = 'ACTIVE'
        `);
    await queryRunner.query(`
            CREATE INDEX "access_grant_user_idx" ON "access_grant" ("user_id", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "access_grant_organization_idx" ON "access_grant" ("organization_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "password_token" (
                "id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "token_hash" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_207f5644a9050a7450fa999270c" UNIQUE ("token_hash"),
                CONSTRAINT "PK_4b36905cda55c809d6c39cb74f1" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "password_token_user_idx" ON "password_token" ("user_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "access_grant"
            ADD CONSTRAINT "FK_8129b0bb32705c56d7458986738" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "access_grant"
            ADD CONSTRAINT "FK_0304e542c14ee36131a9086898d" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "access_grant"
            ADD CONSTRAINT "FK_f3b79df9675e9aa8731a9aa2f6f" FOREIGN KEY ("code_id") REFERENCES "code"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "access_grant"
            ADD CONSTRAINT "FK_a743653c3f312483a3ed54f5d00" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "access_grant"
            ADD CONSTRAINT "FK_01a55485a894a3181289326f84f" FOREIGN KEY ("price_id") REFERENCES "price"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "password_token"
            ADD CONSTRAINT "FK_9e8ecfe7cf983db4925e8e85593" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "password_token" DROP CONSTRAINT "FK_9e8ecfe7cf983db4925e8e85593"
        `);
    await queryRunner.query(`
            ALTER TABLE "access_grant" DROP CONSTRAINT "FK_01a55485a894a3181289326f84f"
        `);
    await queryRunner.query(`
            ALTER TABLE "access_grant" DROP CONSTRAINT "FK_a743653c3f312483a3ed54f5d00"
        `);
    await queryRunner.query(`
            ALTER TABLE "access_grant" DROP CONSTRAINT "FK_f3b79df9675e9aa8731a9aa2f6f"
        `);
    await queryRunner.query(`
            ALTER TABLE "access_grant" DROP CONSTRAINT "FK_0304e542c14ee36131a9086898d"
        `);
    await queryRunner.query(`
            ALTER TABLE "access_grant" DROP CONSTRAINT "FK_8129b0bb32705c56d7458986738"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."password_token_user_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "password_token"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."access_grant_organization_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."access_grant_user_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."access_grant_active_code_key"
        `);
    await queryRunner.query(`
            DROP TABLE "access_grant"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."grant_status"
        `);
  }
}
