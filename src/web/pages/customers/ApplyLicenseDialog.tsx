import { useState } from 'react';
import { Link } from 'react-router';

import { api, type ApiError } from '../../api/client.ts';
import { Alert } from '../../components/Alert.tsx';
import { LoadingState } from '../../components/LoadingState.tsx';
import { Modal } from '../../components/Modal.tsx';
import { formatNumber, plural } from '../../format.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { asApiError } from '../../session/SessionProvider.tsx';

interface ApplyLicenseDialogProps {
  userIds: readonly string[];
  onClose: () => void;
  onApplied: (message: string) => void;
}

/** Confirm applies one unassigned license per selected user; with too few, it shows how to purchase. */
export function ApplyLicenseDialog({ userIds, onClose, onApplied }: ApplyLicenseDialogProps) {
  const [summary] = useLoad(() => api.get('/api/licenses'), []);
  const [applying, setApplying] = useState(false);
  const [error, setError] = useState<ApiError>();
  const available = summary.status === 'loaded' ? summary.data.available : undefined;
  const short = available !== undefined && available < userIds.length;

  const confirm = async () => {
    setApplying(true);
    setError(undefined);
    try {
      const result = await api.post('/api/licenses/apply', { body: { customerUserIds: [...userIds] } });
      const already = result.alreadyLicensed.length;
      onApplied(
        `User Migration Bundle license applied to ${plural(result.applied.length, 'user')}` +
          (already > 0 ? `; ${plural(already, 'user')} already had one.` : '.'),
      );
    } catch (caught) {
      setError(asApiError(caught));
      setApplying(false);
    }
  };

  return (
    <Modal
      title="Apply User Migration Bundle License"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={applying || short || summary.status !== 'loaded'}
            onClick={() => void confirm()}
          >
            {applying ? 'Applying…' : 'Confirm'}
          </button>
        </>
      }
    >
      <p>
        Apply one User Migration Bundle license to each of the {plural(userIds.length, 'selected user')}.
        Users who already hold one keep it and use no other.
      </p>
      {summary.status === 'loading' && <LoadingState label="Counting your licenses…" />}
      {summary.status === 'error' && (
        <Alert tone="error" title="Your licenses could not be counted">
          <p>{summary.error.message}</p>
        </Alert>
      )}
      {available !== undefined && !short && (
        <p>
          <strong>{formatNumber(available)}</strong> unassigned license{available === 1 ? ' is' : 's are'}{' '}
          available.
        </p>
      )}
      {short && (
        <Alert tone="warning" title="Not enough licenses">
          <p>
            You have {formatNumber(available)} unassigned license{available === 1 ? '' : 's'} and selected{' '}
            {formatNumber(userIds.length)} users. Purchase {formatNumber(userIds.length - available)} more
            under <Link to="/purchase">Purchase</Link> (card: available at once; wire transfer: 100 or more,
            available when the payment is recorded), then come back and apply them.
          </p>
        </Alert>
      )}
      {error !== undefined && (
        <Alert tone="error" title="The licenses were not applied">
          <p>{error.message}</p>
        </Alert>
      )}
    </Modal>
  );
}
