import { useCallback, useEffect, useRef, useState } from 'react';

import { useEventSource } from '../../../hooks/use-event-source.ts';
import type { MailboxRow } from '../dashboard/ProjectDashboard.tsx';

export interface ThroughputPoint {
  readonly at: number;
  /** Items moved during the interval that ends at `at`, per minute. */
  readonly itemsPerMinute: number;
  readonly megabytesPerMinute: number;
}

const SAMPLE_MS = 5_000;
const MAX_POINTS = 120;
const MB = 1024 * 1024;

/**
 * Throughput over time while the page is open: the progress events of the project's running
 * mailboxes, summed every few seconds into items and megabytes per minute.
 */
export function useLiveThroughput(projectId: string): {
  points: readonly ThroughputPoint[];
  running: number;
} {
  const latest = useRef(new Map<string, { items: number; bytes: number; running: boolean }>());
  const previous = useRef<{ items: number; bytes: number; at: number } | undefined>(undefined);
  const [points, setPoints] = useState<readonly ThroughputPoint[]>([]);
  const [running, setRunning] = useState(0);

  const onEvent = useCallback((_type: string, data: unknown) => {
    const mailbox = data as MailboxRow;
    const known = latest.current.get(mailbox.id);
    latest.current.set(mailbox.id, {
      // A finished mailbox reports no progress; keep what it reached so its items are not counted as negative.
      items: mailbox.progress?.itemsDone ?? known?.items ?? 0,
      bytes: mailbox.progress?.bytesDone ?? known?.bytes ?? 0,
      running: mailbox.status === 'running',
    });
  }, []);
  useEventSource(`/api/projects/${projectId}/events`, onEvent, ['mailbox']);

  useEffect(() => {
    const timer = setInterval(() => {
      const now = Date.now();
      let items = 0;
      let bytes = 0;
      let active = 0;
      for (const mailbox of latest.current.values()) {
        items += mailbox.items;
        bytes += mailbox.bytes;
        if (mailbox.running) active += 1;
      }
      setRunning(active);
      const before = previous.current;
      previous.current = { items, bytes, at: now };
      if (before === undefined) return;
      const minutes = (now - before.at) / 60_000;
      const point = {
        at: now,
        itemsPerMinute: Math.max(0, items - before.items) / minutes,
        megabytesPerMinute: Math.max(0, bytes - before.bytes) / MB / minutes,
      };
      setPoints((all) => [...all.slice(-(MAX_POINTS - 1)), point]);
    }, SAMPLE_MS);
    return () => clearInterval(timer);
  }, []);

  return { points, running };
}
