/**
 * Every limit the message converter applies, in one place. Hostile or broken mail degrades to a
 * simpler message with the original attached; it is never rejected and never crashes a pass.
 */

/**
 * Graph refuses any request body over 4 MB (microsoft-graph.md §0.6, §11), base64 and JSON included.
 */
export const GRAPH_REQUEST_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Attachments of 3 MB or more must go through `createUploadSession` (microsoft-graph.md §5.2): base64
 * makes a 3 MB file 4 MB of JSON, which alone fills the request.
 */
export const LARGE_ATTACHMENT_BYTES = 3 * 1024 * 1024;

/**
 * Most the create JSON may weigh. A full MB below the hard limit leaves room for a `$batch` envelope,
 * headers and any difference between how we and Exchange count; whatever does not fit is uploaded
 * after the message exists.
 */
export const CREATE_JSON_BUDGET_BYTES = 3 * 1024 * 1024;

/**
 * Deepest nesting of multiparts and attached messages we hand to the parser. Real mail rarely goes
 * past 10; a small crafted message can nest thousands deep and walk the parser's recursion into a
 * stack overflow, so anything deeper is kept only as `original.eml`.
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * Most MIME parts the parser may create. Each part costs a stream and buffers; the parser refuses
 * more, which makes the message fall back to `original.eml`.
 */
export const MAX_MIME_PARTS = 1000;

/**
 * Largest header block of the message or of one part. Real headers stay under 64 KB even with long
 * Received chains; a bigger block is almost certainly a broken or hostile message.
 */
export const MAX_HEADER_BYTES = 1024 * 1024;

/**
 * Most characters of the original header block kept in PR_TRANSPORT_MESSAGE_HEADERS (0x007D). The
 * property only feeds Outlook's "message details"; it must not eat the request budget.
 */
export const MAX_TRANSPORT_HEADERS_CHARS = 256 * 1024;

/**
 * Most attachments kept on one message. Outlook becomes unusable long before this; the rest stay
 * reachable through the attached original.
 */
export const MAX_ATTACHMENTS = 250;

/** Longest attachment name; Exchange stores names as MAX_PATH-style strings. */
export const MAX_ATTACHMENT_NAME_CHARS = 255;

/**
 * Longest Message-ID we pass on as `internetMessageId` / threading ids. RFC 5322 caps a line at 998
 * characters; a longer id is not one Exchange or any client would match.
 */
export const MAX_MESSAGE_ID_CHARS = 998;

/**
 * Most message ids kept from References (0x1039). Clients thread on the first (root) and last
 * (parent) ids; endless reference chains only bloat the request.
 */
export const MAX_REFERENCES = 50;
