/**
 * How long mailboxes take at Microsoft's per-mailbox ceiling, and a project at its Maximum
 * concurrent migrations: pure arithmetic over item counts and bytes, no I/O.
 *
 * Microsoft limits each (application, mailbox) pair to 4 concurrent requests, 10,000 requests per
 * 10 minutes and 150 MB of uploaded request bodies per 5 minutes ("Outlook service limits",
 * https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits; microsoft-graph.md
 * §11). Unthrottled, a mailbox goes as fast as 4 requests in flight at their service time allow;
 * once a window's budget is spent it waits for the window to free. Whichever of the two windows,
 * or the concurrency, takes longest binds.
 */

/** The same shape as the Graph client's budget limits (graph/mailbox-budget.ts). */
export interface MailboxLimits {
  readonly maxConcurrent: number;
  readonly maxRequests: number;
  readonly requestWindowMs: number;
  readonly maxUploadBytes: number;
  readonly uploadWindowMs: number;
}

export const MICROSOFT_MAILBOX_LIMITS: MailboxLimits = {
  maxConcurrent: 4,
  maxRequests: 10_000,
  requestWindowMs: 10 * 60 * 1000,
  maxUploadBytes: 150 * 1024 * 1024,
  uploadWindowMs: 5 * 60 * 1000,
};

/**
 * Time one request holds one of the 4 concurrent slots. Microsoft publishes no response times: this
 * is an assumption (a create a few hundred milliseconds, more for large bodies), the same the
 * emulated Exchange uses by default (emulators/m365/latency.ts).
 */
export interface RequestServiceTime {
  readonly baseMs: number;
  readonly perMiBMs: number;
}

export const ASSUMED_EXCHANGE_SERVICE_TIME: RequestServiceTime = { baseMs: 250, perMiBMs: 250 };

/**
 * What a mailbox holds (or a pass moved). `messageBytes` is the MIME size of all messages;
 * `largeMessageBytes` lists the sizes of those above LARGE_MESSAGE_MIME_BYTES, when known (their
 * bytes are part of `messageBytes` too).
 */
export interface MailboxWork {
  readonly mailbox: string;
  readonly messages: number;
  readonly messageBytes: number;
  readonly largeMessageBytes: readonly number[];
  readonly contacts: number;
  readonly events: number;
  readonly tasks: number;
  readonly folders: number;
}

/**
 * An attachment of 3,000,000 bytes or more goes through an upload session (graph/large-attachments.ts);
 * base64 in the MIME makes that about 4,000,000 bytes of message.
 */
export const LARGE_MESSAGE_MIME_BYTES = 4_000_000;
/** Bytes per PUT of an upload session (graph/large-attachments.ts UPLOAD_CHUNK_BYTES). */
const UPLOAD_RANGE_BYTES = 3 * 1024 * 1024;
/** Decoded bytes per MIME byte of a base64 attachment. */
const BASE64_DECODED = 3 / 4;
/**
 * Requests per item besides messages: a contact is one POST; an event a POST plus, for a series,
 * the read of its instances (counted for every event: the share of series is unknown); a task one POST.
 * A folder is looked up, then created; a mailbox is verified with two reads.
 */
const REQUESTS = { contact: 1, event: 2, task: 1, folder: 2, mailbox: 2 } as const;
/**
 * Bytes of a message's JSON create per byte of its MIME: base64 travels without its line breaks
 * (76 of every 78 characters) and only one body of a multipart/alternative is sent. Measured on
 * the seed generator's mail (bench, 2 × 2,000 messages): 0.872 and 0.878.
 */
export const JSON_BYTES_PER_MIME_BYTE = 0.88;
/** JSON body of a contact, event or task create (bytes counted against the upload window). */
const PIM_BODY_BYTES = 2_000;

export type BindingLimit = 'requests' | 'upload' | 'concurrency';

export interface MailboxEstimate {
  readonly mailbox: string;
  readonly requests: number;
  readonly uploadBytes: number;
  readonly durationMs: number;
  /** The limit that sets the duration. */
  readonly binding: BindingLimit;
}

/**
 * Requests and uploaded bytes a mailbox's items cost at Graph, and their total service time
 * (`serviceTime` null: not counted, as against an emulator that answers at once).
 */
