import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { MessageKind } from './message-kinds';

/** A message to queue, as the delivery log stores it. */
export interface QueuedMessageRow {
  id: string;
  kind: MessageKind;
  recipient: string;
  organizationId: string | null;
  data: Record<string, unknown>;
  sealedData: string | null;
  eventId: string | null;
  codeId: string | null;
  invitationId: string | null;
  grantId: string | null;
}

/** A message a sender has claimed: what it needs to render and send it, and which attempt this is. */
export type ClaimedMessage = Pick<QueuedMessageRow, 'id' | 'kind' | 'recipient' | 'organizationId' | 'data' | 'sealedData'> & {
  attempts: number;
};

/** A send the mail server accepted, to be recorded. */
export interface AcceptedSend {
  id: string;
  subject: string;
  providerMessageId: string;
  sentAt: Date;
}

/**
 * The delivery log's SQL for many messages: queueing, claims and accepted sends of many messages
 * in one statement each. Ordinary reads and writes use the ORM.
 */
@Injectable()
export class MessageStore {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * Inserts QUEUED messages, to be recovered `recoverAfterMs` from now unless sent by then; returns
   * the ids of those inserted (one that its event queued already for the person is left out).
   */
  async insertQueued(rows: readonly QueuedMessageRow[], recoverAfterMs: number): Promise<string[]> {
    if (!rows.length) return [];
    // TypeORM answers an INSERT with its rows (an UPDATE with [rows, count]).
    const inserted = (await this.txHost.tx.query(
      `INSERT INTO message (id, kind, recipient, organization_id, data, sealed_data, event_id, code_id, invitation_id, grant_id, status, recover_after)
       SELECT m.*, 'QUEUED'::message_status, now() + make_interval(secs => $11)
         FROM unnest($1::uuid[], $2::message_kind[], $3::text[], $4::uuid[], $5::jsonb[], $6::text[], $7::uuid[], $8::uuid[], $9::uuid[], $10::uuid[])
           AS m(id, kind, recipient, organization_id, data, sealed_data, event_id, code_id, invitation_id, grant_id)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        rows.map((row) => row.id),
        rows.map((row) => row.kind),
        rows.map((row) => row.recipient),
        rows.map((row) => row.organizationId),
        rows.map((row) => JSON.stringify(row.data)),
        rows.map((row) => row.sealedData),
        rows.map((row) => row.eventId),
        rows.map((row) => row.codeId),
        rows.map((row) => row.invitationId),
        rows.map((row) => row.grantId),
        recoverAfterMs / 1000,
      ],
    )) as { id: string }[];
    return inserted.map((row) => row.id);
  }

  /**
   * Claims those of the messages that are unfinished and not claimed by a live sender, for
   * `claimMs` (recovered after that unless finished), counting the attempt. Rows come locked in id
   * order and rows another sender (or the recovery round) holds right now are skipped, so two
   * claims of overlapping sets never wait on each other, and a duplicate job sends nothing.
   */
  async claim(messageIds: readonly string[], claimMs: number): Promise<ClaimedMessage[]> {
    if (!messageIds.length) return [];
    const [claimed] = (await this.txHost.tx.query(
      `WITH claimable AS (
         SELECT id FROM message
          WHERE id = ANY($1::uuid[]) AND status IN ('QUEUED', 'RETRYING') AND (claimed_until IS NULL OR claimed_until < now())
          ORDER BY id FOR UPDATE SKIP LOCKED)
       UPDATE message m SET attempts = m.attempts + 1, claimed_until = now() + make_interval(secs => $2),
              recover_after = now() + make_interval(secs => $2), updated_at = now()
         FROM claimable WHERE m.id = claimable.id
       RETURNING m.id, m.kind, m.recipient, m.organization_id AS "organizationId", m.data, m.sealed_data AS "sealedData", m.attempts`,
      [messageIds, claimMs / 1000],
    )) as [ClaimedMessage[], number];
    return claimed;
  }

  /** Marks the sends SENT: the mail server has them, so no retry or recovery sends them again. */
  async recordSent(sends: readonly AcceptedSend[]): Promise<void> {
    if (!sends.length) return;
    await this.txHost.tx.query(
      `UPDATE message m SET status = 'SENT', subject = s.subject, provider_message_id = s.provider_message_id, sent_at = s.sent_at,
              last_error = NULL, claimed_until = NULL, recover_after = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS s(id, subject, provider_message_id, sent_at)
        WHERE m.id = s.id`,
      [sends.map((s) => s.id), sends.map((s) => s.subject), sends.map((s) => s.providerMessageId), sends.map((s) => s.sentAt)],
    );
  }

  /**
   * Takes up to `limit` unfinished messages past their recovery deadline and gives them a new one
   * `claimMs` from now, in one statement: each is taken by one recovery round (rows another holds
   * are skipped) and, should its new job be lost too, taken again once that deadline passes.
   */
  async takeOverdue(limit: number, claimMs: number): Promise<string[]> {
    const [taken] = (await this.txHost.tx.query(
      `WITH overdue AS (
         SELECT id FROM message
          WHERE status IN ('QUEUED', 'RETRYING') AND recover_after < now()
          ORDER BY recover_after LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE message m SET recover_after = now() + make_interval(secs => $2)
         FROM overdue WHERE m.id = overdue.id
       RETURNING m.id`,
      [limit, claimMs / 1000],
    )) as [{ id: string }[], number];
    return taken.map((row) => row.id);
  }
}
