import { ReceiverPolicy, ReceiverRefused } from './receiver-address';

describe('ReceiverPolicy', () => {
  const strict = new ReceiverPolicy([]);

  it.each([
    '127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1',
    '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '224.0.0.1',
  ])('refuses %s', (address) => {
    expect(() => strict.check('example.com', address)).toThrow(ReceiverRefused);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111'])('accepts the public address %s', (address) => {
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
