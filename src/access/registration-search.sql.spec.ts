import { GrantStatus } from './entities/access-grant.entity';
import { RegistrationSearchSql, SEARCH_COUNT_CAP, searchPatterns } from './registration-search.sql';

const ORG = '01890a5d-ac96-774b-bcce-b302099a8057';
const AFTER = '01890a5d-ac96-774b-bcce-b302099a8058';

describe('RegistrationSearchSql', () => {
  it('compares a code as typed in canonical form and text fields literally', () => {
    expect(searchPatterns('ab-cd 12')).toEqual({ canonical: 'ABCD12', codePart: '%ABCD12%', text: '%ab-cd 12%' });
    expect(searchPatterns('50%_off')).toMatchObject({ text: '%50\\%\\_off%' });
    expect(searchPatterns('--')).toMatchObject({ canonical: '', codePart: '%--%' });
  });

  it('numbers its parameters in the order it binds them, the filter first', () => {
    const search = new RegistrationSearchSql({ organizationId: ORG, status: [GrantStatus.REVOKED], userId: 'u' }, 'mia');
    const { sql, params } = search.matchesQuery(AFTER, 21);
    expect(params).toEqual([ORG, 'u', 'MIA', '%MIA%', '%mia%', AFTER]);
    expect(sql).toContain(`g.organization_id = $1 AND (g.status = 'REVOKED') AND g.user_id = $2`);
    expect(sql).toContain('WHERE id > $6 ORDER BY id LIMIT 21');
    expect(sql).toContain(`LIMIT ${SEARCH_COUNT_CAP + 1}`);
  });

  it('walks by id after the cursor for the page past the cap', () => {
    const { sql, params } = new RegistrationSearchSql({ organizationId: ORG }, 'mia').pageQuery(AFTER, 11);
    expect(params).toEqual([ORG, 'MIA', '%MIA%', '%mia%', AFTER]);
    expect(sql).toContain('AND g.id > $5');
    expect(sql).toMatch(/ORDER BY g\.id LIMIT 11\s*$/);
  });
});
