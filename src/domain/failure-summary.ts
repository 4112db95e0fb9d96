/**
 * The "last error" of a mailbox whose pass completed with errors: how many items failed, by
 * code, stored as "ITEMS_FAILED: …" like every other mailbox error.
 */
export function failedItemsSummary(failures: readonly { code: string | null; count: number }[]): string {
  const total = failures.reduce((sum, f) => sum + f.count, 0);
  const byCode = [...failures]
    .sort((a, b) => b.count - a.count || (a.code ?? '').localeCompare(b.code ?? ''))
    .map((f) => `${f.code ?? 'UNKNOWN'} ×${f.count}`)
    .join(', ');
  const items = total === 1 ? '1 item' : `${total} items`;
  return `ITEMS_FAILED: ${items} could not be migrated (${byCode}): fix what each reason names, then run Retry Errors.`;
}
