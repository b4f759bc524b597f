import { TestApp } from '@tessera/testing';

/** A web app on another origin calls the API from a browser only when CORS_ORIGINS names it. */
describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(`${url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  describe('with CORS_ORIGINS set', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.create({ env: { CORS_ORIGINS: 'https://app.example.test, https://admin.example.test' } });
    });
    afterAll(() => t.close());

    it('lets a named origin send a token and read the answer and its request id', async () => {
      const answer = await preflight(t.url, 'https://admin.example.test');
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://admin.example.test');
      expect(answer.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();

      const query = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { origin: 'https://app.example.test', 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
      expect(query.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
      expect(query.headers.get('access-control-expose-headers')).toContain('x-request-id');
    });

    it('gives any other origin no permission', async () => {
      const answer = await preflight(t.url, 'https://evil.example.test');
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('by default', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.create();
    });
    afterAll(() => t.close());

    it('allows no other origin: the browser keeps the answer from the page', async () => {
      const answer = await preflight(t.url, 'https://app.example.test');
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});
