import { createHash } from 'node:crypto';

/**
 * The id of a public event that is not the first one an internal event yields (code.redeemed's
 * access.granted, the second grant of an expiry round, …): SHA-256 of "<event id>:<type>:<subject
 * id>", its first 16 bytes laid out as a UUID version 8 (RFC 9562). Built again from the same
 * event, it is the same id, so a receiver's de-duplication by `webhook-id` holds across rebuilds.
 */
export function derivedEventId(eventId: string, type: string, subjectId: string): string {
  const bytes = createHash('sha256').update(`${eventId}:${type}:${subjectId}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
