/**
 * Ferry's one CSV module: RFC 4180 out (every export: audit log, statistics) and in (mailbox and
 * user lists). Written cells that a spreadsheet would run as a formula — text starting with =, +,
 * -, @, tab or CR — get a leading apostrophe: addresses, names, subjects and error messages come
 * from people and mail servers and must stay text. Numbers are written as they are.
 */
export type CsvCell = string | number;

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function csvCell(value: CsvCell): string {
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface CsvRecord {
  /** The line the record starts on, from 1. */
  readonly line: number;
  readonly fields: string[];
}

const UNQUOTED_STOP = /[",\r\n]/g;

/**
 * RFC 4180 records, one at a time: quoted fields may hold commas, doubled quotes and line breaks;
 * a quote inside a field opens a quoted part, as spreadsheets read it. Blank lines are skipped.
 * Runs of plain text are sliced, not copied a character at a time: a 10 MB list parses in well
 * under a second.
 */
export function* csvRecords(text: string): Generator<CsvRecord, void, undefined> {
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    const record = fields.length > 1 || fields[0]!.trim() !== '' ? { line: recordLine, fields } : undefined;
    fields = [];
    field = '';
    return record;
  };
  while (i < text.length) {
    if (text[i] === '"') {
      // A quoted part: up to the next quote that is not doubled.
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        const end = quote === -1 ? text.length : quote;
        const part = text.slice(i, end);
        for (let n = part.indexOf('\n'); n !== -1; n = part.indexOf('\n', n + 1)) line++;
        field += part;
        if (quote === -1) {
          i = text.length;
          break;
        }
        if (text[quote + 1] === '"') {
          field += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      continue;
    }
    UNQUOTED_STOP.lastIndex = i;
    const stop = UNQUOTED_STOP.exec(text);
    const end = stop === null ? text.length : stop.index;
    field += text.slice(i, end);
    i = end;
    if (stop === null) break;
    const char = stop[0];
    if (char === '"') continue;
    i++;
    if (char === ',') {
      fields.push(field);
      field = '';
      continue;
    }
    if (char === '\r' && text[i] === '\n') i++;
    const record = endRecord();
    if (record !== undefined) yield record;
    line++;
    recordLine = line;
  }
  if (field !== '' || fields.length > 0) {
    const record = endRecord();
    if (record !== undefined) yield record;
  }
}

export function parseCsvRecords(text: string): CsvRecord[] {
  return [...csvRecords(text)];
}
