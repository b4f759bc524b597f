import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A password change or reset ends the person's earlier sessions: each account counts its session
 * generations, and a bearer token is good only in the one it was issued in. Accounts start at 0,
 * which is what tokens issued before this column existed are taken to carry.
 */
export class SessionGeneration1796190000000 implements MigrationInterface {
  name = 'SessionGeneration1796190000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "user_account"
            ADD "session_generation" integer NOT NULL DEFAULT 0
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "user_account" DROP COLUMN "session_generation"
        `);
  }
}
