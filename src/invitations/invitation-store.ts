import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';

/** What the invitations of one inviteByEmail share. */
export interface SharedInvitationFields {
  message: string | null;
  expiresAt: Date;
  invitedByUserId: string | null;
  lastSentAt: Date;
}

/** What each of them has of its own. */
export interface OwnInvitationFields {
  id: string;
  organizationId: string;
  codeId: string;
  email: string;
  tokenHash: string;
}

/** The invitations' bulk SQL, in one place: many invitations in one statement. Ordinary reads and writes use the ORM. */
@Injectable()
export class InvitationStore {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Inserts PENDING invitations; returns the creation time the database gave them (the transaction's, the same for all). */
  async insertPending(shared: SharedInvitationFields, rows: readonly OwnInvitationFields[]): Promise<Date> {
    // TypeORM answers an INSERT with its rows (an UPDATE with [rows, count]).
    const inserted = (await this.txHost.tx.query(
      `INSERT INTO invitation (id, organization_id, code_id, email, token_hash, message, status, expires_at, invited_by_user_id, last_sent_at)
       SELECT i.id, i.organization_id, i.code_id, i.email, i.token_hash, $6, 'PENDING'::invitation_status, $7, $8, $9
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS i(id, organization_id, code_id, email, token_hash)
       RETURNING created_at AS "createdAt"`,
      [
        rows.map((row) => row.id),
        rows.map((row) => row.organizationId),
        rows.map((row) => row.codeId),
        rows.map((row) => row.email),
        rows.map((row) => row.tokenHash),
        shared.message,
        shared.expiresAt,
        shared.invitedByUserId,
        shared.lastSentAt,
      ],
    )) as { createdAt: Date }[];
    return inserted[0]!.createdAt;
  }
}
