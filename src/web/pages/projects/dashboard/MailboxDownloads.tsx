/** Links to the mailbox's failures and log, as CSV (opens in a spreadsheet) or JSON Lines. */
export function MailboxDownloads({ projectId, mailboxId }: { projectId: string; mailboxId: string }) {
  const url = (what: 'failures' | 'log', format: 'csv' | 'jsonl') =>
    `/api/projects/${projectId}/mailboxes/${mailboxId}/${what}?format=${format}`;
  return (
    <section className="panel" aria-labelledby="downloads">
      <h2 id="downloads">Downloads</h2>
      <p className="muted">
        Every failed item of every pass (code, message, folder, item id, size, and the subject when “Log
        subjects of failed items” is on), and the mailbox log: each pass with its times, status, counts and
        error, and the folders it planned.
      </p>
      <div className="toolbar">
        <a className="button" href={url('failures', 'csv')} download>
          Failed items (CSV)
        </a>
        <a className="button" href={url('failures', 'jsonl')} download>
          Failed items (JSONL)
        </a>
        <a className="button" href={url('log', 'csv')} download>
          Mailbox log (CSV)
        </a>
        <a className="button" href={url('log', 'jsonl')} download>
          Mailbox log (JSONL)
        </a>
      </div>
    </section>
  );
}
