/**
 * Guesses the charset of 8-bit text that declares none (or a wrong one). UTF-8 first, strictly;
 * then the legacy encodings old CJK and Cyrillic mail was written in, accepted only when a strict
 * decoder reads every byte and the result reads like the language (common characters, letter
 * frequencies); otherwise Windows-1252, the superset of Latin-1 most undeclared mail is in.
 * Wrong guesses stay possible (Greek, Hebrew, Central European…), which is why the converter keeps
 * the original of any message whose charset it had to guess.
 */

export interface CharsetGuess {
  readonly charset: string;
  readonly text: string;
}

/**
 * Characters frequent in running Chinese (simplified and traditional) and Japanese text. A right
 * decoding is full of them; the same bytes read in the wrong CJK encoding land on rare ones.
 */
const COMMON_HAN = new Set(
  '的一是不了人我在有他这這个個们們中来來上大为為和国國地到以说說时時要就出会會可也你对對生能' +
    '而子那得于着下自之年过過发發后後作里裡用道行所然家种種事成方多经經么麼去法学學如都同现現当當' +
    '没沒动動面起看定天分还還进進好小部其些主样樣理心她本前开開但因只从從想实實日月本見见長长間' +
    '间問问東东私今何円事業社員思言入',
);

/** Hangul syllables frequent in running Korean text (particles, endings, common nouns). */
const COMMON_HANGUL = new Set(
  '이다는의에하고가을지기한사서리로도니어자를아나대시라해으요습수인그일정들있게것주보전부면만상제과없여우',
);

/** Letters, kana and punctuation a CJK text is made of; anything else makes a decoding suspect. */
const CJK_TEXT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303F\uFF00-\uFFEF]/u;
/** Hiragana and full-width katakana (half-width katakana is what KOI8-R becomes in Shift_JIS). */
const KANA = /[\u3040-\u30FF]/u;
const CYRILLIC_LETTER = /\p{Script=Cyrillic}/u;
/** Russian letters by frequency and their share of running text in per cent (і for Ukrainian). */
const RUSSIAN_LETTERS = 'оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъёі';
const RUSSIAN_PERCENT = [
  10.97, 8.45, 8.01, 7.35, 6.7, 6.26, 5.47, 4.73, 4.54, 4.4, 3.49, 3.21, 2.98, 2.81, 2.62, 2.01, 1.9, 1.74,
  1.7, 1.65, 1.59, 1.44, 1.21, 0.97, 0.94, 0.73, 0.64, 0.48, 0.36, 0.32, 0.26, 0.04, 0.04, 1,
];
const RUSSIAN_FREQUENCIES = new Map(
  [...RUSSIAN_LETTERS].map((letter, i) => [letter, RUSSIAN_PERCENT[i] ?? 0]),
);
const RUSSIAN_NORM = Math.sqrt([...RUSSIAN_FREQUENCIES.values()].reduce((sum, f) => sum + f * f, 0));

const MULTI_BYTE = ['big5', 'gb18030', 'shift_jis', 'euc-jp', 'euc-kr'] as const;
const CYRILLIC = ['windows-1251', 'koi8-r'] as const;

/** Fewest non-ASCII characters a decoding must have before its statistics mean anything. */
const MIN_CJK_CHARACTERS = 6;
const MIN_CYRILLIC_LETTERS = 12;
const CYRILLIC_THRESHOLD = 0.7;

const windows1252 = new TextDecoder('windows-1252');

function decodeStrictly(label: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Control bytes other than tab, LF, FF and CR: binary data, not text in any charset. */
function looksBinary(bytes: Uint8Array): boolean {
  return bytes.some((b) => (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) || b === 0x7f);
}

/** Share of the non-ASCII characters that are common ones; undefined when the text is not CJK. */
function cjkScore(text: string): number | undefined {
  let nonAscii = 0;
  let foreign = 0;
  let common = 0;
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) continue;
    nonAscii++;
    if (!CJK_TEXT.test(char)) foreign++;
    else if (KANA.test(char) || COMMON_HAN.has(char) || COMMON_HANGUL.has(char)) common++;
    else if (char >= '\u3000' && char <= '\u303F') common++;
  }
  if (nonAscii < MIN_CJK_CHARACTERS || foreign > nonAscii * 0.05) return undefined;
  return common / nonAscii;
}

