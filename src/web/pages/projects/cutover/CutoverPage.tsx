import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';

import { api, type ApiError, type ResponseOf } from '../../../api/client.ts';
import { Alert } from '../../../components/Alert.tsx';
import { CheckboxField, FormField } from '../../../components/FormField.tsx';
import { LoadStatus } from '../../../components/LoadStatus.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { StatusChip } from '../../../components/StatusChip.tsx';
import { useToast } from '../../../components/Toast.tsx';
import { formatNumber, plural } from '../../../format.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { asApiError } from '../../../session/SessionProvider.tsx';

type DnsReport = ResponseOf<'/api/projects/{id}/cutover/dns', 'get'>;
type Comparison = ResponseOf<'/api/projects/{id}/cutover/comparison', 'get'>['mailboxes'];
type Commands = ResponseOf<'/api/projects/{id}/cutover/commands', 'post'>;

const STATE_LABELS: Record<string, { label: string; tone: string }> = {
  done: { label: 'Done', tone: 'ok' },
  propagating: { label: 'Propagating', tone: 'warning' },
  not_yet: { label: 'Not yet', tone: 'neutral' },
  unknown: { label: 'No answer', tone: 'error' },
};

const VERDICT_LABELS: Record<string, { label: string; tone: string }> = {
  complete: { label: 'Complete', tone: 'ok' },
  'failed-items': { label: 'Failed items', tone: 'warning' },
  incomplete: { label: 'Incomplete', tone: 'warning' },
  'not-migrated': { label: 'Not migrated', tone: 'neutral' },
};

function Chip({ labels, value }: { labels: Record<string, { label: string; tone: string }>; value: string }) {
  const known = labels[value];
  return <span className={`chip chip-${known?.tone ?? 'neutral'}`}>{known?.label ?? value}</span>;
}

/** Offers a generated script as a file, without sending it anywhere. */
function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/** The cutover assistant: checklist, DNS records, coexistence commands, final Full pass, comparison. */
export function CutoverPage() {
  const { projectId = '' } = useParams();
  const [overview, reloadOverview] = useLoad(
    () => api.get('/api/projects/{id}/cutover', { params: { id: projectId } }),
    [projectId],
  );
  const [comparison, reloadComparison] = useLoad(
    () => api.get('/api/projects/{id}/cutover/comparison', { params: { id: projectId } }),
    [projectId],
  );

  return (
    <>
      <p className="breadcrumb">
        <Link to={`/projects/${projectId}`}>Back to the project</Link>
      </p>
      <PageHeader
        title="Cutover"
        description="Switch mail to Microsoft 365: the DNS records to change and whether they took effect, the commands for batches that coexist, the final Full pass and the final comparison."
      />
      <LoadStatus
        state={overview}
        loading="Loading the cutover assistant…"
        failed="The cutover assistant could not be loaded"
        onRetry={reloadOverview}
      />
      {overview.status === 'loaded' && (
        <ol className="steps cutover-steps">
          <li className="panel">
            <h2 className="subheading">1. A day before: lower the TTL of the MX record</h2>
            <p>
              Set the MX, Autodiscover and SPF records of{' '}
              {overview.data.domains.map((d) => d.domain).join(', ') || 'your domains'} to a short TTL (for
              example 5 minutes) at your DNS host, so the switch reaches everyone quickly.
            </p>
          </li>
          <li className="panel">
            <h2 className="subheading">2. Pre-Stage every mailbox</h2>
            {comparison.status === 'loaded' && (
              <p>
                {formatNumber(comparison.data.mailboxes.filter((m) => m.lastPass !== null).length)} of{' '}
                {plural(comparison.data.mailboxes.length, 'mailbox has', 'mailboxes have')} been through a
                pass. Start Pre-Stage from the project’s Start menu; the dialog shows how long it will take.
              </p>
            )}
          </li>
          <li className="panel">
            <h2 className="subheading">3. Batches: forward the migrated users, relay the others</h2>
            <p>
              When users move in batches, Zimbra forwards mail of the migrated users to Microsoft 365 and
              Exchange Online relays mail for the users still on Zimbra back to it. Generate the commands for
              each batch; every command checks first, so a script can run again.
            </p>
            {comparison.status === 'loaded' && (
              <CommandsForm
                projectId={projectId}
                mailboxes={comparison.data.mailboxes}
                defaults={overview.data.defaults}
              />
            )}
          </li>
          <li className="panel">
            <h2 className="subheading">
              4. Switch MX, Autodiscover and SPF, and wait until every resolver has them
            </h2>
            <DnsChecks projectId={projectId} resolvers={overview.data.resolvers} />
          </li>
          <li className="panel">
            <h2 className="subheading">5. Right after the MX switch: the final Full pass</h2>
            {comparison.status === 'loaded' && (
              <FinalPass
                projectId={projectId}
                mailboxIds={comparison.data.mailboxes.map((m) => m.mailboxId)}
                onScheduled={() => void reloadComparison()}
              />
            )}
          </li>
          <li className="panel">
            <h2 className="subheading">6. Compare Zimbra and Microsoft 365</h2>
            <LoadStatus
              state={comparison}
              loading="Comparing…"
              failed="The comparison could not be loaded"
              onRetry={reloadComparison}
            />
            {comparison.status === 'loaded' && (
              <ComparisonTable
                mailboxes={comparison.data.mailboxes}
                onRefresh={() => void reloadComparison()}
              />
            )}
          </li>
        </ol>
      )}
    </>
  );
}