export function graphCost(
  work: MailboxWork,
  serviceTime: RequestServiceTime | null,
): { requests: number; uploadBytes: number; serviceMs: number } {
  const large = work.largeMessageBytes.filter((bytes) => bytes > LARGE_MESSAGE_MIME_BYTES);
  const largeBytes = large.reduce((sum, bytes) => sum + bytes, 0);
  const smallCount = Math.max(0, work.messages - large.length);
  const smallBytes = Math.max(0, work.messageBytes - largeBytes);
  const pimCount = work.contacts + work.events + work.tasks;
  const time = (requests: number, bytes: number) =>
    serviceTime === null ? 0 : requests * serviceTime.baseMs + (bytes / 1024 ** 2) * serviceTime.perMiBMs;

  let requests =
    smallCount +
    work.contacts * REQUESTS.contact +
    work.events * REQUESTS.event +
    work.tasks * REQUESTS.task +
    work.folders * REQUESTS.folder +
    REQUESTS.mailbox;
  let uploadBytes = smallBytes * JSON_BYTES_PER_MIME_BYTE + pimCount * PIM_BODY_BYTES;
  let serviceMs = time(requests, uploadBytes);
  for (const bytes of large) {
    // The message without its attachment (taken as the whole message), the upload session, then
    // one PUT per range of the decoded attachment.
    const decoded = bytes * BASE64_DECODED;
    const ranges = Math.ceil(decoded / UPLOAD_RANGE_BYTES);
    requests += 2 + ranges;
    uploadBytes += decoded;
    serviceMs += time(2, 0) + time(ranges, decoded);
  }
  return { requests, uploadBytes: Math.round(uploadBytes), serviceMs };
}

/**
 * Time to send `amount` (requests or bytes) at `rate` per ms through a sliding window of `budget`
 * per `windowMs` that starts full: at a rate the window cannot sustain, each window's budget goes in
 * a burst and the client waits for the window to free (entries leave it `windowMs` after they
 * went), so the last burst starts after (k − 1) windows; at an unbounded rate that is the
 * benchmark's B × (1 + T / W) bound taken window by window.
 */
function windowedMs(amount: number, rate: number, budget: number, windowMs: number): number {
  const free = rate === Infinity ? 0 : amount / rate;
  if (amount <= budget || rate <= budget / windowMs) return free;
  const fullWindows = Math.ceil(amount / budget) - 1;
  const last = amount - fullWindows * budget;
  return fullWindows * windowMs + (rate === Infinity ? 0 : last / rate);
}

export function estimateMailbox(
  work: MailboxWork,
  limits: MailboxLimits = MICROSOFT_MAILBOX_LIMITS,
  serviceTime: RequestServiceTime | null = ASSUMED_EXCHANGE_SERVICE_TIME,
): MailboxEstimate {
  const cost = graphCost(work, serviceTime);
  // Unthrottled, the 4 concurrent slots at the requests' service time set the pace.
  const freeMs = cost.serviceMs / limits.maxConcurrent;
  const rate = (amount: number) => (freeMs === 0 ? Infinity : amount / freeMs);
  const bounds: [BindingLimit, number][] = [
    ['concurrency', freeMs],
    ['requests', windowedMs(cost.requests, rate(cost.requests), limits.maxRequests, limits.requestWindowMs)],
    [
      'upload',
      windowedMs(cost.uploadBytes, rate(cost.uploadBytes), limits.maxUploadBytes, limits.uploadWindowMs),
    ],
  ];
  const [binding, durationMs] = bounds.reduce((a, b) => (b[1] > a[1] ? b : a));
  return {
    mailbox: work.mailbox,
    requests: cost.requests,
    uploadBytes: cost.uploadBytes,
    durationMs: Math.round(durationMs),
    binding,
  };
}

export interface ProjectCapacity {
  /** The project's Maximum concurrent migrations (Advanced Options → Performance). */
  readonly maxConcurrentMigrations: number;
  readonly workers: number;
  /** Mailboxes one worker runs at once. */
  readonly mailboxesPerWorker: number;
}

export interface ProjectEstimate {
  readonly mailboxes: MailboxEstimate[];
  /** Mailboxes in flight at once: the smaller of the project's maximum and the workers' capacity. */
  readonly slots: number;
  readonly durationMs: number;
}

/**
 * The project's duration when its mailboxes run `slots` at a time, the largest first (as
 * db/mailbox-slots.ts launches them), each next one on the first slot that frees.
 */
export function estimateProject(
  work: readonly MailboxWork[],
  capacity: ProjectCapacity,
  limits: MailboxLimits = MICROSOFT_MAILBOX_LIMITS,
  serviceTime: RequestServiceTime | null = ASSUMED_EXCHANGE_SERVICE_TIME,
): ProjectEstimate {
  const slots = Math.max(
    1,
    Math.min(capacity.maxConcurrentMigrations, capacity.workers * capacity.mailboxesPerWorker),
  );
  const mailboxes = work.map((w) => estimateMailbox(w, limits, serviceTime));
  const order = mailboxes
    .map((estimate, index) => ({ estimate, bytes: work[index]!.messageBytes }))
    .sort((a, b) => b.bytes - a.bytes);
  const freeAt: number[] = Array.from({ length: Math.min(slots, order.length) }, () => 0);
  for (const { estimate } of order) {
    const slot = freeAt.indexOf(Math.min(...freeAt));
    freeAt[slot] = freeAt[slot]! + estimate.durationMs;
  }
  return { mailboxes, slots, durationMs: Math.max(0, ...freeAt) };
}
