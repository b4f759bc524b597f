import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { BadUserInputError } from '@tessera/common';
import { checkWebhookUrl, FORBIDDEN_TARGET, guardedLookup, isForbiddenAddress, type WebhookTargetOptions } from './webhook-target';

/** A DNS that knows a few names and nothing else. */
function fakeLookup(table: Record<string, string[]>): LookupFunction & jest.Mock {
  return jest.fn((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const addresses: LookupAddress[] = (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (addresses.length === 0) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0].address, addresses[0].family);
  }) as unknown as LookupFunction & jest.Mock;
}

const dns = fakeLookup({
  'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'rebind.example.com': ['93.184.215.14', '127.0.0.1'],
  'internal.example.com': ['127.0.0.1'],
  'metadata.example.com': ['169.254.169.254'],
  'v6local.example.com': ['fd00:ec2::254'],
});
const strict: WebhookTargetOptions = { requireHttps: true, allowPrivateTargets: false, lookup: dns };
const lenient: WebhookTargetOptions = { requireHttps: false, allowPrivateTargets: false, lookup: dns };

async function refusal(url: string, options: WebhookTargetOptions): Promise<string> {
  const error = await checkWebhookUrl(url, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadUserInputError);
  const fields = (error as BadUserInputError).fields;
  expect(fields).toHaveLength(1);
  expect(fields[0].field).toBe('url');
  return fields[0].message;
}

