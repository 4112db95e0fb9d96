/**
 * Zimbra item flag letters (`f` on a message hit) as a typed set. Letters from zimbra.md §5.2
 * (Flag.java): unknown letters are ignored, hidden internal flags never appear in `f`.
 */

export interface ZimbraFlags {
  /** No `u`: Zimbra marks unread, so absence means read. */
  readonly read: boolean;
  /** `f` */
  readonly flagged: boolean;
  /** `a` */
  readonly hasAttachment: boolean;
  /** `r` */
  readonly replied: boolean;
  /** `s` */
  readonly sentByMe: boolean;
  /** `w` */
  readonly forwarded: boolean;
  /** `d` */
  readonly draft: boolean;
  /** `x` IMAP \Deleted */
  readonly deleted: boolean;
  /** `n` read receipt sent */
  readonly notificationSent: boolean;
  /** `!` */
  readonly highPriority: boolean;
  /** `?` */
  readonly lowPriority: boolean;
  /** `+` user-set priority */
  readonly priority: boolean;
  /** `v` calendar invite */
  readonly invite: boolean;
  /** `p` popped (POP3) */
  readonly popped: boolean;
  /** `t` note */
  readonly note: boolean;
  /** `^` post */
  readonly post: boolean;
  /** `(` muted */
  readonly muted: boolean;
  /** `/` versioned */
  readonly versioned: boolean;
  /** `@` archived (old versions) */
  readonly archived: boolean;
  /** `g` global */
  readonly global: boolean;
}

const LETTERS = {
  flagged: 'f',
  hasAttachment: 'a',
  replied: 'r',
  sentByMe: 's',
  forwarded: 'w',
  draft: 'd',
  deleted: 'x',
  notificationSent: 'n',
  highPriority: '!',
  lowPriority: '?',
  priority: '+',
  invite: 'v',
  popped: 'p',
  note: 't',
  post: '^',
  muted: '(',
  versioned: '/',
  archived: '@',
  global: 'g',
} as const satisfies Record<Exclude<keyof ZimbraFlags, 'read'>, string>;

/** Parses a flag string such as `"ufa"`; an empty or missing string means read and nothing else. */
export function parseZimbraFlags(letters: string | undefined): ZimbraFlags {
  const set = new Set(letters ?? '');
  const has = (letter: string): boolean => set.has(letter);
  return {
    read: !has('u'),
    flagged: has(LETTERS.flagged),
    hasAttachment: has(LETTERS.hasAttachment),
    replied: has(LETTERS.replied),
    sentByMe: has(LETTERS.sentByMe),
    forwarded: has(LETTERS.forwarded),
    draft: has(LETTERS.draft),
    deleted: has(LETTERS.deleted),
    notificationSent: has(LETTERS.notificationSent),
    highPriority: has(LETTERS.highPriority),
    lowPriority: has(LETTERS.lowPriority),
    priority: has(LETTERS.priority),
    invite: has(LETTERS.invite),
    popped: has(LETTERS.popped),
    note: has(LETTERS.note),
    post: has(LETTERS.post),
    muted: has(LETTERS.muted),
    versioned: has(LETTERS.versioned),
    archived: has(LETTERS.archived),
    global: has(LETTERS.global),
  };
}
