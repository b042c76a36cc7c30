/**
 * The key a client address is counted under for the per-client connection cap (issue 6,
 * finding 6). Held in memory only while the client has connections open; never logged or stored
 * (spec 5, 7: no client address in any log).
 */

/** Eight 16-bit groups of an IPv6 address, or null when it is not one. */
function groups(address: string): number[] | null {
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const part = (s: string | undefined): number[] | null => {
    if (!s) return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      // An embedded IPv4 address (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) is the last two groups.
      if (g.includes('.')) out.push(0, 0);
      else if (/^[0-9a-f]{1,4}$/i.test(g)) out.push(parseInt(g, 16));
      else return null;
    }
    return out;
  };
  const head = part(halves[0]);
  const tail = part(halves[1]);
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const fill = 8 - head.length - tail.length;
  return fill < 1 ? null : [...head, ...Array<number>(fill).fill(0), ...tail];
}

/**
 * An IPv4 address is its own key (an IPv4-mapped IPv6 address counts as the IPv4 one); an IPv6
 * address counts under its /64, the block one subscriber usually gets, so that a client cannot
 * pass the cap by using many addresses of its own block. Anything else is its own key.
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined) return '';
  const bare = address.replace(/%.*$/, ''); // a zone index (fe80::1%eth0) names no other host
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (!bare.includes(':')) return bare;
  const g = groups(bare);
  return g ? `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64` : bare;
}
