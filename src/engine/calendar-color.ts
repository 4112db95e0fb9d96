/** Graph's calendar colours (microsoft-graph.md §8) with the RGB Outlook shows for each. */
const GRAPH_COLORS: readonly (readonly [string, number, number, number])[] = [
  ['lightBlue', 0xa6, 0xd1, 0xf5],
  ['lightGreen', 0x87, 0xd2, 0x8e],
  ['lightOrange', 0xfc, 0xab, 0x73],
  ['lightGray', 0xc0, 0xc0, 0xc0],
  ['lightYellow', 0xf4, 0xe3, 0x6f],
  ['lightTeal', 0x75, 0xcb, 0xc5],
  ['lightPink', 0xf2, 0xa7, 0xd6],
  ['lightBrown', 0xca, 0xa5, 0x86],
  ['lightRed', 0xf8, 0x8c, 0x9b],
];

/** Zimbra's colour indexes 1–9 (blue, cyan, green, purple, red, yellow, pink, gray, orange). */
const BY_INDEX: Record<string, string> = {
  '1': 'lightBlue',
  '2': 'lightTeal',
  '3': 'lightGreen',
  '4': 'lightPink',
  '5': 'lightRed',
  '6': 'lightYellow',
  '7': 'lightPink',
  '8': 'lightGray',
  '9': 'lightOrange',
};

/** The Graph calendar colour nearest a Zimbra folder colour (index or "#rrggbb"); "auto" for none. */
export function graphCalendarColor(zimbraColor: string | undefined): string {
  if (zimbraColor === undefined) return 'auto';
  const byIndex = BY_INDEX[zimbraColor];
  if (byIndex !== undefined) return byIndex;
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(zimbraColor);
  if (match === null) return 'auto';
  const [r, g, b] = match.slice(1).map((hex) => parseInt(hex, 16)) as [number, number, number];
  let best = 'auto';
  let bestDistance = Infinity;
  for (const [name, cr, cg, cb] of GRAPH_COLORS) {
    const distance = (r - cr) ** 2 + (g - cg) ** 2 + (b - cb) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best;
}
