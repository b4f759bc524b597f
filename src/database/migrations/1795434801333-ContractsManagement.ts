import { MigrationInterface, QueryRunner } from 'typeorm';

export class ContractsManagement1795434801333 implements MigrationInterface {
  name = 'ContractsManagement1795434801333';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "product"
            ADD "milestones" jsonb NOT NULL DEFAULT '[]'
        `);
    await queryRunner.query(`
            ALTER TABLE "price"
            ADD "access_starts_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "price"
            ADD "access_ends_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."contract_status" AS ENUM('ACTIVE', 'ARCHIVED')
        `);
    await queryRunner.query(`
            ALTER TABLE "contract"
            ADD "status" "public"."contract_status" NOT NULL DEFAULT 'ACTIVE'
        `);
    await queryRunner.query(`
            ALTER TABLE "price"
            ADD CONSTRAINT "price_access_check" CHECK (
                    (
                        "access_days" IS NULL
                        OR "access_starts_at" IS NULL
                    )
                    AND ("access_starts_at" IS NULL) = ("access_ends_at" IS NULL)
                    AND (
                        "access_starts_at" IS NULL
                        OR "access_starts_at" < "access_ends_at"
                    )
                )
        `);
    await queryRunner.query(`
            ALTER TABLE "price"
            ADD CONSTRAINT "price_amount_check" CHECK ("amount_minor" >= 0)
        `);
    await queryRunner.query(`
            ALTER TABLE "contract"
            ADD CONSTRAINT "contract_dates_check" CHECK (
                    "starts_at" IS NULL
                    OR "ends_at" IS NULL
                    OR "starts_at" <= "ends_at"
                )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "contract" DROP CONSTRAINT "contract_dates_check"
        `);
    await queryRunner.query(`
            ALTER TABLE "price" DROP CONSTRAINT "price_amount_check"
        `);
    await queryRunner.query(`
            ALTER TABLE "price" DROP CONSTRAINT "price_access_check"
        `);
    await queryRunner.query(`
            ALTER TABLE "contract" DROP COLUMN "status"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."contract_status"
        `);
    await queryRunner.query(`
            ALTER TABLE "price" DROP COLUMN "access_ends_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "price" DROP COLUMN "access_starts_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "product" DROP COLUMN "milestones"
        `);
  }
}
