import { MigrationInterface, QueryRunner } from 'typeorm';

export class GrantHistoryAndMilestones1795442238712 implements MigrationInterface {
  name = 'GrantHistoryAndMilestones1795442238712';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "milestone_completion" (
                "grant_id" uuid NOT NULL,
                "key" text NOT NULL,
                "completed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "recorded_by_user_id" uuid,
                CONSTRAINT "PK_75150389d3402802b4d96bc0951" PRIMARY KEY ("grant_id", "key")
            )
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."grant_change_kind" AS ENUM('EXTENDED', 'REVOKED', 'EXPIRED')
        `);
    await queryRunner.query(`
            CREATE TABLE "grant_change" (
                "id" uuid NOT NULL,
                "grant_id" uuid NOT NULL,
                "kind" "public"."grant_change_kind" NOT NULL,
                "previous_ends_at" TIMESTAMP WITH TIME ZONE,
                "new_ends_at" TIMESTAMP WITH TIME ZONE,
                "reason" text,
                "actor_user_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_d0e8c9e46d3c2e2e203a1daf104" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "grant_change_grant_idx" ON "grant_change" ("grant_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "milestone_completion"
            ADD CONSTRAINT "FK_68567623e9ffd6c46259f242243" FOREIGN KEY ("grant_id") REFERENCES "access_grant"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "grant_change"
            ADD CONSTRAINT "FK_2ce09685cc36fe01e764b227696" FOREIGN KEY ("grant_id") REFERENCES "access_grant"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "grant_change" DROP CONSTRAINT "FK_2ce09685cc36fe01e764b227696"
        `);
    await queryRunner.query(`
            ALTER TABLE "milestone_completion" DROP CONSTRAINT "FK_68567623e9ffd6c46259f242243"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."grant_change_grant_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "grant_change"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."grant_change_kind"
        `);
    await queryRunner.query(`
            DROP TABLE "milestone_completion"
        `);
  }
}
