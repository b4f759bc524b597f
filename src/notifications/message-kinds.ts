import { registerEnumType } from '@nestjs/graphql';

export enum MessageKind {
  CODE_SENT = 'CODE_SENT',
  INVITATION = 'INVITATION',
  ACCOUNT_CREATED = 'ACCOUNT_CREATED',
  REGISTRATION_CONFIRMED = 'REGISTRATION_CONFIRMED',
  ACCESS_REVOKED = 'ACCESS_REVOKED',
  ACCESS_EXTENDED = 'ACCESS_EXTENDED',
  ACCESS_EXPIRED = 'ACCESS_EXPIRED',
  SET_PASSWORD = 'SET_PASSWORD',
  GUESSING_LIMIT_REACHED = 'GUESSING_LIMIT_REACHED',
  JOIN_INVITATION = 'JOIN_INVITATION',
  VERIFY_EMAIL = 'VERIFY_EMAIL',
  WEBHOOK_ENDPOINT_DISABLED = 'WEBHOOK_ENDPOINT_DISABLED',
}

registerEnumType(MessageKind, {
  name: 'MessageKind',
  description: 'The e-mails Tessera sends; each has its own template and variables.',
  valuesMap: {
    CODE_SENT: { description: 'A code sent to a person, with the sender’s optional message.' },
    INVITATION: { description: 'An invitation with its accept link.' },
    ACCOUNT_CREATED: { description: 'An account made for a person, with a one-time set-password link (never a password).' },
    REGISTRATION_CONFIRMED: { description: 'A code redeemed: access confirmed.' },
    ACCESS_REVOKED: { description: 'Access removed by an admin.' },
    ACCESS_EXTENDED: { description: 'Access dates changed.' },
    ACCESS_EXPIRED: { description: 'Access ended on its end date (sent when ACCESS_EXPIRY_MAIL is on).' },
    SET_PASSWORD: { description: 'A link to set a new password.' },
    GUESSING_LIMIT_REACHED: {
      description: 'To platform admins: someone used up the guessing budget for codes (once per window and limit; never a code).',
    },
    JOIN_INVITATION: {
      description:
        "An organisation's invitation to join it, sent to an existing account by the platform (its own text, never an organisation's).",
    },
    VERIFY_EMAIL: { description: 'A link that confirms an account’s address by choosing its password (platform text).' },
    WEBHOOK_ENDPOINT_DISABLED: {
      description:
        "To an organisation's admins (a platform endpoint: the platform admins): a webhook endpoint was disabled after failing too long (platform text; never its secret).",
    },
  },
});

/** Variables every message offers, with the sample values previews use. */
const COMMON = {
  'recipient.firstName': 'Ada',
  'recipient.lastName': 'Okafor',
  'recipient.email': 'ada.okafor@example.test',
  'organization.name': 'Harbour Booking',
};

/**
 * What each kind of message may use. Nothing else reaches a template — in particular never a
 * code's admin comment, which is for the organisation's admins only, and never a link that controls
 * an account (see ACCOUNT_LINKS).
 */
export const MESSAGE_VARIABLES: Record<MessageKind, Record<string, string>> = {
  CODE_SENT: { ...COMMON, code: 'HB-K7M2-Q9XB', 'product.name': 'Sailing course', message: 'Welcome aboard — see you on Monday!' },
  INVITATION: {
    ...COMMON,
    'product.name': 'Sailing course',
    message: 'Join us!',
    expiresAt: '2026-12-31',
  },
  ACCOUNT_CREATED: {
    ...COMMON,
    expiresAt: '2026-12-31',
    'product.name': 'Sailing course',
  },
  REGISTRATION_CONFIRMED: {
    ...COMMON,
    'product.name': 'Sailing course',
    accessEndsAt: '2027-03-01',
    signInUrl: 'https://tessera.example/sign-in',
  },
  ACCESS_REVOKED: { ...COMMON, 'product.name': 'Sailing course', reason: 'The course was cancelled.' },
  ACCESS_EXTENDED: { ...COMMON, 'product.name': 'Sailing course', accessEndsAt: '2027-06-01' },
  ACCESS_EXPIRED: { ...COMMON, 'product.name': 'Sailing course', accessEndsAt: '2027-06-01' },
  SET_PASSWORD: { ...COMMON, expiresAt: '2026-12-31' },
  GUESSING_LIMIT_REACHED: {
    ...COMMON,
    'guess.path': 'IMPORT',
    'guess.actor': 'person mallory@example.test',
    'guess.clientAddress': '203.0.113.7',
    'guess.organization': 'Harbour Booking',
    'guess.limits': 'person, client address',
    'guess.retryAfterMinutes': '15',
  },
  JOIN_INVITATION: { ...COMMON, expiresAt: '2026-12-31' },
  VERIFY_EMAIL: { ...COMMON, expiresAt: '2026-12-31' },
  WEBHOOK_ENDPOINT_DISABLED: {
    ...COMMON,
    'endpoint.id': '01900000-0000-7000-8000-0000000020a1',
    'endpoint.address': 'https://hooks.example.test/tessera',
    'endpoint.failingSince': '2026-02-25',
    'endpoint.disableAfterDays': '5',
  },
};

/**
 * The link of a kind that controls an account (accepting an invitation sets up or joins an
 * account; a set-password link sets its password). Tessera renders it in a block of its own at the
 * top of the mail, before anything a template places, and never hands it to a template: whoever
 * edits an organisation's texts cannot move it into an image address or take it apart. Every kind
 * says whether it has one, so a new kind cannot forget to decide.
 */
export const ACCOUNT_LINKS: Record<MessageKind, { label: string } | null> = {
  CODE_SENT: null,
  INVITATION: { label: 'Accept the invitation' },
  ACCOUNT_CREATED: { label: 'Set your password' },
  REGISTRATION_CONFIRMED: null,
  ACCESS_REVOKED: null,
  ACCESS_EXTENDED: null,
  ACCESS_EXPIRED: null,
  SET_PASSWORD: { label: 'Set your password' },
  GUESSING_LIMIT_REACHED: null,
  JOIN_INVITATION: { label: 'Join the organisation' },
  VERIFY_EMAIL: { label: 'Confirm your address' },
  WEBHOOK_ENDPOINT_DISABLED: null,
};

/**
 * Tessera's own messages: about a person's account itself (which may belong to several
 * organisations) or for the platform's admins. They always use the default text; no organisation
 * lists, previews or edits them.
 */
export const PLATFORM_KINDS: ReadonlySet<MessageKind> = new Set([
  MessageKind.SET_PASSWORD,
  MessageKind.GUESSING_LIMIT_REACHED,
  MessageKind.JOIN_INVITATION,
  MessageKind.VERIFY_EMAIL,
  MessageKind.WEBHOOK_ENDPOINT_DISABLED,
]);

/** What previews show in place of a real account link. */
export const SAMPLE_ACCOUNT_LINK = 'https://tessera.example/link-for-the-recipient-only';

/** Dotted sample variables as the nested object a template renders with. */
export function sampleData(kind: MessageKind): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(MESSAGE_VARIABLES[kind])) {
    const keys = path.split('.');
    let node = data;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys.at(-1)!] = value;
  }
  return data;
}
