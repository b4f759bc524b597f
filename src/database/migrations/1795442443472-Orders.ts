import { MigrationInterface, QueryRunner } from 'typeorm';

export class Orders1795442443472 implements MigrationInterface {
  name = 'Orders1795442443472';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "purchase_order" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "external_reference" text NOT NULL,
                "price_id" uuid NOT NULL,
                "quantity" integer NOT NULL,
                "placed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "recorded_by_api_key_id" uuid,
                "recorded_by_user_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "purchase_order_quantity_check" CHECK ("quantity" >= 1),
                CONSTRAINT "PK_ad3e1c7b862f4043b103a6c8c60" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "purchase_order_reference_key" ON "purchase_order" ("organization_id", "external_reference")
        `);
    await queryRunner.query(`
            CREATE INDEX "purchase_order_organization_idx" ON "purchase_order" ("organization_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "code_batch"
            ADD "order_id" uuid
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "code_batch_order_key" ON "code_batch" ("order_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "purchase_order"
            ADD CONSTRAINT "FK_95183c15365a8a4f609c0b97178" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "purchase_order"
            ADD CONSTRAINT "FK_cdea834f01fafc6a23993662b9d" FOREIGN KEY ("price_id") REFERENCES "price"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "code_batch"
            ADD CONSTRAINT "FK_f6a0d39f3d1d82e4efb45be2a39" FOREIGN KEY ("order_id") REFERENCES "purchase_order"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "code_batch" DROP CONSTRAINT "FK_f6a0d39f3d1d82e4efb45be2a39"
        `);
    await queryRunner.query(`
            ALTER TABLE "purchase_order" DROP CONSTRAINT "FK_cdea834f01fafc6a23993662b9d"
        `);
    await queryRunner.query(`
            ALTER TABLE "purchase_order" DROP CONSTRAINT "FK_95183c15365a8a4f609c0b97178"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."code_batch_order_key"
        `);
    await queryRunner.query(`
            ALTER TABLE "code_batch" DROP COLUMN "order_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."purchase_order_organization_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."purchase_order_reference_key"
        `);
    await queryRunner.query(`
            DROP TABLE "purchase_order"
        `);
  }
}
