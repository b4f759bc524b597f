import { MigrationInterface, QueryRunner } from 'typeorm';

export class Participants1795434733904 implements MigrationInterface {
  name = 'Participants1795434733904';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "participant" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "contract_id" uuid NOT NULL,
                "first_name" text NOT NULL,
                "last_name" text NOT NULL,
                "email" text,
                "phone" text,
                "date_of_birth" date,
                "external_reference" text,
                "code_id" uuid,
                "version" integer NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_64da4237f502041781ca15d4c41" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "participant_code_key" ON "participant" ("code_id")
            WHERE code_id IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "participant_contract_idx" ON "participant" ("contract_id", "id")
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."participant_import_status" AS ENUM('VALID', 'INVALID', 'COMPLETED')
        `);
    await queryRunner.query(`
            CREATE TABLE "participant_import" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "contract_id" uuid NOT NULL,
                "status" "public"."participant_import_status" NOT NULL,
                "file_name" text NOT NULL,
                "row_count" integer NOT NULL,
                "assignment_count" integer NOT NULL,
                "width" integer NOT NULL,
                "check_character" boolean NOT NULL,
                "problems" jsonb NOT NULL,
                "assignments" jsonb NOT NULL,
                "created_by_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "completed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_ff9f98fd58eec57ff036164efa4" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "participant_import_contract_idx" ON "participant_import" ("contract_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "participant"
            ADD CONSTRAINT "FK_a7928521024ea2cfdb3faea075d" FOREIGN KEY ("contract_id") REFERENCES "contract"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "participant"
            ADD CONSTRAINT "FK_0e1b184359bb21f836148729b44" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "participant_import"
            ADD CONSTRAINT "FK_54811cfa21aabe8752c9aac5009" FOREIGN KEY ("contract_id") REFERENCES "contract"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "participant_import" DROP CONSTRAINT "FK_54811cfa21aabe8752c9aac5009"
        `);
    await queryRunner.query(`
            ALTER TABLE "participant" DROP CONSTRAINT "FK_0e1b184359bb21f836148729b44"
        `);
    await queryRunner.query(`
            ALTER TABLE "participant" DROP CONSTRAINT "FK_a7928521024ea2cfdb3faea075d"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."participant_import_contract_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "participant_import"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."participant_import_status"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."participant_contract_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."participant_code_key"
        `);
    await queryRunner.query(`
            DROP TABLE "participant"
        `);
  }
}
