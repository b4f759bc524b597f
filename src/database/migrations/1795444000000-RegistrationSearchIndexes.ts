import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registrations search looks each field up in its own table (a UNION of index look-ups)
 * instead of one OR across joins that no index serves: trigram indexes for the contains-matches
 * (written by hand: TypeORM cannot declare an operator class), b-trees from codes and products
 * back to their grants.
 */
export class RegistrationSearchIndexes1795444000000 implements MigrationInterface {
  name = 'RegistrationSearchIndexes1795444000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`CREATE INDEX "user_account_email_trgm_idx" ON "user_account" USING gin ("email" gin_trgm_ops)`);
    await queryRunner.query(
      `CREATE INDEX "user_account_name_trgm_idx" ON "user_account" USING gin (("first_name" || ' ' || "last_name") gin_trgm_ops)`,
    );
    await queryRunner.query(`CREATE INDEX "access_grant_role_trgm_idx" ON "access_grant" USING gin ("role" gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "milestone_completion_key_trgm_idx" ON "milestone_completion" USING gin ("key" gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "access_grant_code_idx" ON "access_grant" ("code_id")`);
    await queryRunner.query(`CREATE INDEX "access_grant_product_idx" ON "access_grant" ("product_id")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."access_grant_product_idx"`);
    await queryRunner.query(`DROP INDEX "public"."access_grant_code_idx"`);
    await queryRunner.query(`DROP INDEX "public"."milestone_completion_key_trgm_idx"`);
    await queryRunner.query(`DROP INDEX "public"."access_grant_role_trgm_idx"`);
    await queryRunner.query(`DROP INDEX "public"."user_account_name_trgm_idx"`);
    await queryRunner.query(`DROP INDEX "public"."user_account_email_trgm_idx"`);
  }
}
