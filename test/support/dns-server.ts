import { createSocket } from 'node:dgram';

/**
 * A minimal authoritative DNS server over UDP (RFC 1035 §4) for tests: it answers A, MX, CNAME,
 * SRV and TXT questions from a table the test edits while it runs. Names are matched without case;
 * a name absent from the table is NXDOMAIN, a name with no record of the asked type NOERROR with
 * no answer (what c-ares reports as ENOTFOUND and ENODATA).
 */
export type DnsRecord =
  | { type: 'A'; address: string }
  | { type: 'MX'; priority: number; exchange: string }
  | { type: 'CNAME'; target: string }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { type: 'TXT'; text: string };

const TYPE_CODES = { A: 1, CNAME: 5, MX: 15, TXT: 16, SRV: 33 } as const;

export interface TestDnsServer {
  /** "127.0.0.1:port", as FERRY_DNS_SERVERS takes it. */
  readonly address: string;
  /** Replaces every record of `name`. */
  set(name: string, records: DnsRecord[]): void;
  /** Questions received, "name TYPE". */
  readonly questions: string[];
  close(): Promise<void>;
}

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([
    ...labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')])),
    Buffer.from([0]),
  ]);
}

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

function rdata(record: DnsRecord): Buffer {
  switch (record.type) {
    case 'A':
      return Buffer.from(record.address.split('.').map(Number));
    case 'MX':
      return Buffer.concat([u16(record.priority), encodeName(record.exchange)]);
    case 'CNAME':
      return encodeName(record.target);
    case 'SRV':
      return Buffer.concat([
        u16(record.priority),
        u16(record.weight),
        u16(record.port),
        encodeName(record.target),
      ]);
    case 'TXT': {
      const bytes = Buffer.from(record.text, 'utf8');
      const chunks: Buffer[] = [];
      for (let offset = 0; offset < bytes.length || offset === 0; offset += 255) {
        const chunk = bytes.subarray(offset, offset + 255);
        chunks.push(Buffer.from([chunk.length]), chunk);
        if (bytes.length === 0) break;
      }
      return Buffer.concat(chunks);
    }
  }
}

/** The question's name and type, and where the question section ends. */
function readQuestion(query: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let offset = 12;
  while (query[offset] !== 0) {
    const length = query[offset]!;
    labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
    offset += 1 + length;
  }
  offset += 1;
  return { name: labels.join('.').toLowerCase(), type: query.readUInt16BE(offset), end: offset + 4 };
}

export async function startTestDnsServer(): Promise<TestDnsServer> {
  const table = new Map<string, DnsRecord[]>();
  const questions: string[] = [];
  const socket = createSocket('udp4');

  socket.on('message', (query, peer) => {
    if (query.length < 12) return;
    const { name, type, end } = readQuestion(query);
    const typeName = Object.entries(TYPE_CODES).find(([, code]) => code === type)?.[0] ?? String(type);
    questions.push(`${name} ${typeName}`);
    const records = table.get(name);
    const answers = (records ?? []).filter((record) => TYPE_CODES[record.type] === type);
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    // QR, opcode 0, AA, RD copied from the query; RA; RCODE 3 (NXDOMAIN) when the name is unknown.
    header.writeUInt16BE(
      0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (records === undefined ? 3 : 0),
      2,
    );
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const answerBytes = answers.map((record) => {
      const data = rdata(record);
      const fixed = Buffer.alloc(10);
      fixed.writeUInt16BE(TYPE_CODES[record.type], 0);
      fixed.writeUInt16BE(1, 2); // class IN
      fixed.writeUInt32BE(60, 4); // TTL
      fixed.writeUInt16BE(data.length, 8);
      return Buffer.concat([encodeName(name), fixed, data]);
    });
    socket.send(Buffer.concat([header, query.subarray(12, end), ...answerBytes]), peer.port, peer.address);
  });

  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    questions,
    set(name, records) {
      table.set(name.toLowerCase().replace(/\.$/, ''), records);
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
