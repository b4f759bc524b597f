import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A code's send names its mail's id at once, but the mail enters the delivery log after commit
 * (notifications reacts to CodeSent): the foreign key to `message` cannot hold in between.
 */
export class CodeSendMessageQueuedAfterCommit1796240000000 implements MigrationInterface {
  name = 'CodeSendMessageQueuedAfterCommit1796240000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "code_send" DROP CONSTRAINT "FK_bb8de068919a6463d0e4386f915"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "code_send"
            ADD CONSTRAINT "FK_bb8de068919a6463d0e4386f915" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
  }
}
