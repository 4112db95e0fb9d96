import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino blanks out in every log line: credentials, cookies and tokens, wherever they appear
 * in a logged object. The Secret type is the first guard; this is the second.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.secret',
  '*.clientSecret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.authToken',
  '*.databaseUrl',
  '*.databaseOwnerUrl',
  '*.masterKey',
  '*.*.password',
  '*.*.clientSecret',
  '*.*.token',
  'password',
  'clientSecret',
  'token',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    destination ?? process.stderr,
  );
}
