// A browser client as a frontend team writes one: the documents and types come from
// `npm run codegen` (codegen.ts), the transport is plain fetch. CI type-checks this file, so a
// schema change that breaks what a frontend does with an example operation fails the build.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import {
  CodesDocument,
  LoginDocument,
  MeDocument,
  RegistrationCodeDocument,
  UploadSeatAssignmentsDocument,
  type CodeStatus,
  type CodesQuery,
  type UploadSeatAssignmentsMutation,
} from './generated/graphql';

/** One entry of a GraphQL answer's `errors` (see the README's "Errors"). */
export interface TesseraErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: {
    code?: string;
    reason?: string;
    fields?: Array<{ field: string; message: string }>;
    retryAfterSeconds?: number;
  };
}

/** A refused operation: branch on `code` (and `fields` for a form). */
export class TesseraError extends Error {
  constructor(readonly errors: TesseraErrorEntry[]) {
    super(errors.map((error) => error.message).join('; '));
  }

  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/** Sends one typed operation; a `File` or `Blob` among the variables goes as a multipart upload. */
export async function request<Result, Variables extends Record<string, unknown>>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  options: { endpoint?: string; token?: string } = {},
): Promise<Result> {
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const operation = { query: print(document), variables };
  const files = Object.entries(variables).filter((entry): entry is [string, Blob] => entry[1] instanceof Blob);
  let body: BodyInit;
  if (files.length > 0) {
    // The GraphQL multipart request spec: the file's variable is null in `operations`, `map` says
    // where each part goes. Tessera refuses an upload without this header (CSRF).
    headers['apollo-require-preflight'] = 'true';
    const form = new FormData();
    form.append(
      'operations',
      JSON.stringify({ ...operation, variables: { ...variables, ...Object.fromEntries(files.map(([name]) => [name, null])) } }),
    );
    form.append('map', JSON.stringify(Object.fromEntries(files.map(([name], index) => [String(index), [`variables.${name}`]]))));
    files.forEach(([, file], index) => form.append(String(index), file));
    body = form;
  } else {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(operation);
  }
  const response = await fetch(options.endpoint ?? '/graphql', { method: 'POST', headers, body });
  const answer = (await response.json()) as { data?: Result | null; errors?: TesseraErrorEntry[] };
  if (answer.errors?.length || !answer.data) throw new TesseraError(answer.errors ?? [{ message: `HTTP ${response.status}` }]);
  return answer.data;
}

/** Signs in, then lists the organisations the person administers. */
export async function signIn(email: string, password: string): Promise<{ token: string; organizationIds: string[] }> {
  const { login } = await request(LoginDocument, { email, password });
  const { me } = await request(MeDocument, {}, { token: login.accessToken });
  const organizationIds = me.memberships
    .filter((membership) => membership.role === 'ORG_ADMIN')
    .map((membership) => membership.organization.id);
  return { token: login.accessToken, organizationIds };
}

type CodeNode = CodesQuery['codes']['edges'][number]['node'];

/** Every available code of a price, page by page (`pageInfo.endCursor` into `after`). */
export async function availableCodes(token: string, organizationId: string, priceId: string): Promise<CodeNode[]> {
  const codes: CodeNode[] = [];
  let after: string | null = null;
  do {
    const page: CodesQuery = await request(CodesDocument, { organizationId, priceId, after }, { token });
    codes.push(...page.codes.edges.map((edge) => edge.node));
    after = page.codes.pageInfo.hasNextPage ? page.codes.pageInfo.endCursor : null;
  } while (after);
  return codes;
}

/** Enums arrive as string unions: a switch over one is checked for completeness. */
export function codeStatusLabel(status: CodeStatus): string {
  switch (status) {
    case 'AVAILABLE':
      return 'Available';
    case 'PENDING':
      return 'Held by an invitation';
    case 'REDEEMED':
      return 'Used';
    case 'VOID':
      return 'Deleted';
  }
}

/** What the registration page shows for a typed code, before the person signs up (no token). */
export async function describeRegistrationCode(code: string): Promise<string> {
  const { registrationCode } = await request(RegistrationCodeDocument, { code });
  if (!registrationCode.usable) return `This code cannot be used (${registrationCode.reason ?? 'unknown reason'}).`;
  return `Registers you for ${registrationCode.product?.name ?? 'the product'}.`;
}

/** Uploads a CSV of people for seats; the answer is a report, nothing is written yet. */
export async function checkSeatAssignments(
  token: string,
  organizationId: string,
  priceId: string,
  file: File,
): Promise<UploadSeatAssignmentsMutation['uploadSeatAssignments']['problems']> {
  const { uploadSeatAssignments } = await request(UploadSeatAssignmentsDocument, { organizationId, priceId, file }, { token });
  return uploadSeatAssignments.problems;
}

// What the compiler refuses: each line below must stay an error, or the types have gone loose.
export async function refusedByTheCompiler(token: string): Promise<void> {
  // @ts-expect-error a UUID variable is a string
  await request(CodesDocument, { organizationId: 42 }, { token });
  // @ts-expect-error organizationId is required
  await request(CodesDocument, { priceId: 'a price' }, { token });
  // @ts-expect-error an upload takes a File or Blob, not its text
  await request(UploadSeatAssignmentsDocument, { organizationId: 'o', priceId: 'p', file: 'email\n' }, { token });
  const { codes } = await request(CodesDocument, { organizationId: 'o' }, { token });
  // @ts-expect-error the example selects displayCode, not code
  void codes.edges[0]?.node.code;
}
