import { Injectable } from '@nestjs/common';
import { displayCode } from '@tessera/codes';
import { DataSource } from 'typeorm';
import type {
  PublicAccessGrant,
  PublicCode,
  PublicCodeBatch,
  PublicCodeSend,
  PublicInvitation,
  PublicMessage,
  PublicOrder,
  PublicParticipantImport,
  PublicPeopleImport,
  PublicUser,
} from './public-objects';

/** Objects by id; an id whose row is gone is simply absent. */
export type ById<T> = Map<string, T>;

/**
 * Reads the objects public events carry, one query per kind, naming only public columns: a
 * secret column is never selected, so it cannot slip into a payload. The catalog's raw SQL lives
 * here and nowhere else; it only reads (each table stays its module's to write).
 */
@Injectable()
export class PublicObjectReader {
  constructor(private readonly dataSource: DataSource) {}

  async users(ids: string[]): Promise<ById<PublicUser>> {
    return this.read(
      ids,
      `SELECT id, email, first_name AS "firstName", last_name AS "lastName" FROM user_account WHERE id = ANY($1::uuid[])`,
    );
  }

  async codes(ids: string[]): Promise<ById<PublicCode>> {
    const rows = await this.rows<Omit<PublicCode, 'displayCode'> & { prefix: string | null }>(
      ids,
      `SELECT c.id, c.organization_id AS "organizationId", c.batch_id AS "batchId", c.code, c.status, c.contract_id AS "contractId",
              c.price_id AS "priceId", c.code_type AS "codeType", c.expires_at AS "expiresAt", c.last_sent_to_email AS "lastSentToEmail",
              c.last_sent_to_name AS "lastSentToName", c.last_sent_at AS "lastSentAt", c.created_at AS "createdAt", c.updated_at AS "updatedAt",
              b.prefix
         FROM code c JOIN code_batch b ON b.id = c.batch_id WHERE c.id = ANY($1::uuid[])`,
    );
    return new Map(
      rows.map(({ prefix, ...row }) => {
        // Ordered as the GraphQL type lists them, displayCode right after code.
        const { id, organizationId, batchId, code, ...rest } = row;
        const shown = displayCode(code, { prefixLength: prefix?.length ?? 0 });
        return [id, { id, organizationId, batchId, code, displayCode: shown, ...rest }];
      }),
    );
  }

  async accessGrants(ids: string[]): Promise<ById<PublicAccessGrant>> {
    return this.read(
      ids,
      `SELECT id, organization_id AS "organizationId", user_id AS "userId", code_id AS "codeId", product_id AS "productId",
              price_id AS "priceId", role, status, starts_at AS "startsAt", ends_at AS "endsAt", revoked_at AS "revokedAt",
              created_at AS "createdAt", updated_at AS "updatedAt"
         FROM access_grant WHERE id = ANY($1::uuid[])`,
    );
  }

  async invitations(ids: string[]): Promise<ById<PublicInvitation>> {
    return this.read(
      ids,
      `SELECT id, organization_id AS "organizationId", code_id AS "codeId", email, status, expires_at AS "expiresAt",
              invited_by_user_id AS "invitedByUserId", accepted_by_user_id AS "acceptedByUserId", closed_at AS "closedAt",
              last_sent_at AS "lastSentAt", created_at AS "createdAt", updated_at AS "updatedAt"
         FROM invitation WHERE id = ANY($1::uuid[])`,
    );
  }

  async batches(ids: string[]): Promise<ById<PublicCodeBatch>> {
    return this.read(
      ids,
      `SELECT id, organization_id AS "organizationId", source, status, requested_quantity AS "requestedQuantity",
              created_count AS "createdCount", contract_id AS "contractId", price_id AS "priceId", order_id AS "orderId",
              code_type AS "codeType", expires_at AS "expiresAt", prefix, width, check_character AS "checkCharacter",
              created_at AS "createdAt", completed_at AS "completedAt"
         FROM code_batch WHERE id = ANY($1::uuid[])`,
    );
  }

  async codeSends(ids: string[]): Promise<ById<PublicCodeSend>> {
    return this.read(
      ids,
      `SELECT id, code_id AS "codeId", recipient_user_id AS "recipientUserId", recipient_email AS "recipientEmail",
              recipient_name AS "recipientName", sent_by_user_id AS "sentByUserId", message_id AS "messageId", created_at AS "createdAt"
         FROM code_send WHERE id = ANY($1::uuid[])`,
    );
  }

  async orders(ids: string[]): Promise<ById<PublicOrder>> {
    return this.read(
      ids,
      `SELECT id, organization_id AS "organizationId", external_reference AS "externalReference", price_id AS "priceId", quantity,
              placed_at AS "placedAt", created_at AS "createdAt"
         FROM purchase_order WHERE id = ANY($1::uuid[])`,
    );
  }

  async peopleImports(ids: string[]): Promise<ById<PublicPeopleImport>> {
    return this.read(
      ids,
      `SELECT id, organization_id AS "organizationId", purpose, price_id AS "priceId", status, file_name AS "fileName",
              row_count AS "rowCount", created_at AS "createdAt", completed_at AS "completedAt"
         FROM people_import WHERE id = ANY($1::uuid[])`,
    );
  }

  async participantImports(ids: string[]): Promise<ById<PublicParticipantImport>> {
    return this.read(
      ids,
      `SELECT id, organization_id AS "organizationId", contract_id AS "contractId", status, file_name AS "fileName",
              row_count AS "rowCount", assignment_count AS "assignmentCount", width, check_character AS "checkCharacter",
              created_at AS "createdAt", completed_at AS "completedAt"
         FROM participant_import WHERE id = ANY($1::uuid[])`,
    );
  }

  async messages(ids: string[]): Promise<ById<PublicMessage>> {
    return this.read(
      ids,
      `SELECT id, organization_id AS "organizationId", kind, recipient, status, attempts, last_error AS "lastError",
              code_id AS "codeId", invitation_id AS "invitationId", grant_id AS "grantId", created_at AS "createdAt"
         FROM message WHERE id = ANY($1::uuid[])`,
    );
  }

  private async read<T extends { id: string }>(ids: string[], sql: string): Promise<ById<T>> {
    return new Map((await this.rows<T>(ids, sql)).map((row) => [row.id, row]));
  }

  /** Rows with their dates as ISO strings, as the payload carries them; no query for no ids. */
  private async rows<T>(ids: string[], sql: string): Promise<T[]> {
    if (!ids.length) return [];
    const rows = await this.dataSource.query<Record<string, unknown>[]>(sql, [[...new Set(ids)]]);
    return rows.map(
      (row) =>
        Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value])) as T,
    );
  }
}
