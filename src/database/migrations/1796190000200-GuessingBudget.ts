import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One guessing budget for every answer that tells a live code from a dead one. A bucket remembers
 * which guesses its window has charged (digests, at most the limit's worth), so a guess made again
 * (a double submit) costs nothing; `spend_guesses` charges several keys at once, all or none, so a
 * refused attempt adds nothing. The GUESSING_LIMIT_REACHED mail tells platform admins. Written by hand.
 */
export class GuessingBudget1796190000200 implements MigrationInterface {
  name = 'GuessingBudget1796190000200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TYPE "public"."message_kind" ADD VALUE IF NOT EXISTS 'GUESSING_LIMIT_REACHED'`);
    await queryRunner.query(`
            ALTER TABLE "rate_limit_bucket"
            ADD "guesses" text array NOT NULL DEFAULT '{}'
        `);
    // Each key's row is made or locked (in key order, so two callers cannot deadlock), a window that
    // is over starts again, then the new guesses are charged to every key or, when one key has no
    // room for them, to none. Returns per key what was charged, the count after, whether
    // this key had no room, and the seconds left of its window.
    await queryRunner.query(`
            CREATE FUNCTION "spend_guesses"(p_keys text[], p_maxes int[], p_windows int[], p_guesses text[])
            RETURNS TABLE ("key" text, "charged" int, "attempts" int, "over" boolean, "retry_after" int)
            LANGUAGE plpgsql AS $$
            #variable_conflict use_column
            BEGIN
              INSERT INTO rate_limit_bucket AS b (key, window_started_at, attempts, guesses, expires_at)
              SELECT l.key, now(), 0, '{}', now() + make_interval(secs => l.window_seconds)
                FROM unnest(p_keys, p_windows) AS l(key, window_seconds) ORDER BY l.key
              ON CONFLICT (key) DO UPDATE SET window_started_at = now(), attempts = 0, guesses = '{}', expires_at = EXCLUDED.expires_at
               WHERE b.window_started_at <= now() - make_interval(secs => (
                 SELECT l.window_seconds FROM unnest(p_keys, p_windows) AS l(key, window_seconds) WHERE l.key = b.key));
              RETURN QUERY
              WITH state AS (
                SELECT l.key, l.max, l.window_seconds, b.attempts, b.window_started_at,
                       ARRAY(SELECT DISTINCT g FROM unnest(p_guesses) AS g WHERE NOT g = ANY(b.guesses)) AS fresh
                  FROM unnest(p_keys, p_maxes, p_windows) AS l(key, max, window_seconds)
                  JOIN rate_limit_bucket b ON b.key = l.key
              ), verdict AS (
                SELECT coalesce(bool_and(s.attempts + cardinality(s.fresh) <= s.max), true) AS fits FROM state s
              ), charged AS (
                UPDATE rate_limit_bucket b SET attempts = b.attempts + cardinality(s.fresh), guesses = b.guesses || s.fresh
                  FROM state s, verdict v
                 WHERE b.key = s.key AND v.fits AND cardinality(s.fresh) > 0
              )
              SELECT s.key,
                     CASE WHEN v.fits THEN cardinality(s.fresh) ELSE 0 END,
                     s.attempts + CASE WHEN v.fits THEN cardinality(s.fresh) ELSE 0 END,
                     s.attempts + cardinality(s.fresh) > s.max,
                     greatest(ceil(extract(epoch FROM s.window_started_at + make_interval(secs => s.window_seconds) - now()))::int, 1)
                FROM state s, verdict v;
            END
            $$
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION "spend_guesses"(text[], int[], int[], text[])`);
    await queryRunner.query(`ALTER TABLE "rate_limit_bucket" DROP COLUMN "guesses"`);
    // PostgreSQL cannot drop an enum value: the type is rebuilt without it.
    await queryRunner.query(`DELETE FROM "message_template" WHERE "kind" = 'GUESSING_LIMIT_REACHED'`);
    await queryRunner.query(`DELETE FROM "message" WHERE "kind" = 'GUESSING_LIMIT_REACHED'`);
    await queryRunner.query(`ALTER TYPE "public"."message_kind" RENAME TO "message_kind_old"`);
    await queryRunner.query(
      `CREATE TYPE "public"."message_kind" AS ENUM('CODE_SENT', 'INVITATION', 'ACCOUNT_CREATED', 'REGISTRATION_CONFIRMED', 'ACCESS_REVOKED', 'ACCESS_EXTENDED', 'ACCESS_EXPIRED', 'SET_PASSWORD')`,
    );
    for (const table of ['message_template', 'message']) {
      await queryRunner.query(
        `ALTER TABLE "${table}" ALTER COLUMN "kind" TYPE "public"."message_kind" USING "kind"::text::"public"."message_kind"`,
      );
    }
    await queryRunner.query(`DROP TYPE "public"."message_kind_old"`);
  }
}
