import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useEffect, useRef } from 'react';

import type { PagedRows } from '../hooks/use-paged-rows.ts';

export interface Column<Row> {
  readonly key: string;
  readonly header: string;
  /** A CSS grid track: "2fr", "140px", "minmax(120px, 1fr)". */
  readonly width: string;
  readonly cell: (row: Row) => ReactNode;
}

interface Selection {
  readonly selected: ReadonlySet<string>;
  readonly onToggle: (id: string) => void;
  readonly onToggleShown: () => void;
  /** The accessible name of a row's checkbox. */
  readonly rowLabel: (id: string) => string;
}

interface VirtualTableProps<Row> {
  caption: string;
  columns: readonly Column<Row>[];
  rows: PagedRows<Row>;
  rowId: (row: Row) => string;
  selection?: Selection;
  rowHeight?: number;
  /** What to show when nothing matches. */
  empty: ReactNode;
}

const OVERSCAN = 12;

/**
 * A table of any length: only the rows in view are in the DOM, and pages are fetched from the
 * server as they scroll into view. ARIA table semantics with the real row count and indexes.
 */
export function VirtualTable<Row>({
  caption,
  columns,
  rows,
  rowId,
  selection,
  rowHeight = 48,
  empty,
}: VirtualTableProps<Row>) {
  const scroller = useRef<HTMLDivElement>(null);
  const count = rows.total ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: OVERSCAN,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  const { requestRange } = rows;

  useEffect(() => {
    if (count > 0) requestRange(first, last);
  }, [first, last, count, requestRange]);

  const template = [selection === undefined ? '' : '44px', ...columns.map((column) => column.width)]
    .filter(Boolean)
    .join(' ');

  if (rows.total === 0) return <div className="vt-empty">{empty}</div>;

  return (
    <div className="vt" role="table" aria-label={caption} aria-rowcount={count + 1}>
      <div role="rowgroup" className="vt-head">
        <div role="row" aria-rowindex={1} className="vt-row" style={{ gridTemplateColumns: template }}>
          {selection !== undefined && (
            <span role="columnheader" className="vt-cell vt-check">
              <input type="checkbox" aria-label="Select all shown" onChange={selection.onToggleShown} />
            </span>
          )}
          {columns.map((column) => (
            <span key={column.key} role="columnheader" className="vt-cell" title={column.header}>
              {column.header}
            </span>
          ))}
        </div>
      </div>
      <div
        ref={scroller}
        className="vt-scroller"
        style={{ height: Math.max(virtualizer.getTotalSize(), rowHeight) }}
        // Focusable so the keyboard scrolls the list; a generic element, so the table's structure stays intact.
        tabIndex={0}
      >
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows.rowAt(item.index);
            const id = row === undefined ? undefined : rowId(row);
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                className={
                  id !== undefined && selection?.selected.has(id) ? 'vt-row vt-row-selected' : 'vt-row'
                }
                style={{
                  gridTemplateColumns: template,
                  height: item.size,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                {row === undefined || id === undefined ? (
                  <span role="cell" className="vt-cell vt-placeholder">
                    Loading…
                  </span>
                ) : (
                  <>
                    {selection !== undefined && (
                      <span role="cell" className="vt-cell vt-check">
                        <input
                          type="checkbox"
                          aria-label={selection.rowLabel(id)}
                          checked={selection.selected.has(id)}
                          onChange={() => selection.onToggle(id)}
                        />
                      </span>
                    )}
                    {columns.map((column) => (
                      <span key={column.key} role="cell" className="vt-cell">
                        {column.cell(row)}
                      </span>
                    ))}
                  </>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
