/**
 * Where webhooks may go: only to global unicast addresses (no private, loopback, link-local,
 * reserved or otherwise internal ones: SSRF), unless WEBHOOK_ALLOW_HOSTS names the host, the
 * address or a range holding it. Addresses are read with ipaddr.js, which knows the special
 * ranges, and IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo)
 * are refused or read as the IPv4 address they reach. Checked when an endpoint is registered
 * and again on every delivery, against what the name resolves to then; the connection goes to
 * the address that was checked (no DNS rebinding in between).
 */
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** IPv6 global unicast (RFC 4291): what is not in it is not on the public internet. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** The address as it will be reached: an IPv4-mapped IPv6 address is the IPv4 address. */
function normalised(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  return ipaddr.process(address);
}

/** Global unicast: for IPv4 no special range at all, for IPv6 inside 2000::/3 and no special range there. */
function isGlobalUnicast(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.range() !== 'unicast') return false;
  return address.kind() === 'ipv4' || (address as ipaddr.IPv6).match(GLOBAL_UNICAST_V6);
}

export class ReceiverRefused extends Error {}

export class ReceiverPolicy {
  private readonly hosts = new Set<string>();
  private readonly allowed = new BlockList();

  constructor(allow: readonly string[]) {
    for (const entry of allow) {
      const [address, prefix] = entry.split('/');
      const family = isIP(address);
      if (family && prefix !== undefined) this.allowed.addSubnet(address, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
      else if (family) this.allowed.addAddress(address, family === 4 ? 'ipv4' : 'ipv6');
      else this.hosts.add(entry.toLowerCase());
    }
  }

  /** Throws ReceiverRefused when `address` (resolved from `host`) may not receive webhooks. */
  check(host: string, address: string): void {
    if (!isIP(address)) throw new ReceiverRefused(`${host} resolves to ${address}, which is not an IP address`);
    const reached = normalised(address);
    if (isGlobalUnicast(reached)) return;
    if (this.hosts.has(host.toLowerCase()) || this.allowed.check(reached.toString(), reached.kind())) return;
    throw new ReceiverRefused(
      `${host} resolves to ${address}, a private, loopback or link-local address or another that is not global unicast (allow it with WEBHOOK_ALLOW_HOSTS)`,
    );
  }

  /** Resolves `host` and checks every address it has. */
  async resolve(host: string): Promise<LookupAddress[]> {
    const bare = host.replace(/^\[|\]$/g, '');
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      dnsLookup(bare, { all: true }, (error, found) => (error ? reject(new ReceiverRefused(`${bare} does not resolve (${error.code})`)) : resolve(found))),
    );
    for (const a of addresses) this.check(bare, a.address);
    return addresses;
  }

  /** A `lookup` for http.request: resolves, checks, and connects to the address checked. */
  lookup = (hostname: string, options: unknown, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void): void => {
    this.resolve(hostname).then(
      (addresses) => {
        if ((options as { all?: boolean } | undefined)?.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: Error) => callback(error, ''),
    );
  };
}
