import { MigrationInterface, QueryRunner } from 'typeorm';

/** One grant in force per person, product and role: an expression index, so written by hand. */
export class OneActiveGrantPerProduct1795443000000 implements MigrationInterface {
  name = 'OneActiveGrantPerProduct1795443000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE UNIQUE INDEX "access_grant_active_product_key" ON "access_grant" ("user_id", "product_id", coalesce("role", ''))
      WHERE status = 'ACTIVE' AND product_id IS NOT NULL
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."access_grant_active_product_key"`);
  }
}
