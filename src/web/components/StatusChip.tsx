const STATUSES: Record<string, { label: string; tone: string }> = {
  not_started: { label: 'Not Started', tone: 'neutral' },
  waiting: { label: 'Queued', tone: 'info' },
  queued: { label: 'Queued', tone: 'info' },
  scheduled: { label: 'Scheduled', tone: 'info' },
  running: { label: 'Running', tone: 'active' },
  completed: { label: 'Completed', tone: 'ok' },
  completed_with_errors: { label: 'Completed with errors', tone: 'warning' },
  failed: { label: 'Failed', tone: 'error' },
  stopped: { label: 'Stopped', tone: 'neutral' },
};

export function statusLabel(status: string): string {
  return STATUSES[status]?.label ?? status.replaceAll('_', ' ');
}

/** A mailbox's status in words and colour (the colour is never the only signal). */
export function StatusChip({ status }: { status: string }) {
  const known = STATUSES[status];
  return (
    <span className={`chip chip-${known?.tone ?? 'neutral'}`} title={statusLabel(status)}>
      {statusLabel(status)}
    </span>
  );
}