describe('isForbiddenAddress', () => {
  it.each([
    ['127.0.0.1'],
    ['127.255.255.254'],
    ['0.0.0.0'],
    ['0.1.2.3'],
    ['10.0.0.1'],
    ['10.255.255.255'],
    ['172.16.0.1'],
    ['172.31.255.255'],
    ['192.168.1.1'],
    ['169.254.169.254'],
    ['169.254.0.1'],
    ['100.64.0.1'],
    ['100.127.255.255'],
    ['224.0.0.1'],
    ['239.255.255.250'],
    ['255.255.255.255'],
    ['240.0.0.1'],
    ['198.18.0.1'],
    ['::'],
    ['::1'],
    ['[::1]'],
    ['fc00::1'],
    ['fd12:3456::1'],
    ['fd00:ec2::254'],
    ['fe80::1'],
    ['fe80::1%eth0'],
    ['ff02::1'],
    ['::ffff:127.0.0.1'],
    ['::ffff:7f00:1'],
    ['::FFFF:7F00:0001'],
    ['::ffff:10.0.0.1'],
    ['::ffff:a9fe:a9fe'], // 169.254.169.254
    ['::ffff:0.0.0.0'],
    ['::127.0.0.1'], // IPv4-compatible
    ['64:ff9b::7f00:1'], // NAT64 of 127.0.0.1
    ['2002:7f00:1::'], // 6to4 of 127.0.0.1
    ['::ffff:0:127.0.0.1'], // IPv4-translated (SIIT) of 127.0.0.1
    ['::ffff:0:a9fe:a9fe'], // IPv4-translated (SIIT) of 169.254.169.254
    ['64:ff9b:1::a9fe:a9fe'], // local-use NAT64 (RFC 8215): whatever it embeds, a translator of the local network
    ['64:ff9b:1:ffff::808:808'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2'], // Teredo (2001::/23, IETF protocol assignments)
    ['2001:2::1'], // benchmarking
    ['3fff::1'], // documentation (RFC 9637)
    ['5f00::1'], // SRv6 segment identifiers (RFC 9602)
    ['192.88.99.1'], // the former 6to4 relay anycast
    ['not an address'],
    [''],
  ])('forbids %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    ['93.184.215.14'],
    ['8.8.8.8'],
    ['100.63.255.255'],
    ['100.128.0.0'],
    ['172.15.255.255'],
    ['172.32.0.0'],
    ['2606:4700::1111'],
    ['::ffff:93.184.215.14'],
    ['2002:5db8:d70e::'],
    ['::ffff:0:5db8:d70e'], // IPv4-translated of 93.184.215.14
    ['2001:4860:4860::8888'],
  ])('allows the public address %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe('checkWebhookUrl', () => {
  it('accepts a public https URL whose name resolves only to public addresses', async () => {
    await expect(checkWebhookUrl('https://hooks.example.com/tessera?x=1', strict)).resolves.toBeUndefined();
    await expect(checkWebhookUrl('https://93.184.215.14:8443/in', strict)).resolves.toBeUndefined();
  });

  it.each([
    ['not a URL', 'absolute URL'],
    ['/relative/path', 'absolute URL'],
    ['ftp://hooks.example.com/', 'https://'],
    ['javascript:alert(1)', 'https://'],
    ['file:///etc/passwd', 'https://'],
  ])('refuses %s', async (url, message) => {
    expect(await refusal(url, lenient)).toContain(message);
  });

  it('requires https when asked to, and allows http otherwise', async () => {
    expect(await refusal('http://hooks.example.com/', strict)).toContain('https://');
    await expect(checkWebhookUrl('http://hooks.example.com/', lenient)).resolves.toBeUndefined();
  });

  it('refuses credentials in the URL', async () => {
    expect(await refusal('https://user:pass@hooks.example.com/', strict)).toContain('passwords');
    expect(await refusal('https://user@hooks.example.com/', strict)).toContain('passwords');
  });

  it.each([
    ['http://127.0.0.1/'],
    ['http://127.1/'],
    ['http://2130706433/'], // decimal 127.0.0.1
    ['http://0x7f.1/'], // hex
    ['http://0177.0.0.1/'], // octal
    ['http://0x7f000001/'],
    ['http://0.0.0.0/'],
    ['http://0/'],
    ['http://[::]/'],
    ['http://[::1]:8080/'],
    ['http://[::ffff:127.0.0.1]/'],
    ['http://[::ffff:7f00:1]/'],
    ['http://10.1.2.3/'],
    ['http://192.168.0.10/'],
    ['http://172.20.0.1/'],
    ['http://100.64.0.1/'],
    ['http://169.254.169.254/latest/meta-data/'],
    ['http://[fd00:ec2::254]/'],
    ['http://[fe80::1]/'],
    ['http://224.0.0.1/'],
    ['http://255.255.255.255/'],
  ])('refuses the internal address in %s', async (url) => {
    expect(await refusal(url, lenient)).toContain('internal addresses');
  });

  it.each([
    ['http://internal.example.com/'],
    ['http://metadata.example.com/'],
    ['http://v6local.example.com/'],
    ['http://rebind.example.com/'],
  ])('refuses %s, a name that resolves (in part) to an internal address', async (url) => {
    expect(await refusal(url, lenient)).toContain('internal addresses');
  });

  it('refuses a name that does not resolve', async () => {
    expect(await refusal('https://nowhere.example.com/', strict)).toContain('does not resolve');
  });

  it('lets private targets through when allowed, still checking the scheme and credentials', async () => {
    const allowed = { ...lenient, allowPrivateTargets: true };
    await expect(checkWebhookUrl('http://127.0.0.1:4000/hooks', allowed)).resolves.toBeUndefined();
    await expect(checkWebhookUrl('http://internal.example.com/', allowed)).resolves.toBeUndefined();
    await expect(checkWebhookUrl('http://[::1]/', allowed)).resolves.toBeUndefined();
    expect(await refusal('ftp://127.0.0.1/', allowed)).toContain('https://');
    expect(await refusal('http://a:b@127.0.0.1/', allowed)).toContain('passwords');
    expect(await refusal('http://nowhere.example.com/', allowed)).toContain('does not resolve');
  });

  it('refuses an overlong URL', async () => {
    expect(await refusal(`https://hooks.example.com/${'a'.repeat(2100)}`, strict)).toContain('2048');
  });
});

describe('guardedLookup', () => {
  function resolve(lookup: LookupFunction, hostname: string, all: boolean) {
    return new Promise<{ error: NodeJS.ErrnoException | null; result: unknown; family?: number }>((done) => {
      lookup(hostname, { all }, (error, result, family) => done({ error, result, family }));
    });
  }

  it('answers a public name in both callback shapes', async () => {
    const lookup = guardedLookup({ allowPrivateTargets: false, lookup: dns });
    expect(await resolve(lookup, 'hooks.example.com', false)).toEqual({ error: null, result: '93.184.215.14', family: 4 });
    const all = await resolve(lookup, 'hooks.example.com', true);
    expect(all.error).toBeNull();
    expect(all.result).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
  });

  it.each([['internal.example.com'], ['rebind.example.com'], ['metadata.example.com'], ['v6local.example.com']])(
    'fails the connection to %s',
    async (hostname) => {
      const lookup = guardedLookup({ allowPrivateTargets: false, lookup: dns });
      for (const all of [false, true]) {
        const { error } = await resolve(lookup, hostname, all);
        expect(error?.code).toBe(FORBIDDEN_TARGET);
        expect(error?.message).toContain(hostname);
      }
    },
  );

  it('passes a lookup failure on', async () => {
    const { error } = await resolve(guardedLookup({ allowPrivateTargets: false, lookup: dns }), 'nowhere.example.com', false);
    expect(error?.code).toBe('ENOTFOUND');
  });

  it('lets internal addresses through when private targets are allowed', async () => {
    const lookup = guardedLookup({ allowPrivateTargets: true, lookup: dns });
    expect(await resolve(lookup, 'internal.example.com', false)).toEqual({ error: null, result: '127.0.0.1', family: 4 });
  });
});
