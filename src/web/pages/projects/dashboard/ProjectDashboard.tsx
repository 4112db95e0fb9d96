import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';

import { api, type ResponseOf } from '../../../api/client.ts';
import { Alert } from '../../../components/Alert.tsx';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { Icon } from '../../../components/Icon.tsx';
import { LoadingState } from '../../../components/LoadingState.tsx';
import { MenuButton } from '../../../components/MenuButton.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProgressBar } from '../../../components/ProgressBar.tsx';
import { SearchBox } from '../../../components/SearchBox.tsx';
import { StatusChip, statusLabel } from '../../../components/StatusChip.tsx';
import { useToast } from '../../../components/Toast.tsx';
import { type Column, VirtualTable } from '../../../components/VirtualTable.tsx';
import { splitError } from '../../../format-error.ts';
import { formatDateTime, formatNumber, plural } from '../../../format.ts';
import { useEventSource } from '../../../hooks/use-event-source.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { type PagedRows, usePagedRows } from '../../../hooks/use-paged-rows.ts';
import { asApiError } from '../../../session/SessionProvider.tsx';
import { useOfferAddActions } from '../../../shell/add-actions.ts';
import { ValidationResults } from '../ValidationResults.tsx';
import { AdvancedOptionsDialog } from './AdvancedOptionsDialog.tsx';
import { BulkAddDialog } from './BulkAddDialog.tsx';
import { MailboxErrorDialog } from './MailboxErrorDialog.tsx';
import { NotifyUsersDialog } from './NotifyUsersDialog.tsx';
import { QuickAddDialog } from './QuickAddDialog.tsx';
import { PASS_LABELS, type PassKind, startPass, StartPassDialog } from './StartPassDialog.tsx';

export type MailboxRow = ResponseOf<'/api/projects/{id}/mailboxes', 'get'>['items'][number];
type Validation = ResponseOf<'/api/projects/{id}/validate', 'post'>;
type Status = MailboxRow['status'];

const STATUS_FILTERS: readonly Status[] = [
  'not_started',
  'queued',
  'running',
  'completed',
  'completed_with_errors',
  'failed',
  'stopped',
];

/** The project, its endpoints and customer, and how many mailboxes are in each status. */
async function loadProject(projectId: string) {
  const summary = await api.get('/api/projects/{id}/summary', { params: { id: projectId } });
  const [customer, ...counts] = await Promise.all([
    api.get('/api/customers/{id}', { params: { id: summary.project.customerId } }),
    ...STATUS_FILTERS.map((status) =>
      api.get('/api/projects/{id}/mailboxes', {
        params: { id: projectId },
        query: { status, page: 1, pageSize: 1 },
      }),
    ),
  ]);
  return {
    ...summary,
    customerName: customer.companyName,
    counts: new Map(STATUS_FILTERS.map((status, index) => [status, counts[index]?.total ?? 0])),
  };
}

/** A failed pass, or one that completed with failed items: the red "failed migration" error of its row. */
const hasErrors = (row: MailboxRow) => row.status === 'failed' || row.status === 'completed_with_errors';

type Dialog =
  | { kind: 'quick-add' }
  | { kind: 'bulk-add' }
  | { kind: 'options' }
  | { kind: 'notify' }
  | { kind: 'pass'; pass: PassKind }
  | { kind: 'error'; mailbox: MailboxRow };

