import { MigrationInterface, QueryRunner } from 'typeorm';

export class PeopleImports1795440886830 implements MigrationInterface {
  name = 'PeopleImports1795440886830';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TYPE "public"."people_import_purpose" AS ENUM('ASSIGN_SEATS', 'INVITE')
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."people_import_status" AS ENUM(
                'VALID',
                'INVALID',
                'RUNNING',
                'COMPLETED',
                'FAILED'
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "people_import" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "purpose" "public"."people_import_purpose" NOT NULL,
                "price_id" uuid NOT NULL,
                "message" text,
                "status" "public"."people_import_status" NOT NULL,
                "file_name" text NOT NULL,
                "row_count" integer NOT NULL,
                "new_account_count" integer NOT NULL DEFAULT '0',
                "seats_free" integer NOT NULL DEFAULT '0',
                "problems" jsonb NOT NULL,
                "people" jsonb NOT NULL,
                "progress" integer NOT NULL DEFAULT '0',
                "error" text,
                "created_by_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "completed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_cb3c642c2784ecee9bb7e1242ce" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "people_import_organization_idx" ON "people_import" ("organization_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "people_import"
            ADD CONSTRAINT "FK_6acb42fc3dfb03234997847e381" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "people_import" DROP CONSTRAINT "FK_6acb42fc3dfb03234997847e381"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."people_import_organization_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "people_import"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."people_import_status"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."people_import_purpose"
        `);
  }
}
