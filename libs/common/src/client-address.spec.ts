import { clientNetwork } from './client-address';

describe('clientNetwork', () => {
  it.each([
    ['an IPv4 address', '203.0.113.7', '203.0.113.7'],
    ['a full IPv6 address', '2001:0db8:0000:0001:1111:2222:3333:4444', '2001:db8:0:1::/64'],
    ['a compressed IPv6 address', '2001:db8:0:1::7', '2001:db8:0:1::/64'],
    ['upper-case hex', '2001:DB8:0:1:AB::1', '2001:db8:0:1::/64'],
    ['a prefix compressed into the network part', '2001:db8::1', '2001:db8:0:0::/64'],
    ['a zone id', 'fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['the IPv6 loopback', '::1', '0:0:0:0::/64'],
    ['an IPv4-mapped address', '::ffff:203.0.113.7', '203.0.113.7'],
    ['an IPv4-mapped address in hex', '::ffff:cb00:7107', '203.0.113.7'],
    ['something that is not an address', 'unknown', 'unknown'],
  ])('counts %s as its network', (_label, address, network) => {
    expect(clientNetwork(address)).toBe(network);
  });

  it('puts every address of one /64 in one network, and the next /64 in another', () => {
    const networks = ['2001:db8:0:1::1', '2001:db8:0:1:ffff:ffff:ffff:ffff', '2001:db8::1:0:0:0:2', '2001:db8:0:1:8000::'].map(
      clientNetwork,
    );
    expect(new Set(networks)).toEqual(new Set(['2001:db8:0:1::/64']));
    expect(clientNetwork('2001:db8:0:2::1')).toBe('2001:db8:0:2::/64');
  });
});
