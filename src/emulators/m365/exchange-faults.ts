import type { Fault } from '../faults.ts';
import { GraphError, type GraphResponse } from './errors.ts';
import type { Mailbox } from './mailbox.ts';

/**
 * The answers of the injected faults (`--faults`, see src/emulators/faults.ts) and of the mailbox
 * quota, as Exchange Online sends them.
 *
 * Status codes of Exchange's own error codes follow the `ODataHttpStatusCode` attribute Exchange's
 * REST layer puts on each `ResponseCodeType` value (Microsoft.Exchange.Services.Core.Types, as seen in
 * decompiled Exchange Server builds [O]): ErrorServerBusy → 503, ErrorMailboxStoreUnavailable → 500,
 * ErrorQuotaExceeded → 400. Messages are the `ResponseCodeType` descriptions of the EWS reference
 * (https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/responsecode) or,
 * where quoted, the text field reports show.
 */

/** Retry-After of a fault: PARAM seconds, 0 for none, `fallback` when no PARAM was given. */
function retryAfter(fault: Fault, fallback: number | undefined): Record<string, string> {
  const seconds = fault.param ?? fallback;
  return seconds === undefined || seconds === 0 ? {} : { 'Retry-After': String(seconds) };
}

/** The error a fault answers with, or undefined for kinds that do not replace the answer. */
export function faultError(fault: Fault): GraphError | undefined {
  switch (fault.kind) {
    case '500':
      return new GraphError(500, 'generalException', 'General exception while processing.');
    case '503':
    case 'commit-503':
      // Graph's generic 503, "may carry Retry-After" [D: https://learn.microsoft.com/en-us/graph/errors].
      return new GraphError(
        503,
        'serviceNotAvailable',
        'The service is temporarily unavailable. Please retry later.',
        retryAfter(fault, 2),
      );
    case '504':
    case 'commit-504':
      return new GraphError(504, 'UnknownError', 'The gateway did not receive a timely response.');
    case 'busy':
      // Exchange's own back-pressure: no Retry-After header unless the rule gives one [O: field
      // reports of 503 ErrorServerBusy, e.g. BitTitan's "HTTP 503, ErrorServerBusy"].
      return new GraphError(
        503,
        'ErrorServerBusy',
        'The server cannot service this request right now. Try again later.',
        retryAfter(fault, undefined),
      );
    case 'storeunavailable':
      return new GraphError(
        500,
        'ErrorMailboxStoreUnavailable',
        'The mailbox database is temporarily unavailable.',
      );
    case 'commit-drop':
    case 'expire':
    case 'reset':
    case 'revoke':
    case 'slow':
      return undefined;
  }
}

/** Faults that answer instead of handling the request. */
export const REFUSING_FAULTS: ReadonlySet<Fault['kind']> = new Set([
  '500',
  '503',
  '504',
  'busy',
  'storeunavailable',
]);

/** Faults that handle the request (the item is created) and then fail the answer. */
export const COMMITTING_FAULTS: ReadonlySet<Fault['kind']> = new Set([
  'commit-503',
  'commit-504',
  'commit-drop',
]);

/**
 * Runs a write of `bytes` against the mailbox quota (ProhibitSendReceiveQuota): refused once the
 * mailbox holds its quota, counted when it succeeds. Code and message as Exchange answers writes to a
 * full mailbox [O: microsoftgraph/microsoft-graph-docs#2927, "Mailbox has exceeded maximum mailbox
 * size."]; status per ODataHttpStatusCode (above).
 */
export async function withinQuota(
  mailbox: Mailbox,
  bytes: number,
  write: () => GraphResponse | Promise<GraphResponse>,
): Promise<GraphResponse> {
  const quotaMB = mailbox.user.mailboxQuotaMB;
  if (quotaMB !== undefined && mailbox.storage.usedBytes + bytes > quotaMB * 1024 * 1024) {
    throw new GraphError(400, 'ErrorQuotaExceeded', 'Mailbox has exceeded maximum mailbox size.');
  }
  const response = await write();
  if (response.status < 300) mailbox.storage.usedBytes += bytes;
  return response;
}
