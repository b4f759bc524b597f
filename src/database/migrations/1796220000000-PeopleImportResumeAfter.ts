import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A RUNNING people import gets a deadline, pushed on by its progress, after which the recovery
 * round gives it a new job (its job was lost, or its worker died). Imports RUNNING at the upgrade
 * get an hour: time for the jobs still in Redis to run first.
 */
export class PeopleImportResumeAfter1796220000000 implements MigrationInterface {
  name = 'PeopleImportResumeAfter1796220000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "people_import"
            ADD "resume_after" TIMESTAMP WITH TIME ZONE,
            ADD "resumes" integer NOT NULL DEFAULT '0'
        `);
    await queryRunner.query(`
            UPDATE "people_import" SET "resume_after" = now() + interval '1 hour' WHERE status = 'RUNNING'
        `);
    await queryRunner.query(`
            CREATE INDEX "people_import_resume_after_idx" ON "people_import" ("resume_after")
            WHERE status = 'RUNNING'
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."people_import_resume_after_idx"
        `);
    await queryRunner.query(`
            ALTER TABLE "people_import" DROP COLUMN "resumes", DROP COLUMN "resume_after"
        `);
  }
}
