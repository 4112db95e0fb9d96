import { useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import { api, type ResponseOf } from '../../../api/client.ts';
import { Alert } from '../../../components/Alert.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { useToast } from '../../../components/Toast.tsx';
import { formatBytes, formatDuration, formatNumber } from '../../../format.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { asApiError } from '../../../session/SessionProvider.tsx';
import { type ThroughputPoint, useLiveThroughput } from './use-live-throughput.ts';
import { LoadStatus } from '../../../components/LoadStatus.tsx';
import { EstimateComparison } from './EstimateComparison.tsx';

type Statistics = ResponseOf<'/api/projects/{id}/statistics', 'get'>;

const OUTCOMES = ['migrated', 'skipped', 'failed'] as const;
const OUTCOME_LABELS = { migrated: 'Migrated', skipped: 'Skipped', failed: 'Failed' } as const;
const OUTCOME_COLOURS = { migrated: '#17804b', skipped: '#d99100', failed: '#c0352b' } as const;
const TYPE_LABELS = {
  mail: 'Mail',
  contacts: 'Contacts',
  calendar: 'Calendars',
  tasks: 'Tasks',
  rules: 'Rules',
  outOfOffice: 'Out-of-office',
  forwarding: 'Forwarding',
  signatures: 'Signatures',
} as const;
const TYPE_COLOURS = {
  mail: '#1662c4',
  contacts: '#7b4fd6',
  calendar: '#0f8a8a',
  tasks: '#b3541e',
  rules: '#0e7490',
  outOfOffice: '#c2410c',
  forwarding: '#475569',
  signatures: '#be185d',
} as const;
type ItemType = keyof typeof TYPE_LABELS;
const TYPES = Object.keys(TYPE_LABELS) as ItemType[];
const TOP_MAILBOXES = 15;
const MB = 1024 * 1024;
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The pie-chart icon's page: items by outcome and type, throughput, and Request Statistics. */
export function StatisticsPage() {
  const { projectId = '' } = useParams();
  const notify = useToast();
  const [statistics, reload] = useLoad(
    () => api.get('/api/projects/{id}/statistics', { params: { id: projectId } }),
    [projectId],
  );
  const live = useLiveThroughput(projectId);
  const [requesting, setRequesting] = useState(false);

  const request = async () => {
    setRequesting(true);
    try {
      const { sentTo } = await api.post('/api/projects/{id}/statistics/request', {
        params: { id: projectId },
      });
      notify('success', `The statistics report is on its way to ${sentTo.join(', ')}.`);
    } catch (error) {
      notify('error', asApiError(error).message);
    } finally {
      setRequesting(false);
    }
  };

  return (
    <>
      <p className="breadcrumb">
        <Link to={`/projects/${projectId}`}>Back to the project</Link>
      </p>
      <PageHeader
        title="Project Statistics"
        description="What the passes of this project moved, skipped and could not move."
        actions={
          <>
            <button type="button" className="button" onClick={() => void reload()}>
              Refresh
            </button>
            <a
              className="button"
              href={`/api/projects/${encodeURIComponent(projectId)}/settings-script`}
              download
              title="Signatures and forwarding that only Exchange Online PowerShell can write, and the settings that could not move"
            >
              PowerShell script
            </a>
            <button
              type="button"
              className="button button-primary"
              disabled={requesting}
              onClick={() => void request()}
            >
              {requesting ? 'Sending…' : 'Request Statistics'}
            </button>
          </>
        }
      />
      <LoadStatus
        state={statistics}
        loading="Loading the statistics…"
        failed="The statistics could not be loaded"
        onRetry={reload}
      />
      {statistics.status === 'loaded' && <StatisticsView statistics={statistics.data} live={live} />}
      <EstimateComparison projectId={projectId} />
    </>
  );
}

function StatisticsView({
  statistics,
  live,
}: {
  statistics: Statistics;
  live: { points: readonly ThroughputPoint[]; running: number };
}) {
  const { project } = statistics;
  const items = project.migrated;
  const totals = OUTCOMES.map((outcome) => ({
    name: OUTCOME_LABELS[outcome],
    outcome,
    value: TYPES.reduce((sum, type) => sum + items[type][outcome], 0),
  })).filter((entry) => entry.value > 0);
  const byType = TYPES.map((type) => ({ name: TYPE_LABELS[type], type, value: items[type].migrated })).filter(
    (entry) => entry.value > 0,
  );
  const completed = (project.byStatus.completed ?? 0) + (project.byStatus.completed_with_errors ?? 0);
  const perMailbox = statistics.mailboxes
    .filter((mailbox) => mailbox.bytesPerSecond > 0)
    .sort((a, b) => b.bytesPerSecond - a.bytesPerSecond)
    .slice(0, TOP_MAILBOXES)
    .map((mailbox) => ({ name: mailbox.source, megabytesPerMinute: (mailbox.bytesPerSecond * 60) / MB }));
  const timeline = live.points.map((point) => ({ ...point, label: TIME.format(point.at) }));

  return (
    <>
      <dl className="stat-cards">
        <div>
          <dt>Mailboxes completed</dt>
          <dd>
            {formatNumber(completed)} / {formatNumber(project.mailboxes)}
          </dd>
        </div>
        <div>
          <dt>Items migrated</dt>
          <dd>{formatNumber(TYPES.reduce((sum, type) => sum + items[type].migrated, 0))}</dd>
        </div>
        <div>
          <dt>Data migrated</dt>
          <dd>{formatBytes(TYPES.reduce((sum, type) => sum + items[type].bytes, 0))}</dd>
        </div>
        <div>
          <dt>Failed items</dt>
          <dd>{formatNumber(project.failedItems)}</dd>
        </div>
        <div>
          <dt>Time spent</dt>
          <dd>{formatDuration(project.durationMs)}</dd>
        </div>
        <div>
          <dt>Average throughput</dt>
          <dd>{formatBytes(project.bytesPerSecond * 60)}/min</dd>
        </div>
      </dl>
      {totals.length === 0 ? (
        <Alert tone="info" title="No items moved yet">
          <p>The charts appear once a Trial, Pre-Stage or Full migration has moved items.</p>
        </Alert>
      ) : (
        <div className="charts">
          <figure className="panel chart" aria-labelledby="outcome-chart">
            <figcaption id="outcome-chart">Items by outcome</figcaption>
            <ResponsiveContainer width="100%" height={260}>
              <PieChart>
                <Pie
                  data={totals}
                  dataKey="value"
                  nameKey="name"
                  innerRadius={55}
                  outerRadius={95}
                  isAnimationActive={false}
                >
                  {totals.map((entry) => (
                    <Cell key={entry.outcome} fill={OUTCOME_COLOURS[entry.outcome]} />
                  ))}
                </Pie>
                <Tooltip />
                <Legend />
              </PieChart>
            </ResponsiveContainer>
          </figure>
          <figure className="panel chart" aria-labelledby="type-chart">
            <figcaption id="type-chart">Migrated items by type</figcaption>
            <ResponsiveContainer width="100%" height={260}>
              <PieChart>
                <Pie data={byType} dataKey="value" nameKey="name" outerRadius={95} isAnimationActive={false}>
                  {byType.map((entry) => (
                    <Cell key={entry.type} fill={TYPE_COLOURS[entry.type]} />
                  ))}
                </Pie>
                <Tooltip />
                <Legend />
              </PieChart>
            </ResponsiveContainer>
          </figure>
        </div>
      )}
      <div className="charts">
        <figure className="panel chart chart-wide" aria-labelledby="throughput-chart">
          <figcaption id="throughput-chart">Throughput over time (live while this page is open)</figcaption>
          {timeline.length === 0 ? (
            <p className="muted">
              {live.running > 0
                ? 'Measuring… the first point appears in a few seconds.'
                : 'No mailbox is running now. Start a pass and keep this page open to watch its throughput.'}
            </p>
          ) : (
            <ResponsiveContainer width="100%" height={240}>
              <LineChart data={timeline}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis yAxisId="items" allowDecimals={false} />
                <YAxis yAxisId="mb" orientation="right" />
                <Tooltip />
                <Legend />
                <Line
                  yAxisId="items"
                  dataKey="itemsPerMinute"
                  name="Items per minute"
                  stroke="#1662c4"
                  dot={false}
                  isAnimationActive={false}
                />
                <Line
                  yAxisId="mb"
                  dataKey="megabytesPerMinute"
                  name="MB per minute"
                  stroke="#17804b"
                  dot={false}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          )}
        </figure>
        {perMailbox.length > 0 && (
          <figure className="panel chart chart-wide" aria-labelledby="mailbox-throughput-chart">
            <figcaption id="mailbox-throughput-chart">
              Average throughput of the fastest mailboxes (MB per minute)
            </figcaption>
            <ResponsiveContainer width="100%" height={Math.max(160, perMailbox.length * 28)}>
              <BarChart data={perMailbox} layout="vertical" margin={{ left: 24 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" />
                <YAxis type="category" dataKey="name" width={200} />
                <Tooltip />
                <Bar
                  dataKey="megabytesPerMinute"
                  name="MB per minute"
                  fill="#1662c4"
                  isAnimationActive={false}
                />
              </BarChart>
            </ResponsiveContainer>
          </figure>
        )}
      </div>
      <div className="table-wrap">
        <table className="table">
          <caption>Items by type</caption>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Migrated</th>
              <th scope="col">Skipped</th>
              <th scope="col">Failed</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {TYPES.map((type) => (
              <tr key={type}>
                <th scope="row">{TYPE_LABELS[type]}</th>
                <td>{formatNumber(items[type].migrated)}</td>
                <td>{formatNumber(items[type].skipped)}</td>
                <td>{formatNumber(items[type].failed)}</td>
                <td>{formatBytes(items[type].bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted" id="count-note">
        Migrated counts the items as Microsoft 365 holds them: a recurring calendar item counts its series,
        each changed occurrence (an item of its own in Outlook) and any single events it became, so the
        numbers agree with the tenant. Skipped and failed count source items of the last pass.
      </p>
    </>
  );
}
