/** The per-client cap's key (issue 6, finding 6): IPv4 as is, IPv6 by its /64. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientKey } from '../../src/center/client-key.js';

describe('clientKey', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['64:ff9b::1.2.3.4', '64:ff9b:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['not an address', 'not an address'],
    ['1:2:3', '1:2:3'],
    [undefined, ''],
  ])('%s → %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it('one /64 is one client, whatever the interface identifier', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 4, maxLength: 4 }), (iid) => {
        const a = `2001:db8:aa:bb:${iid.map((x) => x.toString(16)).join(':')}`;
        expect(clientKey(a)).toBe('2001:db8:aa:bb::/64');
      }),
    );
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.string(), (s) => void clientKey(s)));
  });
});
