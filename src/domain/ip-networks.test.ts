import { describe, expect, it } from 'vitest';

import { judgeAddress, parseCidr, parseCidrList, parseIp } from './ip-networks.ts';

const refused = (address: string, allowed = '') =>
  judgeAddress(address, parseCidrList(allowed).networks).refused;

describe('judgeAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['10.0.0.5', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['169.254.169.254', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    // IPv6 forms that reach an IPv4 host are judged as that host.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.5', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a00:5', 'private'],
    ['64:ff9b::a9fe:a9fe', 'cloud metadata'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
  ])('refuses %s as %s', (address, category) => {
    expect(refused(address)).toBe(category);
  });

  it.each([
    '20.190.128.1',
    '52.96.0.1',
    '8.8.8.8',
    '172.32.0.1',
    '172.15.255.255',
    '100.128.0.1',
    '192.169.0.1',
    '2603:1026::1',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('lets the public address %s through', (address) => {
    expect(refused(address)).toBeUndefined();
  });

  it('lets through what an allowed network contains, in IPv4 and IPv6, mapped forms included', () => {
    expect(refused('10.0.0.5', '10.0.0.0/24')).toBeUndefined();
    expect(refused('10.0.1.5', '10.0.0.0/24')).toBe('private');
    expect(refused('127.0.0.1', '127.0.0.0/8,::1/128')).toBeUndefined();
    expect(refused('::1', '127.0.0.0/8,::1/128')).toBeUndefined();
    expect(refused('::ffff:127.0.0.1', '127.0.0.0/8')).toBeUndefined();
    expect(refused('fd12:3456::9', 'fd12:3456::/32')).toBeUndefined();
    expect(refused('fd12:3457::9', 'fd12:3456::/32')).toBe('unique-local');
    expect(refused('192.168.7.7', '0.0.0.0/0')).toBeUndefined();
  });

  it('never lets a cloud metadata address through, whatever is allowed', () => {
    expect(refused('169.254.169.254', '169.254.0.0/16')).toBe('cloud metadata');
    expect(refused('169.254.169.254', '0.0.0.0/0')).toBe('cloud metadata');
    expect(refused('fd00:ec2::254', '::/0')).toBe('cloud metadata');
  });

  it('names the smallest network that would allow the address', () => {
    expect(judgeAddress('10.0.0.5', []).hostNetwork).toBe('10.0.0.5/32');
    expect(judgeAddress('::ffff:10.0.0.5', []).hostNetwork).toBe('10.0.0.5/32');
    expect(judgeAddress('fd12::1', []).hostNetwork).toBe('fd12::1/128');
    expect(judgeAddress('::1', []).hostNetwork).toBe('::1/128');
    expect(judgeAddress('fe80::1%eth0', []).hostNetwork).toBe('fe80::1/128');
  });

  it('refuses what is not an address at all', () => {
    expect(refused('mail.example.com')).toBe('reserved');
  });
});

describe('parsing', () => {
  it('reads IPv4 and IPv6 addresses, refusing malformed ones', () => {
    expect(parseIp('192.0.2.1')).toEqual(new Uint8Array([192, 0, 2, 1]));
    expect(parseIp('[::1]')?.at(15)).toBe(1);
    expect(parseIp('1:2:3:4:5:6:7:8')?.length).toBe(16);
    for (const bad of ['256.0.0.1', '1.2.3', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', ''])
      expect(parseIp(bad), bad).toBeUndefined();
  });

  it('reads CIDR lists and reports each bad entry', () => {
    expect(parseCidr('10.0.0.5/24')?.bytes).toEqual(new Uint8Array([10, 0, 0, 0]));
    expect(parseCidrList(' 10.0.0.0/8, fd00::/8 ,').networks).toHaveLength(2);
    expect(parseCidrList('10.0.0.0/33,10.0.0.1,fd00::/129,zimbra/24,10.0.0.0/8').bad).toEqual([
      '10.0.0.0/33',
      '10.0.0.1',
      'fd00::/129',
      'zimbra/24',
    ]);
  });
});
