/**
 * A last try at an iCalendar ical.js refuses: keeps only content lines ical.js can read on their own
 * (`NAME[;params]:value`, quotes balanced, a value of the right type), drops END lines that close
 * nothing, and closes what a truncated file left open. A task cut short by a broken export, or with
 * one garbled property, keeps everything else instead of failing whole.
 */
import ICAL from 'ical.js';

export interface RepairedIcs {
  readonly text: string;
  /** Lines dropped or added to make the structure whole. */
  readonly repairs: number;
}

function unfold(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    const last = lines.length - 1;
    if (last >= 0 && /^[ \t]/.test(line)) lines[last] = `${lines[last] ?? ''}${line.slice(1)}`;
    else lines.push(line);
  }
  return lines.filter((line) => line.trim() !== '');
}

/** `NAME:`, or `NAME;` with parameters whose quotes close before the value's colon. */
function isContentLine(line: string): boolean {
  const name = /^[A-Za-z0-9-]+(?=[;:])/.exec(line);
  if (!name) return false;
  let quoted = false;
  for (let i = name[0].length; i < line.length; i++) {
    const char = line[i];
    if (char === '"') quoted = !quoted;
    else if (char === ':' && !quoted) return true;
  }
  return false;
}

function parsesAlone(line: string): boolean {
  try {
    ICAL.parse(`BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\n${line}\r\nEND:VTODO\r\nEND:VCALENDAR\r\n`);
    return true;
  } catch {
    return false;
  }
}

export function repairIcs(text: string): RepairedIcs {
  const out: string[] = [];
  const open: string[] = [];
  let repairs = 0;
  for (const line of unfold(text)) {
    const marker = /^(BEGIN|END):(.+)$/i.exec(line.trim());
    const kind = marker?.[1]?.toUpperCase();
    const name = marker?.[2]?.trim().toUpperCase();
    if (kind === 'BEGIN' && name !== undefined) {
      open.push(name);
      out.push(`BEGIN:${name}`);
    } else if (kind === 'END' && name !== undefined) {
      const at = open.lastIndexOf(name);
      if (at < 0) {
        repairs++;
        continue;
      }
      while (open.length > at) {
        const closing = open.pop();
        if (closing !== name) repairs++;
        out.push(`END:${closing ?? name}`);
      }
    } else if (open.length > 0 && isContentLine(line) && parsesAlone(line)) {
      out.push(line);
    } else {
      repairs++;
    }
  }
  repairs += open.length;
  while (open.length > 0) out.push(`END:${open.pop() ?? ''}`);
  return { text: `${out.join('\r\n')}\r\n`, repairs };
}
