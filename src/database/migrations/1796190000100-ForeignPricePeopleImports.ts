import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Before the upload checked it, a people upload could name another organisation's price (issue 16,
 * finding 9). Such an import that is still to be carried out is FAILED now, with the reason, and
 * drops the people it held: completing it is refused anyway, and nobody is left holding a VALID
 * import that cannot be done. Nothing to undo on the way down.
 */
export class ForeignPricePeopleImports1796190000100 implements MigrationInterface {
  name = 'ForeignPricePeopleImports1796190000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            UPDATE "people_import" pi
            SET "status" = 'FAILED', "people" = '[]',
                "error" = 'The price is not one of this organisation''s: upload the file again with one of yours.'
            FROM "price" p
            JOIN "product" pr ON pr."id" = p."product_id"
            WHERE p."id" = pi."price_id"
                AND pr."owner_organization_id" IS NOT NULL
                AND pr."owner_organization_id" <> pi."organization_id"
                AND pi."status" IN ('VALID', 'RUNNING')
        `);
  }

  public async down(): Promise<void> {
    // The imports stay FAILED: they were never valid.
  }
}
