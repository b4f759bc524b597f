import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isUuid } from '../ids';

function parse(value: unknown): string {
  if (typeof value !== 'string' || !isUuid(value)) {
    throw new GraphQLError('Expected a UUID such as 01890a5d-ac96-774b-bcce-b302099a8057.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return value.toLowerCase();
}

/** Ids are UUIDs; a malformed one is the caller's input error, never a database error. */
export const UUIDScalar = new GraphQLScalarType({
  name: 'UUID',
  description: 'A UUID (RFC 9562), e.g. 01890a5d-ac96-774b-bcce-b302099a8057.',
  serialize: (value) => String(value),
  parseValue: parse,
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
});