function DnsChecks({ projectId, resolvers }: { projectId: string; resolvers: readonly string[] }) {
  const [report, reload] = useLoad(
    () => api.get('/api/projects/{id}/cutover/dns', { params: { id: projectId } }),
    [projectId],
  );
  return (
    <>
      <p>
        Asked of every resolver on its own ({resolvers.join(', ')}): a change is done only when all of them
        answer it.{' '}
        <button type="button" className="button button-small" onClick={() => void reload()}>
          Check again
        </button>
      </p>
      <LoadStatus
        state={report}
        loading="Asking the resolvers…"
        failed="The DNS check failed"
        onRetry={reload}
      />
      {report.status === 'loaded' && <DnsTable report={report.data} />}
    </>
  );
}

function DnsTable({ report }: { report: DnsReport }) {
  return (
    <>
      {report.domains.map((domain) => (
        <div key={domain.domain} className="table-wrap" data-testid={`dns-${domain.domain}`}>
          <h3 className="subheading">
            {domain.domain} <Chip labels={STATE_LABELS} value={domain.state} />{' '}
            <span className="muted">({domain.roles.join(', ')} domain)</span>
          </h3>
          <table className="table">
            <caption className="visually-hidden">DNS records of {domain.domain}</caption>
            <thead>
              <tr>
                <th scope="col">Record</th>
                <th scope="col">Now</th>
                <th scope="col">Needed for Microsoft 365</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {domain.checks.map((check) => (
                <tr key={check.kind}>
                  <th scope="row">
                    {check.type} {check.name}
                  </th>
                  <td>
                    {check.answers.map((answer) => (
                      <div key={answer.resolver}>
                        <span className="muted">{answer.resolver}:</span>{' '}
                        {answer.error ??
                          (answer.records.length === 0 ? '(none)' : answer.records.join(' | '))}
                      </div>
                    ))}
                  </td>
                  <td>{check.expected}</td>
                  <td>
                    <Chip labels={STATE_LABELS} value={check.state} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <p className="muted">Checked {new Date(report.checkedAt).toLocaleTimeString()}.</p>
    </>
  );
}

function CommandsForm({
  projectId,
  mailboxes,
  defaults,
}: {
  projectId: string;
  mailboxes: Comparison;
  defaults: { forwardingDomain: string | null; zimbraSmartHost: string | null };
}) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [batchName, setBatchName] = useState('Batch 1');
  const [forwardingDomain, setForwardingDomain] = useState(defaults.forwardingDomain ?? '');
  const [zimbraSmartHost, setZimbraSmartHost] = useState(defaults.zimbraSmartHost ?? '');
  const [keepLocalCopy, setKeepLocalCopy] = useState(false);
  const [commands, setCommands] = useState<Commands>();
  const [error, setError] = useState<ApiError>();

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const generate = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      setCommands(
        await api.post('/api/projects/{id}/cutover/commands', {
          params: { id: projectId },
          body: { mailboxIds: [...selected], batchName, forwardingDomain, zimbraSmartHost, keepLocalCopy },
        }),
      );
    } catch (caught) {
      setCommands(undefined);
      setError(asApiError(caught));
    }
  };

  return (
    <form className="form" onSubmit={(event) => void generate(event)} aria-label="Coexistence commands">
      <fieldset className="subform">
        <legend>Migrated mailboxes of this batch</legend>
        {mailboxes.map((m) => (
          <CheckboxField
            key={m.mailboxId}
            label={`${m.source} → ${m.destination}`}
            checked={selected.has(m.mailboxId)}
            onChange={() => toggle(m.mailboxId)}
          />
        ))}
      </fieldset>
      <FormField label="Batch name" value={batchName} onChange={(e) => setBatchName(e.target.value)} />
      <FormField
        label="Forward to domain"
        required
        hint="The tenant’s <tenant>.onmicrosoft.com, or a routing domain whose MX is Exchange Online."
        value={forwardingDomain}
        onChange={(e) => setForwardingDomain(e.target.value)}
      />
      <FormField
        label="Zimbra mail server"
        required
        hint="The Zimbra MTA Exchange Online relays mail to for users not moved yet (port 25)."
        value={zimbraSmartHost}
        onChange={(e) => setZimbraSmartHost(e.target.value)}
      />
      <CheckboxField
        label="Keep a copy in Zimbra"
        hint="Otherwise mail of migrated users goes to Microsoft 365 only."
        checked={keepLocalCopy}
        onChange={setKeepLocalCopy}
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={selected.size === 0}>
          Generate commands
        </button>
      </div>
      {error !== undefined && (
        <Alert tone="error" title="The commands were not generated">
          <p>{error.message}</p>
        </Alert>
      )}
      {commands !== undefined &&
        [
          { title: 'On the Zimbra server (as the zimbra user)', file: commands.zimbra },
          { title: 'In Exchange Online PowerShell', file: commands.exchange },
        ].map(({ title, file }) => (
          <section key={file.filename} aria-label={title}>
            <h3 className="subheading">
              {title}{' '}
              <button
                type="button"
                className="button button-small"
                onClick={() => download(file.filename, file.script)}
              >
                Download {file.filename}
              </button>
            </h3>
            <pre className="instructions">{file.script}</pre>
          </section>
        ))}
    </form>
  );
}

function FinalPass({
  projectId,
  mailboxIds,
  onScheduled,
}: {
  projectId: string;
  mailboxIds: readonly string[];
  onScheduled: () => void;
}) {
  const notify = useToast();
  const [startAt, setStartAt] = useState('');
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<ApiError>();

  const start = async (event: FormEvent) => {
    event.preventDefault();
    setStarting(true);
    setError(undefined);
    try {
      const started = await api.post('/api/projects/{id}/passes', {
        params: { id: projectId },
        body: {
          pass: 'full',
          mailboxIds: [...mailboxIds],
          ...(startAt === '' ? {} : { scheduledAt: new Date(startAt).toISOString() }),
        },
      });
      notify(
        'success',
        `Full Migration ${started.scheduledAt === null ? 'started' : 'scheduled'} for ${plural(started.mailboxes, 'mailbox', 'mailboxes')}.`,
      );
      onScheduled();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setStarting(false);
    }
  };

  return (
    <form className="form" onSubmit={(event) => void start(event)} aria-label="Final Full pass">
      <p>
        Mail that reached Zimbra before the switch took effect is moved by one more Full pass; nothing already
        moved is copied twice. Start it as soon as the MX record is done on every resolver, or schedule it for
        the time you switch.
      </p>
      <FormField
        label="Start at (optional)"
        type="datetime-local"
        hint="Leave empty to start now."
        value={startAt}
        onChange={(e) => setStartAt(e.target.value)}
      />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={starting || mailboxIds.length === 0}
        >
          {starting
            ? 'Starting…'
            : startAt === ''
              ? 'Start the final Full pass'
              : 'Schedule the final Full pass'}
        </button>
      </div>
      {error !== undefined && (
        <Alert tone="error" title="The Full pass did not start">
          <p>{error.message}</p>
        </Alert>
      )}
    </form>
  );
}

function ComparisonTable({ mailboxes, onRefresh }: { mailboxes: Comparison; onRefresh: () => void }) {
  const order = ['failed-items', 'incomplete', 'not-migrated', 'complete'];
  const sorted = [...mailboxes].sort((a, b) => order.indexOf(a.verdict) - order.indexOf(b.verdict));
  return (
    <>
      <p>
        Items Zimbra holds (as the latest pass listed them) against the items in Microsoft 365, problems
        first.{' '}
        <button type="button" className="button button-small" onClick={onRefresh}>
          Refresh
        </button>
      </p>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Final comparison per mailbox</caption>
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Destination</th>
              <th scope="col">Status</th>
              <th scope="col">In Zimbra</th>
              <th scope="col">In Microsoft 365</th>
              <th scope="col">Failed</th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((m) => (
              <tr key={m.mailboxId}>
                <th scope="row">{m.source}</th>
                <td>{m.destination}</td>
                <td>
                  <StatusChip status={m.status} />
                </td>
                <td>{formatNumber(m.sourceItems)}</td>
                <td>{formatNumber(m.destinationItems)}</td>
                <td>{formatNumber(m.failedItems)}</td>
                <td>
                  <Chip labels={VERDICT_LABELS} value={m.verdict} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
