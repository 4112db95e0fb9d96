/**
 * The mail folders of every generated account: the system folders plus user folders nested two and
 * three levels deep, with non-ASCII names and characters Exchange treats specially.
 */

export const SYSTEM_MAIL_FOLDERS = ['Inbox', 'Sent', 'Drafts', 'Junk', 'Trash'] as const;

/** User folders that receive mail, with their share of the filed messages. */
export const USER_MAIL_FOLDERS: readonly (readonly [number, string])[] = [
  [14, 'Inbox/Newsletters'],
  [10, 'Projets/Équipe'],
  [6, 'Projets/Équipe/Réunions'],
  [8, 'Archive/2025/Q1'],
  [8, 'Archive/2025/Q2'],
  [10, 'Archive/2024'],
  [8, '客户'],
  [6, 'Работа'],
  [8, 'Kunden & Partner'],
  [4, 'Status: offen?'],
  [4, 'Bills.2025'],
];

/** A user folder left empty on purpose (it exists only as a directory). */
export const EMPTY_MAIL_FOLDER = 'Old stuff';
