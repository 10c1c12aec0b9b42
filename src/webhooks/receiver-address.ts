/**
 * Where webhooks may go: not to private, loopback, link-local or otherwise internal addresses
 * (SSRF), unless WEBHOOK_ALLOW_HOSTS names the host, the address or a range holding it. Checked
 * when an endpoint is registered and again on every delivery, against what the name resolves
 * to then; the connection goes to the address that was checked (no DNS rebinding in between).
 */
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96]] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
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
    const family: 'ipv4' | 'ipv6' = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    // IPv4-mapped IPv6 (::ffff:10.0.0.1) is the IPv4 address.
    const mapped = family === 'ipv6' ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
    const [a, f]: [string, 'ipv4' | 'ipv6'] = mapped ? [mapped, 'ipv4'] : [address, family];
    if (!INTERNAL.check(a, f)) return;
    if (this.hosts.has(host.toLowerCase()) || this.allowed.check(a, f)) return;
    throw new ReceiverRefused(`${host} resolves to ${address}, a private, loopback or link-local address (allow it with WEBHOOK_ALLOW_HOSTS)`);
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
