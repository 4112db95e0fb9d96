/**
 * Zimbra tag colours → Outlook category colour presets (microsoft-graph.md §10, zimbra.md §9).
 *
 * A Zimbra tag carries either a colour index 0–9 or an `rgb` `#rrggbb`. Indexes use the table
 * proposed in the reference; RGB values go to the preset whose swatch is nearest ("redmean" weighted
 * distance, ties to the lower preset number), except that an RGB equal to one of Zimbra's own index
 * colours maps like that index, so a tag looks the same whichever way Zimbra reported it.
 */

export const CATEGORY_PRESETS = [
  'preset0',
  'preset1',
  'preset2',
  'preset3',
  'preset4',
  'preset5',
  'preset6',
  'preset7',
  'preset8',
  'preset9',
  'preset10',
  'preset11',
  'preset12',
  'preset13',
  'preset14',
  'preset15',
  'preset16',
  'preset17',
  'preset18',
  'preset19',
  'preset20',
  'preset21',
  'preset22',
  'preset23',
  'preset24',
] as const;
export type CategoryColor = (typeof CATEGORY_PRESETS)[number] | 'none';

/**
 * Approximate swatches of the Outlook presets, by name (Microsoft publishes names, not RGB). Only the
 * hue families and light/dark split matter for a nearest match.
 *
 * | preset | name | rgb | preset | name | rgb |
 * |---|---|---|---|---|---|
 * | 0 | Red | #e0393e | 13 | DarkGray | #5e5e5e |
 * | 1 | Orange | #f7893b | 14 | Black | #1f1f1f |
 * | 2 | Brown | #a8734d | 15 | DarkRed | #99191e |
 * | 3 | Yellow | #f5d23d | 16 | DarkOrange | #b85411 |
 * | 4 | Green | #5db94b | 17 | DarkBrown | #6e4a2e |
 * | 5 | Teal | #3dbab0 | 18 | DarkYellow | #a98f0c |
 * | 6 | Olive | #a0a648 | 19 | DarkGreen | #2e7a28 |
 * | 7 | Blue | #4a8fe0 | 20 | DarkTeal | #1c7a72 |
 * | 8 | Purple | #9a6dd7 | 21 | DarkOlive | #5e6325 |
 * | 9 | Cranberry | #d2336c | 22 | DarkBlue | #1f4e99 |
 * | 10 | Steel | #8da5b5 | 23 | DarkPurple | #5a3a8c |
 * | 11 | DarkSteel | #4e6573 | 24 | DarkCranberry | #8c1a47 |
 * | 12 | Gray | #a0a0a0 | | | |
 */
const PRESET_RGB: readonly string[] = [
  '#e0393e',
  '#f7893b',
  '#a8734d',
  '#f5d23d',
  '#5db94b',
  '#3dbab0',
  '#a0a648',
  '#4a8fe0',
  '#9a6dd7',
  '#d2336c',
  '#8da5b5',
  '#4e6573',
  '#a0a0a0',
  '#5e5e5e',
  '#1f1f1f',
  '#99191e',
  '#b85411',
  '#6e4a2e',
  '#a98f0c',
  '#2e7a28',
  '#1c7a72',
  '#5e6325',
  '#1f4e99',
  '#5a3a8c',
  '#8c1a47',
];

/**
 * Zimbra colour index → preset. 0 is Zimbra's "default" (no colour chosen) and stays uncoloured;
 * 1–9 blue, cyan, green, purple, red, yellow, pink, gray, orange → Blue, Teal, Green, Purple, Red,
 * Yellow, Cranberry, Gray, Orange.
 */
const INDEX_PRESET: readonly CategoryColor[] = [
  'none',
  'preset7',
  'preset5',
  'preset4',
  'preset8',
  'preset0',
  'preset3',
  'preset9',
  'preset12',
  'preset1',
];

/** Zimbra's own RGB for each colour index (Color.java), index 0 excluded. */
const ZIMBRA_INDEX_RGB: readonly string[] = [
  '#000000',
  '#5b9bf2',
  '#43eded',
  '#6acb9e',
  '#ba86e5',
  '#f66666',
  '#f8fa33',
  '#fe98d3',
  '#bebebe',
  '#fdbc55',
];

type Rgb = readonly [number, number, number];

function parseRgb(value: string): Rgb | undefined {
  const match = /^#?([0-9a-f]{6})$/i.exec(value.trim());
  if (match?.[1] === undefined) return undefined;
  const n = parseInt(match[1], 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** "Redmean" colour distance: cheap and closer to perception than plain RGB distance. */
function distance(a: Rgb, b: Rgb): number {
  const meanRed = (a[0] + b[0]) / 2;
  const dr = a[0] - b[0];
  const dg = a[1] - b[1];
  const db = a[2] - b[2];
  return (2 + meanRed / 256) * dr * dr + 4 * dg * dg + (2 + (255 - meanRed) / 256) * db * db;
}

/** The preset whose swatch is nearest to an RGB colour; `none` when the value is not `#rrggbb`. */
export function nearestCategoryPreset(rgb: string): CategoryColor {
  const target = parseRgb(rgb);
  if (target === undefined) return 'none';
  let best: CategoryColor = 'none';
  let bestDistance = Infinity;
  PRESET_RGB.forEach((swatch, index) => {
    const d = distance(target, parseRgb(swatch) ?? [0, 0, 0]);
    if (d < bestDistance) {
      bestDistance = d;
      best = CATEGORY_PRESETS[index] ?? 'none';
    }
  });
  return best;
}

/** The Outlook category colour for a Zimbra tag's `color` index or `rgb` (rgb wins when both are set). */
export function zimbraTagColorToCategoryColor(tag: {
  readonly color?: number | undefined;
  readonly rgb?: string | undefined;
}): CategoryColor {
  if (tag.rgb !== undefined && parseRgb(tag.rgb) !== undefined) {
    const normalized = `#${tag.rgb.trim().replace(/^#/, '').toLowerCase()}`;
    const index = ZIMBRA_INDEX_RGB.indexOf(normalized);
    if (index > 0) return INDEX_PRESET[index] ?? 'none';
    return nearestCategoryPreset(normalized);
  }
  if (tag.color !== undefined && Number.isInteger(tag.color)) return INDEX_PRESET[tag.color] ?? 'none';
  return 'none';
}
