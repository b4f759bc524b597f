import { registerEnumType } from '@nestjs/graphql';
import { ErrorCode } from './error-code';

/**
 * Every `extensions.reason` the API answers with: what a client branches on where `extensions.code`
 * (the design's small set) is not enough. One enum, printed in schema.gql, so typed clients get it.
 * What each means, and the code it comes with, is in ERROR_REASONS below.
 */
export enum ErrorReason {
  // Refusals of the request's shape.
  QUERY_TOO_COSTLY = 'QUERY_TOO_COSTLY',
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES = 'TOO_MANY_ALIASES',
  TOO_MANY_TOKENS = 'TOO_MANY_TOKENS',
  INVALID_QUERY = 'INVALID_QUERY',
  CSRF_REFUSED = 'CSRF_REFUSED',
  // Signing in.
  SIGN_IN_REQUIRED = 'SIGN_IN_REQUIRED',
  TOKEN_EXPIRED = 'TOKEN_EXPIRED',
  TOKEN_INVALID = 'TOKEN_INVALID',
  SESSION_ENDED = 'SESSION_ENDED',
  WRONG_CREDENTIALS = 'WRONG_CREDENTIALS',
  API_KEY_INVALID = 'API_KEY_INVALID',
  API_KEY_REVOKED = 'API_KEY_REVOKED',
  // Codes and seats.
  NOT_FOUND = 'NOT_FOUND',
  REDEEMED = 'REDEEMED',
  VOID = 'VOID',
  EXPIRED = 'EXPIRED',
  HELD_BY_INVITATION = 'HELD_BY_INVITATION',
  CONTRACT_NOT_ACTIVE = 'CONTRACT_NOT_ACTIVE',
  NOT_AVAILABLE = 'NOT_AVAILABLE',
  PARTICIPANT_CODE = 'PARTICIPANT_CODE',
  NOT_ENOUGH_SEATS = 'NOT_ENOUGH_SEATS',
  RECIPIENT_ALREADY_REDEEMED = 'RECIPIENT_ALREADY_REDEEMED',
  PARTICIPANT_HAS_CODE = 'PARTICIPANT_HAS_CODE',
  ORDER_TOO_LARGE = 'ORDER_TOO_LARGE',
  // Access, accounts and invitations.
  ALREADY_HAS_ACCESS = 'ALREADY_HAS_ACCESS',
  REVOKED = 'REVOKED',
  ACCOUNT_EXISTS = 'ACCOUNT_EXISTS',
  LINK_EXPIRED = 'LINK_EXPIRED',
  ACCEPTED = 'ACCEPTED',
  INVALIDATED = 'INVALIDATED',
  // Organisations, contracts and orders.
  SLUG_TAKEN = 'SLUG_TAKEN',
  ALREADY_MEMBER = 'ALREADY_MEMBER',
  LAST_ADMIN = 'LAST_ADMIN',
  CONTRACT_ARCHIVED = 'CONTRACT_ARCHIVED',
  PRICE_CODE_TAKEN = 'PRICE_CODE_TAKEN',
  EXTERNAL_REFERENCE_REUSED = 'EXTERNAL_REFERENCE_REUSED',
  PARTICIPANTS_CHANGED = 'PARTICIPANTS_CHANGED',
  // Uploads, messages, simultaneous changes.
  IMPORT_HAS_PROBLEMS = 'IMPORT_HAS_PROBLEMS',
  IMPORT_RUNNING = 'IMPORT_RUNNING',
  IMPORT_COMPLETED = 'IMPORT_COMPLETED',
  IMPORT_FAILED = 'IMPORT_FAILED',
  MESSAGE_STILL_SENDING = 'MESSAGE_STILL_SENDING',
  CONCURRENT_CHANGE = 'CONCURRENT_CHANGE',
}

/**
 * The code each reason comes with, and what a client does about it: the schema's descriptions and
 * the README's table are made from this. The type below checks that every reason is here, and
 * lets each error class take only the reasons of its own code.
 */
