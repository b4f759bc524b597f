import { BadUserInputError, ErrorCode } from '../errors/app-error';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, pageSize, toConnection } from './connection';

const ID = '01890a5d-ac96-774b-bcce-b302099a8057';

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('cursors', () => {
  it('round-trips an id through encodeCursor/decodeCursor', () => {
    const cursor = encodeCursor(ID);
    expect(cursor).not.toContain(ID);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/); // base64url: safe in URLs and JSON without escaping
    expect(decodeCursor(cursor)).toBe(ID);
  });

  it('gives different ids different cursors', () => {
    expect(encodeCursor(ID)).not.toBe(encodeCursor('01890a5d-ac96-774b-bcce-b302099a8058'));
  });

  it.each([
    ['an empty string', ''],
    ['random base64', Buffer.from('hello world, not a cursor').toString('base64')],
    ['random bytes', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]).toString('base64url')],
    ['a bare id without the cursor prefix', Buffer.from(ID).toString('base64url')],
    ['a cursor with a non-UUID id', encodeCursor('42')],
    ['a cursor with SQL in the id', encodeCursor(`${ID}' OR 1=1 --`)],
    ['a cursor with a wrong prefix', Buffer.from(`c2:${ID}`).toString('base64url')],
    ['not base64 at all', '!!!***'],
  ])('rejects %s with BAD_USER_INPUT on field "after"', (_label, cursor) => {
    const error = errorOf(() => decodeCursor(cursor));
    expect(error).toBeInstanceOf(BadUserInputError);
    const input = error as BadUserInputError;
    expect(input.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(input.fields).toEqual([{ field: 'after', message: expect.any(String) }]);
  });
});

describe('toConnection', () => {
  const ids = ['01890a5d-ac96-774b-bcce-b302099a8051', '01890a5d-ac96-774b-bcce-b302099a8052', '01890a5d-ac96-774b-bcce-b302099a8053'];

  it('keeps `first` rows and says another page follows when one row more came back', () => {
    const page = toConnection(ids, 2, 7, (id) => id);
    expect(page.edges.map((edge) => edge.node)).toEqual(ids.slice(0, 2));
    expect(page.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: encodeCursor(ids[0]),
      endCursor: encodeCursor(ids[1]),
    });
    expect(page.totalCount).toBe(7);
  });

  it('ends on the last page, and an empty page has no cursors', () => {
    expect(toConnection(ids, 3, 3, (id) => id).pageInfo.hasNextPage).toBe(false);
    expect(toConnection([], 3, 0, (id: string) => id).pageInfo).toMatchObject({ startCursor: null, endCursor: null, hasNextPage: false });
  });

  it('keeps page sizes within 1 and the cap', () => {
    expect(pageSize({ first: 0 })).toBe(1);
    expect(pageSize({ first: 10_000 })).toBe(MAX_PAGE_SIZE);
  });
});
