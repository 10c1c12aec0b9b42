import { ReceiverPolicy, ReceiverRefused } from './receiver-address';

describe('ReceiverPolicy', () => {
  const strict = new ReceiverPolicy([]);

  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '224.0.0.1',
  ])('refuses %s', (address) => {
    expect(() => strict.check('example.com', address)).toThrow(ReceiverRefused);
  });

  // IPv6 forms that carry an IPv4 address (or are no global unicast at all): each must be read
  // for what it reaches, not for what its first bits look like.
  it.each([
    ['::7f00:1', 'IPv4-compatible 127.0.0.1'],
    ['::ffff:7f00:1', 'IPv4-mapped 127.0.0.1, written in hex'],
    ['::ffff:0:7f00:1', 'SIIT (RFC 6145) 127.0.0.1'],
    ['64:ff9b::7f00:1', 'NAT64 (RFC 6052) 127.0.0.1'],
    ['64:ff9b:1::7f00:1', 'local-use NAT64 (RFC 8215) 127.0.0.1'],
    ['2002:7f00:1::1', '6to4 of 127.0.0.1'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo'],
    ['::a00:1', 'IPv4-compatible 10.0.0.1'],
    ['fec0::1', 'deprecated site-local'],
    ['100::1', 'discard-only'],
    ['2001:db8::1', 'documentation'],
    ['5f00::1', 'segment routing'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['255.255.255.255', 'broadcast'],
  ])('refuses %s (%s)', (address) => {
    expect(() => strict.check('example.com', address)).toThrow(ReceiverRefused);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '2a00:1450:4007:80e::200e'])('accepts the public address %s', (address) => {
    expect(() => strict.check('example.com', address)).not.toThrow();
  });

  it('allows what WEBHOOK_ALLOW_HOSTS names: host names, addresses and ranges', () => {
    const policy = new ReceiverPolicy(['hooks.internal', '127.0.0.1', '10.20.0.0/16', 'fd00::/8']);
    expect(() => policy.check('hooks.internal', '10.9.9.9')).not.toThrow();
    expect(() => policy.check('x', '127.0.0.1')).not.toThrow();
    expect(() => policy.check('x', '10.20.3.4')).not.toThrow();
    expect(() => policy.check('x', 'fd12::1')).not.toThrow();
    expect(() => policy.check('x', '10.21.0.1')).toThrow(ReceiverRefused);
    expect(() => policy.check('x', '127.0.0.2')).toThrow(ReceiverRefused);
  });

  it('checks every address a name resolves to', async () => {
    await expect(strict.resolve('localhost')).rejects.toThrow(ReceiverRefused);
    await expect(new ReceiverPolicy(['localhost']).resolve('localhost')).resolves.not.toHaveLength(0);
  });
});
