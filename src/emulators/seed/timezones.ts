/**
 * VTIMEZONE definitions used by generated events: three Olson zones and the Windows-style custom
 * TZID older Zimbra and Outlook clients write.
 */

export const AMSTERDAM_TZID = '(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna';

export const TZIDS = ['Europe/Paris', 'America/New_York', 'Asia/Kolkata', AMSTERDAM_TZID] as const;
export type Tzid = (typeof TZIDS)[number];

function block(tzid: string, parts: readonly (readonly string[])[]): string[] {
  return ['BEGIN:VTIMEZONE', `TZID:${tzid}`, ...parts.flat(), 'END:VTIMEZONE'];
}

function observance(
  kind: 'STANDARD' | 'DAYLIGHT',
  start: string,
  from: string,
  to: string,
  name: string,
  rule?: string,
): string[] {
  const lines = [
    `BEGIN:${kind}`,
    `DTSTART:${start}`,
    `TZOFFSETFROM:${from}`,
    `TZOFFSETTO:${to}`,
    `TZNAME:${name}`,
  ];
  if (rule !== undefined) lines.push(`RRULE:${rule}`);
  lines.push(`END:${kind}`);
  return lines;
}

const DEFINITIONS: Record<Tzid, string[]> = {
  'Europe/Paris': block('Europe/Paris', [
    observance('STANDARD', '19701025T030000', '+0200', '+0100', 'CET', 'FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU'),
    observance('DAYLIGHT', '19700329T020000', '+0100', '+0200', 'CEST', 'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU'),
  ]),
  'America/New_York': block('America/New_York', [
    observance('STANDARD', '19701101T020000', '-0400', '-0500', 'EST', 'FREQ=YEARLY;BYMONTH=11;BYDAY=1SU'),
    observance('DAYLIGHT', '19700308T020000', '-0500', '-0400', 'EDT', 'FREQ=YEARLY;BYMONTH=3;BYDAY=2SU'),
  ]),
  'Asia/Kolkata': block('Asia/Kolkata', [observance('STANDARD', '19700101T000000', '+0530', '+0530', 'IST')]),
  [AMSTERDAM_TZID]: block(AMSTERDAM_TZID, [
    observance(
      'STANDARD',
      '16010101T030000',
      '+0200',
      '+0100',
      'GMT+01.00',
      'FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=10;BYDAY=-1SU',
    ),
    observance(
      'DAYLIGHT',
      '16010101T020000',
      '+0100',
      '+0200',
      'GMT+02.00',
      'FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=3;BYDAY=-1SU',
    ),
  ]),
};

/** The VTIMEZONE content lines of `tzid`. */
export function vtimezone(tzid: Tzid): readonly string[] {
  return DEFINITIONS[tzid];
}

/** `;TZID=…` parameter text, quoted when the TZID has characters that need it. */
export function tzidParam(tzid: Tzid): string {
  return /[:;,() ]/.test(tzid) ? `;TZID="${tzid}"` : `;TZID=${tzid}`;
}
