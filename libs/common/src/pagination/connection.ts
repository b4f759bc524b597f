import { Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, Max, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadUserInputError } from '../errors/app-error';
import { isUuid } from '../ids';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ description: 'Where a page of a connection stands (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page.' })
  hasNextPage: boolean;

  @Field({ description: 'Always false: connections page forwards only.' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge of the page.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; pass it as `after` for the next page.' })
  endCursor: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `How many items to return (1–${MAX_PAGE_SIZE}).`,
  })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'Return the items after this cursor (`pageInfo.endCursor`).' })
  @IsOptional()
  @IsString()
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Builds the `XConnection` and `XEdge` object types for a node type. */
export function Connection<T>(nodeType: Type<T>, name = nodeType.name): Type<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a connection, with its cursor.` })
  class EdgeType {
    @Field({ description: 'Opaque cursor of this edge.' })
    cursor: string;

    @Field(() => nodeType, { description: `The ${name}.` })
    node: T;
  }

  @ObjectType({ isAbstract: true })
  class ConnectionType {
    @Field(() => [EdgeType], { description: 'The items of this page.' })
    edges: EdgeType[];

    @Field(() => PageInfo, { description: 'Paging information.' })
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'How many items match the filter across all pages.' })
    totalCount: number;
  }
  return ConnectionType as Type<ConnectionShape<T>>;
}

const CURSOR_PREFIX = 'c1:';

export function encodeCursor(id: string): string {
  return Buffer.from(CURSOR_PREFIX + id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith(CURSOR_PREFIX) ? decoded.slice(CURSOR_PREFIX.length) : '';
  if (!isUuid(id) || id !== id.toLowerCase()) throw BadUserInputError.field('after', 'is not a cursor this API gave out.');
  return id;
}

/** The page size asked for, kept within 1 and MAX_PAGE_SIZE. */
export function pageSize(args: Pick<PageArgs, 'first'>): number {
  return Math.min(Math.max(args.first ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
}

/**
 * A connection from one page fetched with one row more than `first` (which says whether another
 * page follows); the cursor of each node is its key (`cursorKey`).
 */
export function toConnection<T>(rows: T[], first: number, totalCount: number, cursorKey: (node: T) => string): ConnectionShape<T> {
  const edges = rows.slice(0, first).map((node) => ({ cursor: encodeCursor(cursorKey(node)), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * Keyset pagination over UUIDv7 ids (time-ordered, so "by id" is "by creation"): oldest first, or
 * newest first for logs. The query builder carries the filter; this adds the cursor, order and
 * limit, and counts the filtered set.
 */
export async function paginate<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  args: PageArgs,
  order: { newestFirst?: boolean } = {},
): Promise<ConnectionShape<T>> {
  const alias = query.alias;
  const first = pageSize(args);
  const page = query
    .clone()
    .orderBy(`${alias}.id`, order.newestFirst ? 'DESC' : 'ASC')
    .take(first + 1);
  if (args.after) page.andWhere(`${alias}.id ${order.newestFirst ? '<' : '>'} :afterCursorId`, { afterCursorId: decodeCursor(args.after) });
  const [rows, totalCount] = await Promise.all([page.getMany(), query.clone().getCount()]);
  return toConnection(rows, first, totalCount, (node) => node.id);
}
