import { MigrationInterface, QueryRunner } from 'typeorm';

export class SealedMessageData1795441916475 implements MigrationInterface {
  name = 'SealedMessageData1795441916475';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "message"
            ADD "sealed_data" text
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "message" DROP COLUMN "sealed_data"
        `);
  }
}
