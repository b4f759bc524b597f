import { registerEnumType } from '@nestjs/graphql';

/**
 * Every `extensions.reason` the API answers with: what a client branches on where `extensions.code`
 * (the design's small set) is not enough. One enum, printed in schema.gql, so typed clients get it.
 */
export enum ErrorReason {
  /** The query asks for more than GRAPHQL_MAX_COST: smaller pages or fewer nested lists (`cost`, `limit`). */
  QUERY_TOO_COSTLY = 'QUERY_TOO_COSTLY',
  /** The query nests deeper than GRAPHQL_MAX_DEPTH (`depth`, `limit`). */
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  /** The query has more aliases than GRAPHQL_MAX_ALIASES (`aliases`, `limit`). */
  TOO_MANY_ALIASES = 'TOO_MANY_ALIASES',
  /** The document is longer than GRAPHQL_MAX_TOKENS tokens (`limit`). */
  TOO_MANY_TOKENS = 'TOO_MANY_TOKENS',
  /** The document does not parse or does not fit the schema (an unknown field or argument, …), or the request holds no operation. */
  INVALID_QUERY = 'INVALID_QUERY',
  /** A request a browser could send cross-site without a preflight: send JSON or an apollo-require-preflight header. */
  CSRF_REFUSED = 'CSRF_REFUSED',
}

registerEnumType(ErrorReason, {
  name: 'ErrorReason',
  description:
    'Why an operation was refused, in `extensions.reason` of an error beside its `extensions.code`: the cases a client may branch on.',
  valuesMap: {
    QUERY_TOO_COSTLY: {
      description:
        'BAD_USER_INPUT: the query asks for more than the cost limit; `extensions.cost` and `extensions.limit` say how much. Ask for smaller pages or fewer nested lists.',
    },
    QUERY_TOO_DEEP: { description: 'BAD_USER_INPUT: the query nests deeper than allowed (`extensions.depth`, `extensions.limit`).' },
    TOO_MANY_ALIASES: {
      description: 'BAD_USER_INPUT: the query has more aliases than allowed (`extensions.aliases`, `extensions.limit`).',
    },
    TOO_MANY_TOKENS: { description: 'BAD_USER_INPUT: the document is longer than allowed, in tokens (`extensions.limit`).' },
    INVALID_QUERY: {
      description:
        'BAD_USER_INPUT: the document does not parse or does not fit the schema (an unknown field or argument, a wrong literal, …), or the request holds no operation to run.',
    },
    CSRF_REFUSED: {
      description:
        'BAD_USER_INPUT: a request a browser could send cross-site without a preflight; send JSON, or an `apollo-require-preflight` header (uploads always).',
    },
  } satisfies Record<keyof typeof ErrorReason, { description: string }>,
});
