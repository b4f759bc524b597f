import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts are platform-wide, so an organisation never holds the keys to one: an account an
 * organisation made stays unverified (and confined to that organisation) until its owner proves
 * the address, and an existing account joins an organisation only by accepting an invitation.
 * Accounts made before this change count as verified (their address as good as before).
 */
export class AccountConsent1796190000300 implements MigrationInterface {
  name = 'AccountConsent1796190000300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "user_account"
            ADD "email_verified_at" TIMESTAMP WITH TIME ZONE,
            ADD "home_organization_id" uuid
        `);
    await queryRunner.query(`
            UPDATE "user_account" SET "email_verified_at" = "created_at"
        `);
    await queryRunner.query(`
            CREATE TABLE "membership_invitation" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "role" "public"."member_role" NOT NULL,
                "seat_invitation_id" uuid,
                "token_hash" text,
                "status" text NOT NULL DEFAULT 'PENDING',
                "invited_by_user_id" uuid,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "accepted_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_membership_invitation_token_hash" UNIQUE ("token_hash"),
                CONSTRAINT "PK_membership_invitation" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "membership_invitation_organization_user_idx" ON "membership_invitation" ("organization_id", "user_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "membership_invitation"
            ADD CONSTRAINT "FK_9d4d758fc87438d829dd6cbbc1d" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "membership_invitation"
            ADD CONSTRAINT "FK_8a6174b1152f3ccff4561fd2091" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "membership_invitation"
        `);
    await queryRunner.query(`
            ALTER TABLE "user_account" DROP COLUMN "home_organization_id", DROP COLUMN "email_verified_at"
        `);
  }
}
