/**
 * Words for generated mail: subjects, body sentences in several languages, texts for legacy
 * charsets and attachment names. All invented for Ferry.
 */
import type { Random } from './random.ts';

export const SUBJECTS = [
  'Quarterly report Q3',
  'Budget 2026 – final numbers',
  'Réunion de lancement du projet',
  'Angebot Nr. 4711 für Ihre Anfrage',
  '会議の議事録 (10月)',
  'Отчёт за месяц',
  'Lunch on Friday?',
  'Invoice INV-2025-0412',
  'Server maintenance window this weekend',
  'Welcome aboard! 🎉',
  'Photos from the offsite',
  'Travel itinerary: Paris → Berlin',
  'Contract draft v3 for review',
  'Mise à jour du planning',
  'Kündigung des Wartungsvertrags',
  'Release notes 4.2',
  'Customer escalation – ticket #88231',
  'Urlaubsvertretung im August',
  'Slides for Thursday',
  'Onboarding checklist',
  'Données clients – export CSV',
  'Password policy change',
  'Newsletter: what happened in our team',
  'Question about the migration timeline',
  'Proposition de partenariat',
  '見積書の送付について',
  'Статус проекта',
  'Coffee machine is fixed ☕',
] as const;

export const SPAM_SUBJECTS = [
  'You have WON a free cruise!!!',
  'Urgent: verify your account now',
  'Cheap watches – 90% off',
  'Your parcel could not be delivered',
  'Investment opportunity of a lifetime',
] as const;

const SENTENCES = [
  'Please find the latest figures below; let me know if anything looks off.',
  'We agreed to move the deadline by one week to give the team more room.',
  'The vendor confirmed delivery for the first half of next month.',
  'I have added my comments to the shared document and flagged the open points.',
  'Could you double-check the totals in section three before we send it out?',
  'Thanks again for the quick turnaround on this.',
  'The meeting room on the fourth floor is booked from 10:00 to 11:30.',
  'As discussed, the pilot group will start with twenty mailboxes.',
  'Let us keep the scope small and revisit the remaining items after the release.',
  'I will be out of the office on Monday but reachable by phone.',
  'Nous avons bien reçu votre demande et reviendrons vers vous rapidement.',
  'Le compte rendu de la réunion est joint à ce message.',
  'Merci de confirmer votre présence avant vendredi.',
  'Vielen Dank für Ihre schnelle Rückmeldung.',
  'Die Unterlagen für das nächste Quartal liegen im gemeinsamen Ordner.',
  'Bitte prüfen Sie die Änderungen bis Mittwoch.',
  'Gracias por la información, la revisaremos esta semana.',
  '資料を添付しましたので、ご確認ください。',
  'Спасибо за быстрый ответ, обсудим детали завтра.',
] as const;

const GREETINGS = [
  'Hi {name},',
  'Hello {name},',
  'Bonjour {name},',
  'Hallo {name},',
  'Dear {name},',
] as const;
const CLOSINGS = ['Best regards,', 'Cheers,', 'Cordialement,', 'Viele Grüße,', 'Thanks,'] as const;

/** Body texts for legacy charsets: each uses characters only that charset (and Unicode) share. */
export const LEGACY_TEXTS = {
  'ISO-8859-1':
    'Bonjour à tous,\n\nVoici le résumé de la réunion de jeudi : le budget prévu est validé, la maquette sera livrée début décembre.\nGrüße aus Köln, Jörg Müller\n',
  'Windows-1252':
    'Hello,\n\nThe quote is “final” – total price €1,250 … including the œuvre d’art shipping.\nBest, Zoë\n',
  'KOI8-R':
    'Добрый день!\n\nНаправляю вам отчёт за прошлый месяц. Просьба проверить цифры до пятницы.\nС уважением, Иван Смирнов\n',
  Shift_JIS:
    'お世話になっております。\n\n来週の会議の資料を送付いたします。ご確認のほど、よろしくお願いいたします。\n山田 太郎\n',
} as const;

export type LegacyCharset = keyof typeof LEGACY_TEXTS;
export const LEGACY_CHARSETS = Object.keys(LEGACY_TEXTS) as LegacyCharset[];

export const LEGACY_SUBJECTS: Record<LegacyCharset, string> = {
  'ISO-8859-1': 'Résumé de la réunion – Köln',
  'Windows-1252': '“Final” quote: €1,250',
  'KOI8-R': 'Отчёт за прошлый месяц',
  Shift_JIS: '会議資料の送付',
};

export interface AttachmentKind {
  readonly contentType: string;
  readonly names: readonly string[];
  /** Leading bytes, so the file looks like its type to sniffers. */
  readonly magic: string;
}

export const ATTACHMENT_KINDS: readonly AttachmentKind[] = [
  {
    contentType: 'application/pdf',
    names: ['Angebot_2025.pdf', '見積書.pdf', 'Отчёт.pdf', 'Invoice INV-0412.pdf'],
    magic: '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n',
  },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    names: ['Rapport annuel – version finale.docx', 'Contract draft v3.docx', 'Protokoll_Sitzung_Ärzte.docx'],
    magic: 'PK\x03\x04\x14\x00\x06\x00',
  },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    names: ['Q3 numbers.xlsx', 'Données clients.xlsx'],
    magic: 'PK\x03\x04\x14\x00\x06\x00',
  },
  {
    contentType: 'application/zip',
    names: ['photos-offsite.zip', 'logs_2025-03.zip'],
    magic: 'PK\x03\x04\x0a\x00\x00\x00',
  },
  {
    contentType: 'image/jpeg',
    names: ['IMG_2044.jpg', 'Büro-Einweihung.jpg'],
    magic: '\xff\xd8\xff\xe0\x00\x10JFIF\x00',
  },
];

/** A text line of CSV-ish data for text attachments. */
export function csvText(random: Random, rows: number): string {
  const lines = ['id;name;amount;currency'];
  for (let i = 1; i <= rows; i++)
    lines.push(`${i};Position ${i} – Größe ${random.int(1, 99)};${random.int(10, 99999) / 100};EUR`);
  return `${lines.join('\n')}\n`;
}

/** Paragraphs of running text of about `chars` characters. */
export function paragraphs(random: Random, chars: number): string {
  const out: string[] = [];
  let length = 0;
  while (length < chars) {
    const sentences: string[] = [];
    const count = random.int(2, 5);
    for (let i = 0; i < count; i++) sentences.push(random.pick(SENTENCES));
    const paragraph = sentences.join(' ');
    out.push(paragraph);
    length += paragraph.length + 2;
  }
  return out.join('\n\n');
}

/** A letter: greeting, paragraphs of about `chars` characters, closing and signature. */
export function letter(random: Random, toFirst: string, fromName: string, chars: number): string {
  const greeting = random.pick(GREETINGS).replace('{name}', toFirst);
  return `${greeting}\n\n${paragraphs(random, chars)}\n\n${random.pick(CLOSINGS)}\n${fromName}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** HTML rendering of a plain letter, optionally showing inline images by Content-ID. */
export function letterHtml(text: string, imageCids: readonly string[]): string {
  const body = text
    .split('\n\n')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
  const images = imageCids
    .map((cid) => `<p><img src="cid:${cid}" alt="image" width="64" height="48"></p>`)
    .join('\n');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><style>body{font-family:Arial,sans-serif;font-size:14px}</style></head>\n<body>\n${body}\n${images}\n</body></html>\n`;
}

/** A quoted earlier message under a reply. */
export function quote(text: string, fromName: string, date: string): string {
  const quoted = text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  return `\n\nOn ${date}, ${fromName} wrote:\n${quoted}\n`;
}
