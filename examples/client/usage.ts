// A browser client as a frontend team writes one: the documents and types come from
// `npm run codegen` (codegen.ts), the transport is plain fetch. CI type-checks this file, so a
// schema change that breaks what a frontend does with an example operation fails the build.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import {
  CodesDocument,
  GenerationProgressDocument,
  LoginDocument,
  MeDocument,
  RegistrationCodeDocument,
  UploadSeatAssignmentsDocument,
  type CodeStatus,
  type CodesQuery,
  type GenerationProgressSubscription,
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

/** A Tessera endpoint, signed in or not. `request` sends one typed operation and returns its data. */
export class TesseraClient {
  constructor(
    readonly endpoint = '/graphql',
    private readonly token?: string,
  ) {}

  withToken(token: string): TesseraClient {
    return new TesseraClient(this.endpoint, token);
  }

  /** A `File` or `Blob` among the variables makes it a multipart upload. */
  async request<Result, Variables extends Record<string, unknown>>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
  ): Promise<Result> {
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token}` } : {};
    const operation = { query: print(document), variables };
    const files = Object.entries(variables).filter((entry): entry is [string, Blob] => entry[1] instanceof Blob);
    let body: BodyInit;
    if (files.length > 0) {
      // The GraphQL multipart request spec: the file's variable is null in `operations`, `map` says
      // where each part goes. Tessera refuses an upload without this header (CSRF).
      headers['apollo-require-preflight'] = 'true';
      const form = new FormData();
      const nulls = Object.fromEntries(files.map(([name]) => [name, null]));
      form.append('operations', JSON.stringify({ ...operation, variables: { ...variables, ...nulls } }));
      form.append('map', JSON.stringify(Object.fromEntries(files.map(([name], index) => [String(index), [`variables.${name}`]]))));
      files.forEach(([, file], index) => form.append(String(index), file));
      body = form;
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(operation);
    }
    const response = await fetch(this.endpoint, { method: 'POST', headers, body });
    const answer = (await response.json()) as { data?: Result | null; errors?: TesseraErrorEntry[] };
    if (answer.errors?.length || !answer.data) throw new TesseraError(answer.errors ?? [{ message: `HTTP ${response.status}` }]);
    return answer.data;
  }
}

/** Signs in; the client it returns sends the token. Also the organisations the person administers. */
export async function signIn(api: TesseraClient, email: string, password: string): Promise<{ api: TesseraClient; adminOf: string[] }> {
  const { login } = await api.request(LoginDocument, { email, password });
  const signedIn = api.withToken(login.accessToken);
  const { me } = await signedIn.request(MeDocument, {});
  const adminOf = me.memberships.filter((membership) => membership.role === 'ORG_ADMIN').map((membership) => membership.organization.id);
  return { api: signedIn, adminOf };
}

type CodeNode = CodesQuery['codes']['edges'][number]['node'];

/** Every available code of a price, page by page (`pageInfo.endCursor` into `after`). */
export async function availableCodes(api: TesseraClient, organizationId: string, priceId: string): Promise<CodeNode[]> {
  const codes: CodeNode[] = [];
  let after: string | null = null;
  do {
    const page: CodesQuery = await api.request(CodesDocument, { organizationId, priceId, after });
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
export async function describeRegistrationCode(api: TesseraClient, code: string): Promise<string> {
  const { registrationCode } = await api.request(RegistrationCodeDocument, { code });
  if (!registrationCode.usable) return `This code cannot be used (${registrationCode.reason ?? 'unknown reason'}).`;
  return `Registers you for ${registrationCode.product?.name ?? 'the product'}.`;
}

/** Uploads a CSV of people for seats; the answer is a report, nothing is written yet. */
export async function checkSeatAssignments(
  api: TesseraClient,
  organizationId: string,
  priceId: string,
  file: File,
): Promise<UploadSeatAssignmentsMutation['uploadSeatAssignments']['problems']> {
  const { uploadSeatAssignments } = await api.request(UploadSeatAssignmentsDocument, { organizationId, priceId, file });
  return uploadSeatAssignments.problems;
}

type BatchStep = GenerationProgressSubscription['codeBatchProgress'];

/**
 * Live progress of a background generation, for a progress bar without polling: a subscription over
 * WebSocket (graphql-ws), signed in with the same token (or API key) as HTTP, in connectionParams.
 * `onStep` gets the batch as it stands, then every step (5 % at most, createdCount rising); the
 * promise resolves with the final batch (COMPLETED or FAILED). A refusal (FORBIDDEN, NOT_FOUND)
 * rejects with a TesseraError; a refused connection (close code 4401, reason `TOKEN_EXPIRED: …`)
 * with its close event.
 */
export function followGeneration(
  socketUrl: string, // wss://tessera.example.com/graphql
  accessToken: string,
  batchId: string,
  onStep: (batch: BatchStep) => void,
): Promise<BatchStep> {
  const client = createClient({ url: socketUrl, connectionParams: { authorization: `Bearer ${accessToken}` } });
  let last: BatchStep | undefined;
  return new Promise<BatchStep>((resolve, reject) => {
    client.subscribe<GenerationProgressSubscription>(
      { query: print(GenerationProgressDocument), variables: { batchId } },
      {
        next: ({ data, errors }) => {
          if (errors?.length || !data) return reject(new TesseraError((errors ?? []) as TesseraErrorEntry[]));
          last = data.codeBatchProgress;
          onStep(last);
        },
        error: reject,
        complete: () => (last ? resolve(last) : reject(new TesseraError([{ message: 'The subscription ended without the batch.' }]))),
      },
    );
  }).finally(() => client.dispose());
}

// What the compiler refuses: each line below must stay an error, or the types have gone loose.
export async function refusedByTheCompiler(api: TesseraClient): Promise<void> {
  // @ts-expect-error a UUID variable is a string
  await api.request(CodesDocument, { organizationId: 42 });
  // @ts-expect-error organizationId is required
  await api.request(CodesDocument, { priceId: 'a price' });
  // @ts-expect-error an upload takes a File or Blob, not its text
  await api.request(UploadSeatAssignmentsDocument, { organizationId: 'o', priceId: 'p', file: 'email\n' });
  const { codes } = await api.request(CodesDocument, { organizationId: 'o' });
  // @ts-expect-error the example selects displayCode, not code
  void codes.edges[0]?.node.code;
}
