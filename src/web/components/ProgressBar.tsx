import { formatBytes, formatDuration, formatNumber } from '../format.ts';

interface ProgressBarProps {
  label: string;
  itemsDone: number;
  itemsTotal: number | null;
  bytesDone: number;
  bytesTotal?: number | null;
  /** Estimated milliseconds left, when the server knows it. */
  etaMs?: number | null;
}

/** Items and bytes moved so far, as a bar when the total is known, with the time left. */
export function ProgressBar({
  label,
  itemsDone,
  itemsTotal,
  bytesDone,
  bytesTotal,
  etaMs,
}: ProgressBarProps) {
  const total = itemsTotal ?? 0;
  const percent = total > 0 ? Math.min(100, Math.round((itemsDone / total) * 100)) : undefined;
  const bytes =
    bytesTotal === null || bytesTotal === undefined
      ? formatBytes(bytesDone)
      : `${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}`;
  const left = etaMs !== null && etaMs !== undefined && etaMs > 0 ? ` · ${formatDuration(etaMs)} left` : '';
  const text = `${formatNumber(itemsDone)}${total > 0 ? ` / ${formatNumber(total)}` : ''} items · ${bytes}${left}`;
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(percent === undefined ? {} : { 'aria-valuenow': percent })}
        aria-valuetext={`${formatNumber(itemsDone)} items${total > 0 ? ` of ${formatNumber(total)}` : ''}, ${bytes}`}
      >
        <span
          className={percent === undefined ? 'progress-fill progress-indeterminate' : 'progress-fill'}
          style={percent === undefined ? undefined : { width: `${percent}%` }}
        />
      </div>
      <span className="progress-text" title={text}>
        {text}
      </span>
    </div>
  );
}