export const ERROR_REASONS = {
  QUERY_TOO_COSTLY: {
    code: ErrorCode.BAD_USER_INPUT,
    description:
      'The query asks for more than the cost limit; `extensions.cost` and `extensions.limit` say how much. Ask for smaller pages or fewer nested lists.',
  },
  QUERY_TOO_DEEP: {
    code: ErrorCode.BAD_USER_INPUT,
    description: 'The query nests deeper than allowed (`extensions.depth`, `extensions.limit`).',
  },
  TOO_MANY_ALIASES: {
    code: ErrorCode.BAD_USER_INPUT,
    description: 'The query has more aliases than allowed (`extensions.aliases`, `extensions.limit`).',
  },
  TOO_MANY_TOKENS: {
    code: ErrorCode.BAD_USER_INPUT,
    description: 'The document is longer than allowed, in tokens (`extensions.limit`).',
  },
  INVALID_QUERY: {
    code: ErrorCode.BAD_USER_INPUT,
    description:
      'The document does not parse or does not fit the schema (an unknown field or argument, a wrong literal, …), or the request holds no operation to run.',
  },
  CSRF_REFUSED: {
    code: ErrorCode.BAD_USER_INPUT,
    description:
      'A request a browser could send cross-site without a preflight; send JSON, or an `apollo-require-preflight` header (uploads always).',
  },
  SIGN_IN_REQUIRED: {
    code: ErrorCode.UNAUTHENTICATED,
    description: 'The request carries no bearer token or API key and the operation needs one: sign in (`login`) or send the key.',
  },
  TOKEN_EXPIRED: {
    code: ErrorCode.UNAUTHENTICATED,
    description:
      'The bearer token has expired (it lasts `AUTH_TOKEN_TTL_SECONDS`): sign in again and repeat the request; nothing else is wrong.',
  },
  TOKEN_INVALID: {
    code: ErrorCode.UNAUTHENTICATED,
    description:
      'The bearer token is not one Tessera issued (cut short, altered, signed with another secret) or its account no longer exists: drop it and sign in.',
  },
  SESSION_ENDED: {
    code: ErrorCode.UNAUTHENTICATED,
    description:
      "The token was issued before the account's password was changed or reset, which ends every earlier session: sign in with the new password.",
  },
  WRONG_CREDENTIALS: {
    code: ErrorCode.UNAUTHENTICATED,
    description:
      'The e-mail and the password do not match an account (`login`, or `acceptInvitation` for an existing account): ask the person to type them again.',
  },
  API_KEY_INVALID: {
    code: ErrorCode.UNAUTHENTICATED,
    description: 'The API key is not one Tessera knows (mistyped, cut short or made up): check the key the system sends.',
  },
  API_KEY_REVOKED: {
    code: ErrorCode.UNAUTHENTICATED,
    description: 'The API key was revoked by an admin: the system needs a new key (`createApiKey`).',
  },
  NOT_FOUND: {
    code: ErrorCode.NOT_FOUND,
    description:
      'No code is spelled like that (`redeemCode`, `registerWithCode`): check it for typos; case, spaces and hyphens do not matter.',
  },
  REDEEMED: {
    code: ErrorCode.CONFLICT,
    description: 'The code has been used: use or send another one. To void it, revoke its access first.',
  },
  VOID: {
    code: ErrorCode.CONFLICT,
    description: 'The code was withdrawn (voided): it can no longer be used, sent or changed.',
  },
  EXPIRED: {
    code: ErrorCode.CONFLICT,
    description:
      "The code, the invitation or the membership invitation has expired: ask the organisation for a new one (an admin may change a code's expiry).",
  },
  HELD_BY_INVITATION: {
    code: ErrorCode.CONFLICT,
    description: 'The code is held by a pending e-mail invitation: accept that invitation through its link, or use another code.',
  },
  CONTRACT_NOT_ACTIVE: {
    code: ErrorCode.CONFLICT,
    description: 'The contract behind the code has not started, has ended or is archived, so the code cannot be used now.',
  },
  NOT_AVAILABLE: {
    code: ErrorCode.CONFLICT,
    description:
      'The code or seat was taken or withdrawn while this ran (a simultaneous redemption, invitation or void): reload and pick another.',
  },
  PARTICIPANT_CODE: {
    code: ErrorCode.CONFLICT,
    description: "The code is a contract participant's own: only they redeem it; it is not sent, and no one else is invited with it.",
  },
  NOT_ENOUGH_SEATS: {
    code: ErrorCode.CONFLICT,
    description:
      'Fewer free seats of the price than asked for (`extensions.requested`, `extensions.available`): nothing was done; ask for fewer.',
  },
  RECIPIENT_ALREADY_REDEEMED: {
    code: ErrorCode.CONFLICT,
    description: 'The recipient (`extensions.field`) has already redeemed a code of this organisation: send the code to someone else.',
  },
  PARTICIPANT_HAS_CODE: {
    code: ErrorCode.CONFLICT,
    description: 'The participant has a code already (`extensions.codeId`): void that code to give them a new one.',
  },
  ORDER_TOO_LARGE: {
    code: ErrorCode.CONFLICT,
    description:
      "The codes for the order's seats cannot be made (more than one generation may make, or too many to stay unguessable): the order was not recorded; report it as smaller orders.",
  },
  ALREADY_HAS_ACCESS: {
    code: ErrorCode.CONFLICT,
    description:
      'The person has access to this product already (through this or another organisation): there is nothing to give; extend the access they have.',
  },
  REVOKED: {
    code: ErrorCode.CONFLICT,
    description: 'The access was revoked, or the invitation withdrawn, by the organisation: give a new seat or send a new invitation.',
  },
  ACCOUNT_EXISTS: {
    code: ErrorCode.CONFLICT,
    description:
      'An account has this e-mail address already (`extensions.field`): sign in with it (a forgotten password can be reset), or use another address.',
  },
  LINK_EXPIRED: {
    code: ErrorCode.CONFLICT,
    description: 'The set-password link has expired or has been used: ask for a new one (`requestPasswordReset`).',
  },
  ACCEPTED: {
    code: ErrorCode.CONFLICT,
    description: 'The invitation (or membership invitation) has been accepted already: sign in to see what it gave.',
  },
  INVALIDATED: {
    code: ErrorCode.CONFLICT,
    description:
      'Someone else accepted an invitation for the same seat first: the seat is gone; ask the organisation for a new invitation.',
  },
  SLUG_TAKEN: {
    code: ErrorCode.CONFLICT,
    description: 'Another organisation has this slug (`extensions.field`): choose another; with no slug given, try again.',
  },
  ALREADY_MEMBER: {
    code: ErrorCode.CONFLICT,
    description: 'The person is a member of the organisation already: change their role instead.',
  },
  LAST_ADMIN: {
    code: ErrorCode.CONFLICT,
    description: 'The organisation would be left without an admin: make someone else admin first.',
  },
  CONTRACT_ARCHIVED: {
    code: ErrorCode.CONFLICT,
    description: 'The contract is archived: it, its participants and its codes no longer change, and no codes are made for it.',
  },
  PRICE_CODE_TAKEN: {
    code: ErrorCode.CONFLICT,
    description: 'Another price of the product has this price code (`extensions.field`): choose another.',
  },
  EXTERNAL_REFERENCE_REUSED: {
    code: ErrorCode.CONFLICT,
    description:
      'An order with this `externalReference` is recorded with another price or quantity (`extensions.orderId`): a repeated report sends the same values; a new order needs a new reference.',
  },
  PARTICIPANTS_CHANGED: {
    code: ErrorCode.CONFLICT,
    description:
      'Participants changed, were removed or got a code since the file was checked (`extensions.changed`): download the list and upload it again.',
  },
  IMPORT_HAS_PROBLEMS: {
    code: ErrorCode.CONFLICT,
    description: "The uploaded file has problems (the import's `problems`, or `extensions.problems`): fix the file and upload it again.",
  },
  IMPORT_RUNNING: {
    code: ErrorCode.CONFLICT,
    description: 'The import is being carried out already: follow its progress.',
  },
  IMPORT_COMPLETED: {
    code: ErrorCode.CONFLICT,
    description: 'The import has been carried out already: there is nothing more to do.',
  },
  IMPORT_FAILED: {
    code: ErrorCode.CONFLICT,
    description: 'The import failed (its `error` says why) and wrote nothing: upload the file again.',
  },
  MESSAGE_STILL_SENDING: {
    code: ErrorCode.CONFLICT,
    description: 'The message is still queued or being retried: wait until it is sent or has failed, then send it again.',
  },
  CONCURRENT_CHANGE: {
    code: ErrorCode.CONFLICT,
    description:
      'The operation collided with a simultaneous change of the same data and was undone (`extensions.retryable`): send it again.',
  },
} as const satisfies Record<ErrorReason, { code: ErrorCode; description: string }>;

/** The reasons that come with `code`: UnauthenticatedError takes only ErrorReasonOf<ErrorCode.UNAUTHENTICATED>, and so on. */
export type ErrorReasonOf<Code extends ErrorCode> = {
  [Reason in ErrorReason]: (typeof ERROR_REASONS)[Reason]['code'] extends Code ? Reason : never;
}[ErrorReason];

registerEnumType(ErrorReason, {
  name: 'ErrorReason',
  description:
    'Why an operation was refused, in `extensions.reason` of an error beside its `extensions.code`: the cases a client may branch on. Each value says the code it comes with.',
  valuesMap: Object.fromEntries(
    Object.values(ErrorReason).map((reason) => {
      const { code, description } = ERROR_REASONS[reason];
      return [reason, { description: `${code}: ${description}` }];
    }),
  ),
});
