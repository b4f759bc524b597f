import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform API keys (no organisation, scopes) for systems serving many organisations, and the
 * external reference an onboarding system gives an organisation (unique: a retried onboarding
 * finds it). Organisation keys keep acting for their organisation; their scopes stay empty.
 */
export class PlatformApiKeys1796210000000 implements MigrationInterface {
  name = 'PlatformApiKeys1796210000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "api_key"
            ALTER COLUMN "organization_id" DROP NOT NULL,
            ADD "scopes" text array NOT NULL DEFAULT '{}'
        `);
    await queryRunner.query(`
            ALTER TABLE "organization" ADD "external_reference" text
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "organization_external_reference_key" ON "organization" ("external_reference")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."organization_external_reference_key"
        `);
    await queryRunner.query(`
            ALTER TABLE "organization" DROP COLUMN "external_reference"
        `);
    // Platform keys cannot exist without the nullable column.
    await queryRunner.query(`
            DELETE FROM "api_key" WHERE "organization_id" IS NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "api_key" DROP COLUMN "scopes",
            ALTER COLUMN "organization_id" SET NOT NULL
        `);
  }
}
