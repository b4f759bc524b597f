import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  getNamedType,
  GraphQLField,
  GraphQLObjectType,
  GraphQLSchema,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLOutputType,
} from 'graphql';

/**
 * A frontend wants the object, not its id (DESIGN.md, GraphQL conventions): a field naming another
 * object's id has the object beside it, and every object with an id can be fetched by it. Read from
 * the committed schema.gql, which CI keeps current.
 */
const schema = buildSchema(readFileSync(join(__dirname, '..', '..', 'schema.gql'), 'utf8'));

/** Id fields whose object goes by another name, because the plain one was taken before the object came. */
const OBJECT_NAMED_OTHERWISE: Record<string, string> = {
  'AccessGrant.codeId': 'redeemedCode', // `code` is the code as people read it (a String), kept for the clients that read it
  'CodeSend.messageId': 'delivery', // `message` is the sender's text in the mail
};

/** Id fields with no object beside them, each with the reason. */
const NO_OBJECT: Record<string, string> = {
  'DeleteWebhookEndpointPayload.deletedWebhookEndpointId': 'the endpoint is gone: its id is all that is left to give',
  'Message.providerMessageId': "the mail server's own id of the message, no object of Tessera's",
  'WebhookDelivery.eventId': 'the public event is no object of the schema: `payload` is its body, this id its `webhook-id` header',
};

/** Object types with an id that no query fetches by it, each with the reason. */
const NOT_FETCHED_BY_ID: Record<string, string> = {
  InventoryGroup: 'a count of codes grouped by price or batch, whose id is that price’s or batch’s (null: none)',
};

const ROOTS = ['Query', 'Mutation', 'Subscription'];

function objectTypes(of: GraphQLSchema): GraphQLObjectType[] {
  return Object.values(of.getTypeMap()).filter(
    (type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__') && !ROOTS.includes(type.name),
  );
}

/** `userId` → `user`, `sentByUserId` → `sentBy` (a person is a User), `codeIds` → `codes`. */
function objectNamesFor(idField: string): string[] {
  const plural = idField.endsWith('Ids');
  const base = idField.slice(0, plural ? -3 : -2);
  const bases = base.endsWith('User') && base !== 'User' ? [base, base.slice(0, -'User'.length)] : [base];
  return plural ? bases.flatMap((name) => [`${name}s`, `${name}es`]) : bases;
}

/** An object for `xId`; for `xIds`, a list of objects or a connection. */
function holdsObjects(type: GraphQLOutputType, plural: boolean): boolean {
  const nullable = isNonNullType(type) ? type.ofType : type;
  if (!plural) return isObjectType(nullable);
  if (isListType(nullable)) return isObjectType(getNamedType(nullable));
  return isObjectType(nullable) && 'edges' in nullable.getFields();
}

/** `Type.field` for each field ending in Id or Ids with no object beside it. */
function idsWithoutObjects(of: GraphQLSchema): string[] {
  return objectTypes(of).flatMap((type) => {
    const fields = type.getFields();
    return Object.keys(fields)
      .filter((name) => /[a-z]Ids?$/.test(name))
      .map((name) => `${type.name}.${name}`)
      .filter((path) => !NO_OBJECT[path])
      .filter((path) => {
        const name = path.slice(path.indexOf('.') + 1);
        const candidates = OBJECT_NAMED_OTHERWISE[path] ? [OBJECT_NAMED_OTHERWISE[path]] : objectNamesFor(name);
        const beside: GraphQLField<unknown, unknown> | undefined = candidates.map((candidate) => fields[candidate]).find(Boolean);
        return !beside || !holdsObjects(beside.type, name.endsWith('Ids'));
      });
  });
}

/** Object types with an `id` that no query returns when given an `id` argument. */
function notFetchedById(of: GraphQLSchema): string[] {
  const queries = Object.values(of.getQueryType()?.getFields() ?? {});
  return objectTypes(of)
    .filter((type) => 'id' in type.getFields() && !NOT_FETCHED_BY_ID[type.name])
    .filter((type) => !queries.some((query) => getNamedType(query.type) === type && query.args.some((arg) => arg.name === 'id')))
    .map((type) => type.name);
}

describe('objects, not ids (schema.gql)', () => {
  it('offers the object beside every field naming an id: `xId` has `x`, `xIds` has `xs`', () => {
    expect(idsWithoutObjects(schema)).toEqual([]);
  });

  it('fetches every object with an id by that id', () => {
    expect(notFetchedById(schema)).toEqual([]);
  });

  it('names only fields and types that exist in its exceptions, so none outlives its reason', () => {
    const fieldExists = (path: string) => {
      const [type, field] = path.split('.');
      const found = schema.getType(type);
      return isObjectType(found) && field in found.getFields();
    };
    expect([...Object.keys(OBJECT_NAMED_OTHERWISE), ...Object.keys(NO_OBJECT)].filter((path) => !fieldExists(path))).toEqual([]);
    expect(Object.keys(NOT_FETCHED_BY_ID).filter((name) => !schema.getType(name))).toEqual([]);
  });

  it('catches an id field whose object is missing, and an object no query fetches', () => {
    const bare = buildSchema(`
      type Query { widget(id: ID!): Widget }
      type Widget { id: ID! ownerId: ID! owner: Owner partIds: [ID!]! sentByUserId: ID sentBy: Owner }
      type Owner { id: ID! name: String! }
    `);
    expect(idsWithoutObjects(bare)).toEqual(['Widget.partIds']);
    expect(notFetchedById(bare)).toEqual(['Owner']);
  });
});
