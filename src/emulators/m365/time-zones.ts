import { WINDOWS_TO_IANA_MAP, findIana } from 'windows-iana';
import { GraphError } from './errors.ts';
import { zoneOffsetMs } from '../zone-offset.ts';

/** The IANA names dateTimeTimeZone accepts besides Windows names [D: dateTimeTimeZone resource]. */
const ACCEPTED_IANA =
  `Etc/GMT+12 Etc/GMT+11 Pacific/Honolulu America/Anchorage America/Santa_Isabel America/Los_Angeles
America/Phoenix America/Chihuahua America/Denver America/Guatemala America/Chicago America/Mexico_City America/Regina
America/Bogota America/New_York America/Indiana/Indianapolis America/Caracas America/Asuncion America/Halifax America/Cuiaba
America/La_Paz America/Santiago America/St_Johns America/Sao_Paulo America/Argentina/Buenos_Aires America/Cayenne
America/Godthab America/Montevideo America/Bahia Etc/GMT+2 Atlantic/Azores Atlantic/Cape_Verde Africa/Casablanca Etc/GMT
Europe/London Atlantic/Reykjavik Europe/Berlin Europe/Budapest Europe/Paris Europe/Warsaw Africa/Lagos Africa/Windhoek
Europe/Bucharest Asia/Beirut Africa/Cairo Asia/Damascus Africa/Johannesburg Europe/Kyiv Europe/Kiev Europe/Istanbul
Asia/Jerusalem Asia/Amman Asia/Baghdad Europe/Kaliningrad Asia/Riyadh Africa/Nairobi Asia/Tehran Asia/Dubai Asia/Baku
Europe/Moscow Indian/Mauritius Asia/Tbilisi Asia/Yerevan Asia/Kabul Asia/Karachi Asia/Tashkent Asia/Kolkata Asia/Colombo
Asia/Kathmandu Asia/Almaty Asia/Dhaka Asia/Yekaterinburg Asia/Yangon Asia/Rangoon Asia/Bangkok Asia/Novosibirsk
Asia/Shanghai Asia/Krasnoyarsk Asia/Singapore Australia/Perth Asia/Taipei Asia/Ulaanbaatar Asia/Irkutsk Asia/Tokyo
Asia/Seoul Australia/Adelaide Australia/Darwin Australia/Brisbane Australia/Sydney Pacific/Port_Moresby Australia/Hobart
Asia/Yakutsk Pacific/Guadalcanal Asia/Vladivostok Pacific/Auckland Etc/GMT-12 Pacific/Fiji Asia/Magadan Pacific/Tongatapu
Pacific/Apia Pacific/Kiritimati`.split(/\s+/);

const WINDOWS_NAMES = new Set(WINDOWS_TO_IANA_MAP.map((entry) => entry.windowsName.toLowerCase()));
const IANA_NAMES = new Set(ACCEPTED_IANA.map((name) => name.toLowerCase()));

export function isSupportedTimeZone(name: string): boolean {
  const key = name.toLowerCase();
  return key === 'utc' || WINDOWS_NAMES.has(key) || IANA_NAMES.has(key);
}

/** Rejects a zone Graph does not take, with the error Exchange gives. */
export function checkTimeZone(name: unknown): string {
  if (typeof name !== 'string' || !isSupportedTimeZone(name)) {
    throw new GraphError(
      400,
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${String(name)}'.`,
    );
  }
  return name;
}

function ianaOf(name: string): string {
  if (name.toLowerCase() === 'utc') return 'UTC';
  const windows = WINDOWS_TO_IANA_MAP.find((entry) => entry.windowsName.toLowerCase() === name.toLowerCase());
  if (windows !== undefined) return findIana(windows.windowsName)[0] ?? 'UTC';
  const aliases: Record<string, string> = { 'europe/kiev': 'Europe/Kyiv', 'asia/rangoon': 'Asia/Yangon' };
  return (
    aliases[name.toLowerCase()] ??
    ACCEPTED_IANA.find((iana) => iana.toLowerCase() === name.toLowerCase()) ??
    'UTC'
  );
}

/** Epoch ms of a wall-clock `dateTime` (no offset) in a Graph time zone. */
export function toEpoch(dateTime: string, zone: string): number {
  const iana = ianaOf(zone);
  const wall = Date.parse(`${dateTime.slice(0, 19)}Z`);
  if (Number.isNaN(wall)) {
    throw new GraphError(400, 'ErrorPropertyValidationFailure', 'At least one property failed validation.');
  }
  const first = wall - zoneOffsetMs(iana, wall);
  return wall - zoneOffsetMs(iana, first);
}

/** Graph's dateTime text (seven fractional digits) of instant `epochMs` in `zone`. */
export function fromEpoch(epochMs: number, zone: string): string {
  const local = epochMs + zoneOffsetMs(ianaOf(zone), epochMs);
  return `${new Date(local).toISOString().slice(0, 19)}.0000000`;
}
