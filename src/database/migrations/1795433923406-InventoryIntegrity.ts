import { MigrationInterface, QueryRunner } from 'typeorm';

export class InventoryIntegrity1795433923406 implements MigrationInterface {
  name = 'InventoryIntegrity1795433923406';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // The guessing-risk check counts live codes of one shape (length and prefix).
    await queryRunner.query(
      `CREATE INDEX "code_live_shape_idx" ON "code" (length("code"), "code" text_pattern_ops) WHERE "status" IN ('AVAILABLE', 'PENDING')`,
    );
    await queryRunner.query(`
            CREATE INDEX "code_contract_idx" ON "code" ("contract_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "code_price_idx" ON "code" ("price_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "product"
            ADD CONSTRAINT "FK_352e915cc86f82cc462271548f4" FOREIGN KEY ("owner_organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "contract"
            ADD CONSTRAINT "FK_4111ed7cd731d530775738e43e8" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "code_batch"
            ADD CONSTRAINT "FK_da75b84a89fdf5f46a3d63d24f6" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "code_batch"
            ADD CONSTRAINT "FK_0aa3d9cd5a1b0450966d4c6deea" FOREIGN KEY ("contract_id") REFERENCES "contract"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "code_batch"
            ADD CONSTRAINT "FK_cc682ab3c0752d4dfe2d1ede408" FOREIGN KEY ("price_id") REFERENCES "price"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "code_batch" DROP CONSTRAINT "FK_cc682ab3c0752d4dfe2d1ede408"
        `);
    await queryRunner.query(`
            ALTER TABLE "code_batch" DROP CONSTRAINT "FK_0aa3d9cd5a1b0450966d4c6deea"
        `);
    await queryRunner.query(`
            ALTER TABLE "code_batch" DROP CONSTRAINT "FK_da75b84a89fdf5f46a3d63d24f6"
        `);
    await queryRunner.query(`
            ALTER TABLE "contract" DROP CONSTRAINT "FK_4111ed7cd731d530775738e43e8"
        `);
    await queryRunner.query(`
            ALTER TABLE "product" DROP CONSTRAINT "FK_352e915cc86f82cc462271548f4"
        `);
    await queryRunner.query(`DROP INDEX "public"."code_live_shape_idx"`);
    await queryRunner.query(`
            DROP INDEX "public"."code_price_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."code_contract_idx"
        `);
  }
}