/** The project's summary: its mailboxes with live status and progress, and everything to run them. */
export function ProjectDashboard() {
  const { projectId = '' } = useParams();
  const location = useLocation();
  const notify = useToast();
  const [project, reloadProject] = useLoad(() => loadProject(projectId), [projectId]);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<Status | ''>('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<Dialog>();
  // Live events on top of the fetched rows, each with its arrival number.
  const [live, setLive] = useState<ReadonlyMap<string, { row: MailboxRow; seq: number }>>(new Map());
  const eventSeq = useRef(0);
  const refreshedAt = useRef<number>(undefined);
  const validation = (location.state as { validation?: Validation } | null)?.validation;

  const fetchPage = useCallback(
    (page: number, pageSize: number) =>
      api.get('/api/projects/{id}/mailboxes', {
        params: { id: projectId },
        query: { page, pageSize, ...(search === '' ? {} : { search }), ...(status === '' ? {} : { status }) },
      }),
    [projectId, search, status],
  );
  const rows = usePagedRows<MailboxRow>(fetchPage, `${projectId}|${search}|${status}`);

  const refreshTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const refreshSoon = useCallback(() => {
    clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(() => {
      // The rows fetched now are newer than every event so far: those events give way once the
      // rows arrive (not before, or the list would show the older rows meanwhile); later ones stay.
      refreshedAt.current = eventSeq.current;
      rows.refresh();
      void reloadProject();
    }, 500);
  }, [rows, reloadProject]);

  const stream = useEventSource(
    projectId === '' ? undefined : `/api/projects/${projectId}/events`,
    (type, data) => {
      if (type !== 'mailbox') return;
      const mailbox = data as MailboxRow;
      const seq = ++eventSeq.current;
      setLive((previous) => new Map(previous).set(mailbox.id, { row: mailbox, seq }));
      if (mailbox.status !== 'running') refreshSoon();
    },
    ['mailbox'],
  );

  useEffect(() => {
    const upTo = refreshedAt.current;
    if (upTo === undefined) return;
    refreshedAt.current = undefined;
    setLive((previous) => new Map([...previous].filter(([, event]) => event.seq > upTo)));
  }, [rows]);

  const liveRows = useMemo<PagedRows<MailboxRow>>(
    () => ({
      ...rows,
      rowAt: (index) => {
        const row = rows.rowAt(index);
        return row === undefined ? undefined : (live.get(row.id)?.row ?? row);
      },
    }),
    [rows, live],
  );

  const columns = useMemo<Column<MailboxRow>[]>(
    () => [
      {
        key: 'source',
        header: 'Source',
        width: 'minmax(170px, 1.3fr)',
        cell: (row) => (
          <Link to={`/projects/${projectId}/mailboxes/${row.id}`} title={row.source}>
            {row.source}
          </Link>
        ),
      },
      {
        key: 'destination',
        header: 'Destination',
        width: 'minmax(150px, 1.2fr)',
        cell: (row) => <span title={row.destination}>{row.destination}</span>,
      },
      {
        key: 'status',
        header: 'Status',
        // Wide enough for the longest label, "Completed with errors", never cut off.
        width: 'minmax(190px, 1fr)',
        cell: (row) => <StatusChip status={row.status} />,
      },
      {
        key: 'errors',
        header: 'Errors',
        width: 'minmax(150px, 0.8fr)',
        cell: (row) =>
          hasErrors(row) ? (
            <button
              type="button"
              className="error-link"
              title={row.lastError === null ? 'Open the reason' : splitError(row.lastError).message}
              onClick={() => setDialog({ kind: 'error', mailbox: row })}
            >
              Failed migration
            </button>
          ) : (
            <span className="muted">—</span>
          ),
      },
      {
        key: 'progress',
        header: 'Progress',
        width: 'minmax(140px, 1fr)',
        cell: (row) => {
          const progress = row.progress;
          if (progress === null) return <span className="muted">—</span>;
          return (
            <ProgressBar
              label={`Progress of ${row.source}`}
              itemsDone={progress.itemsDone}
              itemsTotal={progress.itemsPlanned}
              bytesDone={progress.bytesDone}
              etaMs={progress.etaSeconds === null ? null : progress.etaSeconds * 1000}
            />
          );
        },
      },
      {
        key: 'last-pass',
        header: 'Last pass',
        width: 'minmax(110px, 0.8fr)',
        cell: (row) =>
          row.lastPass === null ? (
            <span className="muted">None yet</span>
          ) : (
            <span
              title={`${PASS_LABELS[row.lastPass as PassKind] ?? row.lastPass}, ${formatDateTime(row.finishedAt ?? row.startedAt)}`}
            >
              {PASS_LABELS[row.lastPass as PassKind] ?? row.lastPass}
            </span>
          ),
      },
    ],
    [projectId],
  );

  const addItems = useMemo(
    () => [
      { label: 'Quick Add', onSelect: () => setDialog({ kind: 'quick-add' }) },
      { label: 'Bulk Add', onSelect: () => setDialog({ kind: 'bulk-add' }) },
    ],
    [],
  );
  useOfferAddActions(addItems);
  const onSearch = useCallback((text: string) => setSearch(text), []);
  const ids = [...selected];
  const needSelection = (action: () => void) => () => {
    if (ids.length === 0)
      notify('info', 'Select one or more mailboxes first: check the boxes at the left of the list.');
    else action();
  };
  const runVerify = async () => {
    try {
      await startPass(projectId, 'verify', ids);
      notify('success', `Verify Credentials started for ${plural(ids.length, 'mailbox', 'mailboxes')}.`);
      refreshSoon();
    } catch (error) {
      notify('error', asApiError(error).message);
    }
  };
  const stop = async () => {
    try {
      await api.post('/api/projects/{id}/passes/stop', {
        params: { id: projectId },
        body: { mailboxIds: ids },
      });
      notify('success', `Stopping ${plural(ids.length, 'mailbox', 'mailboxes')}.`);
      refreshSoon();
    } catch (error) {
      notify('error', asApiError(error).message);
    }
  };
  const [requestingStatistics, setRequestingStatistics] = useState(false);
  const requestStatistics = async () => {
    setRequestingStatistics(true);
    try {
      const { sentTo } = await api.post('/api/projects/{id}/statistics/request', {
        params: { id: projectId },
      });
      notify('success', `The statistics report is on its way to ${sentTo.join(', ')}.`);
    } catch (error) {
      notify('error', asApiError(error).message);
    } finally {
      setRequestingStatistics(false);
    }
  };
  const closeAndRefresh = (message: string) => {
    setDialog(undefined);
    notify('success', message);
    refreshSoon();
  };

  if (project.status === 'loading') return <LoadingState label="Loading the project…" />;
  if (project.status === 'error') {
    return (
      <ErrorState
        title="The project could not be loaded"
        error={project.error}
        onRetry={() => void reloadProject()}
      />
    );
  }
  const data = project.data;
  const counts = data.counts;
  const sourceProvidesCredentials = data.source?.zimbra?.provideCredentials ?? true;

  return (
    <>
      <p className="breadcrumb">
        <Link to="/projects">My Projects</Link>
      </p>
      <PageHeader
        title={data.project.name}
        description={`${data.customerName} · ${data.source?.name ?? 'no source'} → ${data.destination?.name ?? 'no destination'}`}
        actions={
          <>
            <button
              type="button"
              className="button icon-button"
              aria-label="Request Statistics"
              title="Request Statistics: email me all the project migration statistics"
              disabled={requestingStatistics}
              onClick={() => void requestStatistics()}
            >
              <Icon name="pie" size={20} />
            </button>
            <Link to={`/projects/${projectId}/statistics`} className="button">
              Statistics
            </Link>
            <Link to={`/projects/${projectId}/cutover`} className="button">
              Cutover
            </Link>
            <Link to={`/projects/${projectId}/edit`} className="button">
              Edit Project
            </Link>
          </>
        }
      />
      {data.regionNotice !== null && <p className="region-banner">{data.regionNotice}</p>}
      {validation !== undefined && (
        <Alert tone="success" title="Both endpoints passed validation">
          <details>
            <summary>What was checked</summary>
            <ValidationResults validation={validation} />
          </details>
        </Alert>
      )}
      <ul className="status-summary" aria-label="Mailboxes by status">
        {STATUS_FILTERS.map((name) => (
          <li key={name}>
            <button
              type="button"
              className={status === name ? 'summary-chip summary-chip-active' : 'summary-chip'}
              aria-pressed={status === name}
              onClick={() => setStatus(status === name ? '' : name)}
            >
              <span className="summary-count">{formatNumber(counts.get(name) ?? 0)}</span> {statusLabel(name)}
            </button>
          </li>
        ))}
      </ul>
      <div className="toolbar" role="toolbar" aria-label="Mailboxes">
        <MenuButton label="Add" items={addItems} />
        <MenuButton
          label="Start"
          className="button button-primary"
          items={[
            { label: 'Verify Credentials', onSelect: needSelection(() => void runVerify()) },
            {
              label: 'Trial Migration',
              onSelect: needSelection(() => setDialog({ kind: 'pass', pass: 'trial' })),
            },
            {
              label: 'Pre-Stage Migration',
              onSelect: needSelection(() => setDialog({ kind: 'pass', pass: 'prestage' })),
            },
            {
              label: 'Full Migration',
              onSelect: needSelection(() => setDialog({ kind: 'pass', pass: 'full' })),
            },
            {
              label: 'Retry Errors',
              onSelect: needSelection(() => setDialog({ kind: 'pass', pass: 'retry' })),
            },
          ]}
        />
        <button type="button" className="button" onClick={needSelection(() => void stop())}>
          Stop
        </button>
        <button type="button" className="button" onClick={() => setDialog({ kind: 'options' })}>
          Advanced Options
        </button>
        <button type="button" className="button" onClick={needSelection(() => setDialog({ kind: 'notify' }))}>
          Notify Users
        </button>
        <SearchBox label="Search mailboxes" onSearch={onSearch} />
        <span className="toolbar-note" aria-live="polite">
          {selected.size > 0 && `${formatNumber(selected.size)} selected`}
          {stream === 'reconnecting' && ' · Live updates paused, reconnecting…'}
        </span>
      </div>
      {rows.error !== undefined && (
        <ErrorState title="The mailboxes could not be loaded" error={rows.error} onRetry={rows.refresh} />
      )}
      {rows.total === undefined && rows.error === undefined && <LoadingState label="Loading mailboxes…" />}
      <VirtualTable<MailboxRow>
        caption="Mailboxes"
        columns={columns}
        rows={liveRows}
        rowId={(row) => row.id}
        selection={{
          selected,
          rowLabel: (id) => `Select ${rows.loadedRows().find((row) => row.id === id)?.source ?? 'mailbox'}`,
          onToggle: (id) =>
            setSelected((previous) => {
              const next = new Set(previous);
              if (!next.delete(id)) next.add(id);
              return next;
            }),
          onToggleShown: () =>
            setSelected((previous) => {
              const shown = rows.loadedRows().map((row) => row.id);
              const all = shown.every((id) => previous.has(id));
              const next = new Set(previous);
              for (const id of shown) {
                if (all) next.delete(id);
                else next.add(id);
              }
              return next;
            }),
        }}
        empty={
          search === '' && status === '' ? (
            <p>No mailboxes yet. Click Add, then Quick Add for one mailbox or Bulk Add for a CSV file.</p>
          ) : (
            <p>No mailbox matches {search === '' ? `the status ${statusLabel(status)}` : `“${search}”`}.</p>
          )
        }
      />
      {dialog?.kind === 'quick-add' && (
        <QuickAddDialog
          projectId={projectId}
          needsPassword={!sourceProvidesCredentials}
          onClose={() => setDialog(undefined)}
          onAdded={(source) => closeAndRefresh(`${source} added.`)}
        />
      )}
      {dialog?.kind === 'bulk-add' && (
        <BulkAddDialog
          projectId={projectId}
          onClose={() => setDialog(undefined)}
          onAdded={(count) => closeAndRefresh(`${plural(count, 'mailbox', 'mailboxes')} added.`)}
        />
      )}
      {dialog?.kind === 'options' && (
        <AdvancedOptionsDialog
          projectId={projectId}
          onClose={() => setDialog(undefined)}
          onSaved={() => closeAndRefresh('Advanced Options saved.')}
        />
      )}
      {dialog?.kind === 'notify' && (
        <NotifyUsersDialog
          projectId={projectId}
          mailboxIds={ids}
          onClose={() => setDialog(undefined)}
          onSent={closeAndRefresh}
        />
      )}
      {dialog?.kind === 'pass' && (
        <StartPassDialog
          projectId={projectId}
          pass={dialog.pass}
          mailboxIds={ids}
          onClose={() => setDialog(undefined)}
          onStarted={closeAndRefresh}
        />
      )}
      {dialog?.kind === 'error' && (
        <MailboxErrorDialog
          projectId={projectId}
          mailbox={dialog.mailbox}
          onClose={() => setDialog(undefined)}
          onRetried={closeAndRefresh}
        />
      )}
    </>
  );
}
