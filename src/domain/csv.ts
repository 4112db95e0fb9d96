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

/** RFC 4180 records, one at a time: quoted fields may hold commas, doubled quotes and line breaks. Blank lines are skipped. */
export function* csvRecords(text: string): Generator<CsvRecord, void, undefined> {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0]!.trim() !== '') yield { line: recordLine, fields };
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else field += char;
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    if (fields.length > 1 || fields[0]!.trim() !== '') yield { line: recordLine, fields };
  }
}

export function parseCsvRecords(text: string): CsvRecord[] {
  return [...csvRecords(text)];
}
