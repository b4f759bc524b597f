import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { containsPattern } from '@tessera/common';
import { CodeRecipientStatus } from './dto/code-send.dto';
import { CodeSend } from './entities/code-send.entity';

/**
 * What "has redeemed a code here" means, once for the candidate list and the send rule: an access
 * grant of theirs in the organisation is in force (a revoked one returned its code to the pool).
 * `m` is the membership row.
 */
const REDEEMED_HERE = `EXISTS (SELECT 1 FROM access_grant g
  WHERE g.organization_id = m.organization_id AND g.user_id = m.user_id AND g.status = 'ACTIVE')`;

export interface RecipientFilter {
  search?: string | null;
  status?: CodeRecipientStatus | null;
}

export interface RecipientRow {
  membershipId: string;
  userId: string;
  lastSendId: string | null;
}

/** A person a code may be sent to, as the send rule needs them. */
export interface PossibleRecipient {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  /** They belong to the organisation (any role). */
  connected: boolean;
  /** They have redeemed a code of the organisation. */
  redeemed: boolean;
}

/**
 * The sending side's SQL, in one place: the candidate list (members who have not redeemed, each
 * with their latest send, in one query with a lateral join), the recipient check of a send, and
 * code histories for many codes at once.
 */
@Injectable()
export class CodeSendStore {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** One page (`limit` rows, members in joining order after `afterMembershipId`) and the count of all. */
  async recipients(
    organizationId: string,
    filter: RecipientFilter,
    page: { limit: number; afterMembershipId: string | null },
  ): Promise<{ rows: RecipientRow[]; totalCount: number }> {
    const parameters: unknown[] = [organizationId];
    const conditions = ['m.organization_id = $1', `NOT ${REDEEMED_HERE}`];
    if (filter.search?.trim()) {
      parameters.push(containsPattern(filter.search.trim()));
      const term = `$${parameters.length}`;
      conditions.push(
        `(u.email ILIKE ${term} OR u.first_name ILIKE ${term} OR u.last_name ILIKE ${term} OR (u.first_name || ' ' || u.last_name) ILIKE ${term})`,
      );
    }
    if (filter.status) conditions.push(`last_send.id IS ${filter.status === CodeRecipientStatus.NEVER_SENT ? '' : 'NOT '}NULL`);
    const from = `FROM membership m
      JOIN user_account u ON u.id = m.user_id
      LEFT JOIN LATERAL (
        SELECT s.id FROM code_send s
         WHERE s.organization_id = m.organization_id AND s.recipient_user_id = m.user_id
         ORDER BY s.id DESC LIMIT 1
      ) last_send ON true
      WHERE ${conditions.join(' AND ')}`;
    const countParameters = [...parameters];
    if (page.afterMembershipId) parameters.push(page.afterMembershipId);
    const after = page.afterMembershipId ? `AND m.id > $${parameters.length}` : '';
    parameters.push(page.limit);
    const [rows, [{ count }]] = await Promise.all([
      this.txHost.tx.query<RecipientRow[]>(
        `SELECT m.id AS "membershipId", m.user_id AS "userId", last_send.id AS "lastSendId"
         ${from} ${after} ORDER BY m.id LIMIT $${parameters.length}`,
        parameters,
      ),
      this.txHost.tx.query<{ count: number }[]>(`SELECT count(*)::int AS count ${from}`, countParameters),
    ]);
    return { rows, totalCount: count };
  }

  /** The account with this id or e-mail address, and where they stand with the organisation; null when there is none. */
  async possibleRecipient(organizationId: string, by: { userId: string } | { email: string }): Promise<PossibleRecipient | null> {
    const [match, value] = 'userId' in by ? ['u.id = $2', by.userId] : ['u.email = lower(trim($2))', by.email];
    const [row] = await this.txHost.tx.query<PossibleRecipient[]>(
      `SELECT u.id AS "userId", u.email, u.first_name AS "firstName", u.last_name AS "lastName",
              m.id IS NOT NULL AS connected, ${REDEEMED_HERE} AS redeemed
         FROM user_account u
         LEFT JOIN membership m ON m.user_id = u.id AND m.organization_id = $1
        WHERE ${match}`,
      [organizationId, value],
    );
    return row ?? null;
  }

  /**
   * The newest sends of each code (up to `limit`, older than `beforeId` when given) and each
   * code's total, for a page of history on many codes in two queries.
   */
  async sendsOfCodes(
    codeIds: readonly string[],
    page: { limit: number; beforeId: string | null },
  ): Promise<{ sends: Map<string, CodeSend[]>; totals: Map<string, number> }> {
    const ids = [...codeIds];
    const sends = this.txHost.tx.getRepository(CodeSend);
    const [newest, counts] = await Promise.all([
      sends
        .createQueryBuilder('send')
        .where(
          `send.id IN (SELECT ranked.id FROM (
             SELECT s.id, row_number() OVER (PARTITION BY s.code_id ORDER BY s.id DESC) AS position
               FROM code_send s WHERE s.code_id = ANY(:ids) AND (CAST(:beforeId AS uuid) IS NULL OR s.id < :beforeId)
           ) ranked WHERE ranked.position <= :limit)`,
          { ids, beforeId: page.beforeId, limit: page.limit },
        )
        .orderBy('send.id', 'DESC')
        .getMany(),
      this.txHost.tx.query<{ codeId: string; count: number }[]>(
        'SELECT code_id AS "codeId", count(*)::int AS count FROM code_send WHERE code_id = ANY($1) GROUP BY code_id',
        [ids],
      ),
    ]);
    const byCode = new Map<string, CodeSend[]>(ids.map((id) => [id, []]));
    for (const send of newest) byCode.get(send.codeId)?.push(send);
    return { sends: byCode, totals: new Map(counts.map((row) => [row.codeId, row.count])) };
  }
}
