/**
 * IP addresses and CIDR networks, and which addresses an outbound connection must not reach unless
 * an administrator allowed their network (FERRY_ALLOWED_PRIVATE_NETWORKS). Pure: no DNS, no sockets.
 */

/** Why an address is not on the public internet, in the words the refusal message uses. */
export type AddressCategory =
  | 'loopback'
  | 'unspecified'
  | 'link-local'
  | 'private'
  | 'carrier-grade NAT'
  | 'unique-local'
  | 'multicast'
  | 'reserved'
  | 'cloud metadata';

export interface IpNetwork {
  /** 4 bytes (IPv4) or 16 (IPv6), host bits cleared. */
  readonly bytes: Uint8Array;
  readonly prefix: number;
  readonly text: string;
}

export function parseIp(text: string): Uint8Array | undefined {
  return parseIpv4(text) ?? parseIpv6(text);
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (const [i, part] of parts.entries()) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

function parseIpv6(input: string): Uint8Array | undefined {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = words(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? words(halves[1] ?? '', true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((word, i) => {
    bytes[i * 2] = word >> 8;
    bytes[i * 2 + 1] = word & 0xff;
  });
  return bytes;
}

/** 16-bit groups of one side of "::"; the last group of the address may be a dotted IPv4 address. */
function words(text: string, mayEndWithIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const result: number[] = [];
  for (const [i, group] of groups.entries()) {
    if (i === groups.length - 1 && mayEndWithIpv4 && group.includes('.')) {
      const v4 = parseIpv4(group);
      if (v4 === undefined) return undefined;
      result.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
      result.push(Number.parseInt(group, 16));
    }
  }
  return result;
}

/** "10.0.0.0/24", "fd12:3456::/48"; host bits are cleared ("10.0.0.5/24" is 10.0.0.0/24). */
export function parseCidr(text: string): IpNetwork | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const bytes = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (bytes === undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bytes.length * 8) return undefined;
  const masked = bytes.map((byte, i) => byte & maskByte(prefix, i));
  return { bytes: masked, prefix, text: text.trim() };
}

/** A comma-separated list of CIDRs; `bad` lists the entries that are not one. */
export function parseCidrList(text: string): { networks: IpNetwork[]; bad: string[] } {
  const networks: IpNetwork[] = [];
  const bad: string[] = [];
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const network = parseCidr(entry);
    if (network === undefined) bad.push(entry);
    else networks.push(network);
  }
  return { networks, bad };
}

function maskByte(prefix: number, index: number): number {
  const bits = Math.max(0, Math.min(8, prefix - index * 8));
  return (0xff << (8 - bits)) & 0xff;
}

export function networkContains(network: IpNetwork, bytes: Uint8Array): boolean {
  if (network.bytes.length !== bytes.length) return false;
  return network.bytes.every((byte, i) => (bytes[i]! & maskByte(network.prefix, i)) === byte);
}

const net = (text: string): IpNetwork => parseCidr(text)!;

/** Metadata services hand out the host's own credentials: never reached, whatever is allowed. */
const METADATA: readonly IpNetwork[] = [
  net('169.254.169.254/32'), // AWS, Azure, Google Cloud, OpenStack, Oracle
  net('169.254.170.2/32'), // AWS ECS task metadata
  net('169.254.169.123/32'), // AWS time sync
  net('100.100.100.200/32'), // Alibaba Cloud
  net('192.0.0.192/32'), // Oracle Cloud (legacy)
  net('fd00:ec2::254/128'), // AWS over IPv6
];

const IPV4_RANGES: readonly [IpNetwork, AddressCategory][] = [
  [net('0.0.0.0/32'), 'unspecified'],
  [net('0.0.0.0/8'), 'reserved'],
  [net('127.0.0.0/8'), 'loopback'],
  [net('169.254.0.0/16'), 'link-local'],
  [net('10.0.0.0/8'), 'private'],
  [net('172.16.0.0/12'), 'private'],
  [net('192.168.0.0/16'), 'private'],
  [net('100.64.0.0/10'), 'carrier-grade NAT'],
  [net('192.0.0.0/24'), 'reserved'],
  [net('192.0.2.0/24'), 'reserved'],
  [net('198.18.0.0/15'), 'reserved'],
  [net('198.51.100.0/24'), 'reserved'],
  [net('203.0.113.0/24'), 'reserved'],
  [net('224.0.0.0/4'), 'multicast'],
  [net('240.0.0.0/4'), 'reserved'],
];

const IPV6_RANGES: readonly [IpNetwork, AddressCategory][] = [
  [net('::/128'), 'unspecified'],
  [net('::1/128'), 'loopback'],
  [net('64:ff9b:1::/48'), 'private'], // NAT64 for local use (RFC 8215)
  [net('fe80::/10'), 'link-local'],
  [net('fec0::/10'), 'private'], // the former site-local addresses
  [net('fc00::/7'), 'unique-local'],
  [net('ff00::/8'), 'multicast'],
  [net('100::/64'), 'reserved'],
  [net('2001:db8::/32'), 'reserved'],
];

/**
 * The IPv4 address an IPv6 address carries, when it is one of the forms that reach an IPv4 host:
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96), 6to4
 * (2002:AABB:CCDD::) and Teredo (2001:0::, client address inverted in the last 32 bits).
 */
function embeddedIpv4(bytes: Uint8Array): Uint8Array | undefined {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  if (zeros(0, 12)) return bytes.slice(12);
  if (networkContains(net('64:ff9b::/96'), bytes)) return bytes.slice(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  if (networkContains(net('2001::/32'), bytes)) return bytes.slice(12).map((b) => b ^ 0xff);
  return undefined;
}

export interface AddressVerdict {
  /** Undefined: a public address, or one inside an allowed network. */
  readonly refused: AddressCategory | undefined;
  /** The smallest network that allows this address: "10.0.0.5/32", "fd12::1/128". */
  readonly hostNetwork: string;
}

/**
 * May an outbound connection go to `address`? Public addresses may; loopback, private, link-local,
 * CGNAT, unique-local, multicast and reserved ones only inside `allowed` (the IPv4 address an IPv6
 * form carries is judged as that IPv4 address); cloud metadata addresses never.
 */
export function judgeAddress(address: string, allowed: readonly IpNetwork[]): AddressVerdict {
  const bytes = parseIp(address);
  if (bytes === undefined) return { refused: 'reserved', hostNetwork: address };
  const v6Category =
    bytes.length === 16 ? IPV6_RANGES.find(([range]) => networkContains(range, bytes))?.[1] : undefined;
  const v4 = bytes.length === 4 ? bytes : v6Category === undefined ? embeddedIpv4(bytes) : undefined;
  const hostNetwork = v4 === undefined ? `${address.replace(/%.*$/, '')}/128` : `${v4.join('.')}/32`;
  const forms = v4 === undefined || v4 === bytes ? [bytes] : [bytes, v4];
  if (forms.some((form) => METADATA.some((m) => networkContains(m, form))))
    return { refused: 'cloud metadata', hostNetwork };
  const category =
    v6Category ??
    (v4 === undefined ? undefined : IPV4_RANGES.find(([range]) => networkContains(range, v4))?.[1]);
  if (category === undefined) return { refused: undefined, hostNetwork };
  const isAllowed = forms.some((form) => allowed.some((network) => networkContains(network, form)));
  return { refused: isAllowed ? undefined : category, hostNetwork };
}
