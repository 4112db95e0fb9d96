import { useState } from 'react';
import { Link } from 'react-router';

import { api, type ApiError } from '../../api/client.ts';
import { Alert } from '../../components/Alert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager } from '../../components/Pager.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { asApiError } from '../../session/SessionProvider.tsx';
import { useAgent } from '../../session/session-context.ts';
import { LoadStatus } from '../../components/LoadStatus.tsx';

const PAGE_SIZE = 20;
const EVENT_LABELS = { granted: 'Granted', applied: 'Applied', used: 'Used' } as const;
const MONEY = (cents: number, currency: string) =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);

/** The workgroup's User Migration Bundle licenses: how many are free, the orders, and the licence log. */
export function LicensesPage() {
  const agent = useAgent();
  const financial = agent.role === 'administrator' || agent.role === 'manager';
  const [summary, reloadSummary] = useLoad(() => api.get('/api/licenses'), []);

  return (
    <>
      <PageHeader
        title="Licenses"
        description="User Migration Bundle licenses of this workgroup and what happened to them."
        actions={
          financial ? (
            <Link to="/purchase" className="button button-primary">
              Purchase
            </Link>
          ) : undefined
        }
      />
      <LoadStatus
        state={summary}
        loading="Counting licenses…"
        failed="The licenses could not be counted"
        onRetry={reloadSummary}
      />
      {summary.status === 'loaded' && (
        <dl className="stat-cards">
          <div>
            <dt>Available</dt>
            <dd>{formatNumber(summary.data.available)}</dd>
          </div>
          <div>
            <dt>Assigned</dt>
            <dd>{formatNumber(summary.data.assigned)}</dd>
          </div>
          <div>
            <dt>Used</dt>
            <dd>{formatNumber(summary.data.used)}</dd>
          </div>
          <div>
            <dt>Pending payment</dt>
            <dd>{formatNumber(summary.data.pending)}</dd>
          </div>
          <div>
            <dt>Expiring within 30 days</dt>
            <dd>{formatNumber(summary.data.expiringSoon)}</dd>
          </div>
          <div>
            <dt>Expired</dt>
            <dd>{formatNumber(summary.data.expired)}</dd>
          </div>
        </dl>
      )}
      {summary.status === 'loaded' && summary.data.available === 0 && summary.data.assigned === 0 && (
        <Alert tone="info" title="No licenses yet">
          <p>
            Pre-Stage and Full migrations need one User Migration Bundle license per user.{' '}
            {financial
              ? 'Buy them under Purchase, then apply them on a customer’s Users tab.'
              : 'Ask a Manager or Administrator to purchase them.'}
          </p>
        </Alert>
      )}
      {financial && <Orders onPaid={() => void reloadSummary()} />}
      {financial && <LicenceLog />}
    </>
  );
}

function Orders({ onPaid }: { onPaid: () => void }) {
  const [page, setPage] = useState(1);
  const notify = useToast();
  const [orders, reload] = useLoad(
    () => api.get('/api/licenses/orders', { query: { page, pageSize: PAGE_SIZE } }),
    [page],
  );
  const [recording, setRecording] = useState<string>();
  const [error, setError] = useState<ApiError>();

  const record = async (id: string) => {
    setRecording(id);
    setError(undefined);
    try {
      const order = await api.post('/api/licenses/orders/{id}/payment', { params: { id }, body: {} });
      notify('success', `Payment recorded: ${formatNumber(order.quantity)} licenses are available.`);
      onPaid();
      await reload();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setRecording(undefined);
    }
  };

  return (
    <section className="panel" aria-labelledby="orders-title">
      <h2 id="orders-title">Orders</h2>
      {error !== undefined && (
        <Alert tone="error" title="The payment was not recorded">
          <p>{error.message}</p>
        </Alert>
      )}
      <LoadStatus
        state={orders}
        loading="Loading orders…"
        failed="The orders could not be loaded"
        onRetry={reload}
      />
      {orders.status === 'loaded' &&
        (orders.data.total === 0 ? (
          <p className="muted">No order yet.</p>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Licence orders</caption>
                <thead>
                  <tr>
                    <th scope="col">Ordered</th>
                    <th scope="col">Quantity</th>
                    <th scope="col">Amount</th>
                    <th scope="col">Payment</th>
                    <th scope="col">Status</th>
                    <th scope="col">Expires</th>
                  </tr>
                </thead>
                <tbody>
                  {orders.data.items.map((order) => (
                    <tr key={order.id}>
                      <td>{formatDateTime(order.createdAt)}</td>
                      <td>{formatNumber(order.quantity)}</td>
                      <td>{MONEY(order.amountCents, order.currency)}</td>
                      <td>
                        {order.paymentMethod === 'card'
                          ? `Card ••••${order.cardLast4 ?? ''}`
                          : 'Wire transfer'}
                      </td>
                      <td>
                        {order.status === 'paid' ? (
                          <span className="badge badge-ok">Paid {formatDateTime(order.paidAt)}</span>
                        ) : (
                          <span className="confirm">
                            <span className="badge">Waiting for payment</span>
                            <button
                              type="button"
                              className="button button-small"
                              disabled={recording === order.id}
                              onClick={() => void record(order.id)}
                            >
                              Record payment
                            </button>
                          </span>
                        )}
                      </td>
                      <td>{formatDateTime(order.expiresAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={PAGE_SIZE} total={orders.data.total} onPage={setPage} />
          </>
        ))}
    </section>
  );
}

function LicenceLog() {
  const [page, setPage] = useState(1);
  const [log, reload] = useLoad(
    () => api.get('/api/licenses/log', { query: { page, pageSize: PAGE_SIZE } }),
    [page],
  );
  return (
    <section className="panel" aria-labelledby="log-title">
      <h2 id="log-title">Licence log</h2>
      <LoadStatus
        state={log}
        loading="Loading the log…"
        failed="The licence log could not be loaded"
        onRetry={reload}
      />
      {log.status === 'loaded' &&
        (log.data.total === 0 ? (
          <p className="muted">Nothing happened to licenses yet.</p>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Licence log</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Event</th>
                    <th scope="col">Licenses</th>
                    <th scope="col">User</th>
                    <th scope="col">Pass</th>
                  </tr>
                </thead>
                <tbody>
                  {log.data.items.map((entry) => (
                    <tr key={entry.id}>
                      <td>{formatDateTime(entry.at)}</td>
                      <td>{EVENT_LABELS[entry.event]}</td>
                      <td>{formatNumber(entry.quantity)}</td>
                      <td>{entry.userEmail ?? '—'}</td>
                      <td>{entry.pass ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={PAGE_SIZE} total={log.data.total} onPage={setPage} />
          </>
        ))}
    </section>
  );
}
