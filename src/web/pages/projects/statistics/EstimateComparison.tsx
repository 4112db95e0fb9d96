import { api } from '../../../api/client.ts';
import { formatBytes, formatDuration, formatNumber } from '../../../format.ts';
import { useLoad } from '../../../hooks/use-load.ts';

const PASS_NAMES: Record<string, string> = {
  verify: 'Verify Credentials',
  trial: 'Trial',
  prestage: 'Pre-Stage',
  full: 'Full',
  retry: 'Retry Errors',
};

/** Finished passes: what the estimate says the work they did takes, against what it took. */
export function EstimateComparison({ projectId }: { projectId: string }) {
  const [passes] = useLoad(
    () => api.get('/api/projects/{id}/estimate/passes', { params: { id: projectId } }),
    [projectId],
  );
  if (passes.status !== 'loaded') return null;
  const rows = passes.data.passes.filter((p) => p.items > 0);
  if (rows.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="estimate-comparison">
      <h2 id="estimate-comparison" className="subheading">
        Estimated and measured duration
      </h2>
      <p className="muted">
        The estimate of each finished pass, for the items it moved, at Microsoft’s per-mailbox ceiling and the
        project’s Maximum concurrent migrations. A measured time far above the estimate points at the source
        server, the network or the workers.
      </p>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Pass</th>
              <th scope="col">Mailboxes</th>
              <th scope="col">Items</th>
              <th scope="col">Mail</th>
              <th scope="col">Estimated</th>
              <th scope="col">Measured</th>
              <th scope="col">Measured ÷ estimated</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.runId}>
                <td>{PASS_NAMES[p.pass] ?? p.pass}</td>
                <td>{formatNumber(p.mailboxes)}</td>
                <td>{formatNumber(p.items)}</td>
                <td>{formatBytes(p.bytes)}</td>
                <td>{formatDuration(p.estimatedMs)}</td>
                <td>{formatDuration(p.measuredMs)}</td>
                <td>{p.estimatedMs === 0 ? '–' : (p.measuredMs / p.estimatedMs).toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
