import { normalizeCode } from '@tessera/codes';
import { containsPattern } from '@tessera/common';
import { GrantStatus } from './entities/access-grant.entity';

/**
 * The registrations search counts matches up to this many; past it, `totalCount` says "at least
 * this many" (`totalCountIsExact` false): an exact count over tens of thousands of matches costs
 * more than the whole page, and nobody pages through them all.
 */
export const SEARCH_COUNT_CAP = 1000;

/** The filter of the registrations list (status, product, person) on the grant alias `g`. */
export interface GrantConditions {
  organizationId: string;
  status?: GrantStatus[] | null;
  productId?: string | null;
  userId?: string | null;
}

/** A grant status as the list shows it: an ACTIVE grant past its end is EXPIRED. */
export function statusSql(status: GrantStatus, alias: string): string {
  return status === GrantStatus.ACTIVE
    ? `(${alias}.status = 'ACTIVE' AND (${alias}.ends_at IS NULL OR ${alias}.ends_at > now()))`
    : status === GrantStatus.EXPIRED
      ? `(${alias}.status = 'EXPIRED' OR (${alias}.status = 'ACTIVE' AND ${alias}.ends_at <= now()))`
      : `${alias}.status = 'REVOKED'`;
}

/** What a search term is compared with: the code as typed (canonical and part) and the text fields. */
export function searchPatterns(term: string): { canonical: string; codePart: string; text: string } {
  const canonical = normalizeCode(term);
  return { canonical, codePart: containsPattern(canonical || term), text: containsPattern(term) };
}

/**
 * Raw SQL of the registrations search. A grant matches when its code is the term (canonical) or
 * contains it, or the person's e-mail or full name, the product's name, the role or a milestone
 * key contains it (ignoring case). Each of those is looked up through its own table's index and
 * the grant ids are united: an OR across joined tables would read every grant of the organisation.
 */
export class RegistrationSearchSql {
  private readonly params: unknown[] = [];
  private readonly grantWhere: string;
  private readonly canonical: string;
  private readonly codePart: string;
  private readonly text: string;

  constructor(conditions: GrantConditions, term: string) {
    const where = [`g.organization_id = ${this.param(conditions.organizationId)}`];
    if (conditions.status?.length) where.push(`(${conditions.status.map((status) => statusSql(status, 'g')).join(' OR ')})`);
    if (conditions.productId) where.push(`g.product_id = ${this.param(conditions.productId)}`);
    if (conditions.userId) where.push(`g.user_id = ${this.param(conditions.userId)}`);
    this.grantWhere = where.join(' AND ');
    const patterns = searchPatterns(term);
    this.canonical = this.param(patterns.canonical);
    this.codePart = this.param(patterns.codePart);
    this.text = this.param(patterns.text);
  }

  /**
   * The number of matches (at most SEARCH_COUNT_CAP + 1) and, when the count is exact, the page:
   * up to `limit` ids after `afterId`, in id order. Every look-up stops after SEARCH_COUNT_CAP + 1
   * grants, so when one reaches it the union is past the cap and its page would be partial: the
   * page then comes from `pageQuery`.
   */
  matchesQuery(afterId: string | null, limit: number): { sql: string; params: unknown[] } {
    const cap = SEARCH_COUNT_CAP + 1;
    const after = afterId ? `WHERE id > ${this.param(afterId)}` : '';
    // People are matched first, then each one's grants by key: trigram row estimates are rough, and
    // a plain join would be tempted to hash all grants of the organisation (OFFSET 0 keeps the
    // lateral sub-query from being flattened into such a join).
    // The stored search_text is lower(code || …): a code containing the part has it lower-cased
    // there, so the trigram index narrows and the LIKE on code keeps the match exact.
    const sql = `
      WITH matched AS MATERIALIZED (
        (SELECT g.id FROM code c JOIN access_grant g ON g.code_id = c.id
          WHERE c.code = ${this.canonical} AND ${this.grantWhere})
        UNION
        (SELECT g.id FROM code c JOIN access_grant g ON g.code_id = c.id
          WHERE c.search_text LIKE lower(${this.codePart}) AND c.code LIKE ${this.codePart} AND ${this.grantWhere} LIMIT ${cap})
        UNION
        (SELECT g.id FROM user_account p
           CROSS JOIN LATERAL (SELECT g.id FROM access_grant g WHERE g.user_id = p.id AND ${this.grantWhere} OFFSET 0) g
          WHERE p.email ILIKE ${this.text} OR (p.first_name || ' ' || p.last_name) ILIKE ${this.text} LIMIT ${cap})
        UNION
        (SELECT g.id FROM product pr JOIN access_grant g ON g.product_id = pr.id
          WHERE pr.name ILIKE ${this.text} AND ${this.grantWhere} LIMIT ${cap})
        UNION
        (SELECT g.id FROM access_grant g WHERE g.role ILIKE ${this.text} AND ${this.grantWhere} LIMIT ${cap})
        UNION
        (SELECT g.id FROM access_grant g
          WHERE g.id IN (SELECT m.grant_id FROM milestone_completion m WHERE m.key ILIKE ${this.text}) AND ${this.grantWhere} LIMIT ${cap})
      )
      SELECT (SELECT count(*) FROM matched)::int AS "matchCount",
             ARRAY(SELECT id FROM matched ${after} ORDER BY id LIMIT ${limit})::text[] AS "pageIds"`;
    return { sql, params: [...this.params] };
  }

  /**
   * Up to `limit` ids after `afterId`, in id order, walking the organisation's grants by id and
   * testing each: for a term with many matches (past the cap) the page is found after a few rows.
   * The tests are scalar sub-queries, one row each by key: as EXISTS, PostgreSQL would hash every
   * match of each table first (all codes containing the term: a scan of the code table).
   */
  pageQuery(afterId: string | null, limit: number): { sql: string; params: unknown[] } {
    const params = [...this.params];
    const after = afterId ? `AND g.id > $${params.push(afterId)}` : '';
    const sql = `
      SELECT g.id FROM access_grant g
       WHERE ${this.grantWhere} ${after} AND (
         (SELECT c.code = ${this.canonical} OR c.code LIKE ${this.codePart} FROM code c WHERE c.id = g.code_id)
         OR (SELECT p.email ILIKE ${this.text} OR (p.first_name || ' ' || p.last_name) ILIKE ${this.text}
               FROM user_account p WHERE p.id = g.user_id)
         OR (SELECT pr.name ILIKE ${this.text} FROM product pr WHERE pr.id = g.product_id)
         OR g.role ILIKE ${this.text}
         OR (SELECT bool_or(m.key ILIKE ${this.text}) FROM milestone_completion m WHERE m.grant_id = g.id))
       ORDER BY g.id LIMIT ${limit}`;
    return { sql, params };
  }

  private param(value: unknown): string {
    return `$${this.params.push(value)}`;
  }
}