/**
 * How closely the Cyrillic letters of a text follow the letter frequencies of Russian (cosine,
 * 0–1), or undefined when the text does not read as Cyrillic at all: too few letters, Cyrillic
 * letters inside Latin words (what Latin-1 accents become) or capitals inside words. Text in the
 * wrong one of the two encodings is a permutation of the alphabet, far from these frequencies;
 * Ukrainian and Bulgarian stay close to them (about 0.8, against 0.5–0.68 for a wrong reading).
 */
function cyrillicScore(text: string): number | undefined {
  const counts = new Map<string, number>();
  let letters = 0;
  let lowerCase = 0;
  let words = 0;
  let odd = 0;
  for (const word of text.match(/\p{L}+/gu) ?? []) {
    const chars = [...word];
    const cyrillic = chars.filter((char) => CYRILLIC_LETTER.test(char));
    if (cyrillic.length === 0) continue;
    words++;
    if (cyrillic.length < chars.length || /\p{Ll}\p{Lu}/u.test(word)) odd++;
    letters += cyrillic.length;
    for (const char of cyrillic) {
      const lower = char.toLowerCase();
      if (lower === char) lowerCase++;
      counts.set(lower, (counts.get(lower) ?? 0) + 1);
    }
  }
  let nonAscii = 0;
  for (const char of text) if (char.charCodeAt(0) >= 0x80) nonAscii++;
  if (letters < MIN_CYRILLIC_LETTERS || letters < nonAscii * 0.8 || odd > words * 0.05) return undefined;
  let dot = 0;
  let norm = 0;
  for (const [letter, count] of counts) {
    dot += count * (RUSSIAN_FREQUENCIES.get(letter) ?? 0);
    norm += count * count;
  }
  const similarity = dot / Math.sqrt(norm) / RUSSIAN_NORM;
  // running text is mostly lower case: text in capitals (what Hebrew becomes in KOI8-R) must match better
  return lowerCase * 2 >= letters ? similarity : similarity - 0.08;
}

/** The decoding with the best score, when it passes `threshold` and no different text ties it. */
function best(
  labels: readonly string[],
  bytes: Uint8Array,
  score: (text: string) => number | undefined,
  threshold: number,
): CharsetGuess | undefined {
  let winner: (CharsetGuess & { score: number }) | undefined;
  let tied = false;
  for (const charset of labels) {
    const text = decodeStrictly(charset, bytes);
    const value = text === undefined ? undefined : score(text);
    if (text === undefined || value === undefined || value < threshold) continue;
    if (winner === undefined || value > winner.score) {
      winner = { charset, text, score: value };
      tied = false;
    } else if (value === winner.score && text !== winner.text) {
      tied = true;
    }
  }
  return winner === undefined || tied ? undefined : { charset: winner.charset, text: winner.text };
}

/** The most plausible reading of bytes whose charset is unknown; never throws. */
export function guessCharset(bytes: Uint8Array): CharsetGuess {
  const text = decodeStrictly('utf-8', bytes);
  if (text !== undefined) return { charset: 'utf-8', text };
  if (!looksBinary(bytes)) {
    // a right CJK decoding has a large share of common characters (a fifth is far below real text)
    const cjk = best(MULTI_BYTE, bytes, cjkScore, 0.2);
    if (cjk !== undefined) return cjk;
    const cyrillic = best(CYRILLIC, bytes, cyrillicScore, CYRILLIC_THRESHOLD);
    if (cyrillic !== undefined) return cyrillic;
  }
  return { charset: 'windows-1252', text: windows1252.decode(bytes) };
}
