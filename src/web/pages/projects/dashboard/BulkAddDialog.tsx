import { type ChangeEvent, useState } from 'react';

import { api, type ApiError, type ResponseOf } from '../../../api/client.ts';
import { Alert } from '../../../components/Alert.tsx';
import { FormField, TextAreaField } from '../../../components/FormField.tsx';
import { LineProblems } from '../../../components/LineProblems.tsx';
import { Modal } from '../../../components/Modal.tsx';
import { formatNumber, plural } from '../../../format.ts';
import { asApiError } from '../../../session/SessionProvider.tsx';

type Preview = ResponseOf<'/api/projects/{id}/mailboxes/bulk-preview', 'post'>;

const PREVIEW_ROWS = 200;

interface BulkAddDialogProps {
  projectId: string;
  onClose: () => void;
  onAdded: (count: number) => void;
}

/**
 * Bulk Add: paste or choose the CSV (the Zimbra admin console's account export, or
 * source,destination lines), Preview, then add all of them — or none, with every bad line named.
 */
export function BulkAddDialog({ projectId, onClose, onAdded }: BulkAddDialogProps) {
  const [csv, setCsv] = useState('');
  const [destinationDomain, setDestinationDomain] = useState('');
  const [preview, setPreview] = useState<Preview>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const body = () => ({
    csv,
    ...(destinationDomain.trim() === '' ? {} : { destinationDomain: destinationDomain.trim() }),
  });

  const readFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file === undefined) return;
    setCsv(await file.text());
    setPreview(undefined);
  };

  const run = async (step: 'preview' | 'add') => {
    setBusy(true);
    setError(undefined);
    try {
      if (step === 'preview') {
        setPreview(
          await api.post('/api/projects/{id}/mailboxes/bulk-preview', {
            params: { id: projectId },
            body: body(),
          }),
        );
      } else {
        const result = await api.post('/api/projects/{id}/mailboxes/bulk', {
          params: { id: projectId },
          body: body(),
        });
        onAdded(result.added);
      }
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  const ready = preview !== undefined && preview.problems.length === 0 && preview.rows.length > 0;
  return (
    <Modal
      title="Bulk Add"
      wide
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button"
            disabled={busy || csv.trim() === ''}
            onClick={() => void run('preview')}
          >
            Preview
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={busy || !ready}
            onClick={() => void run('add')}
          >
            {preview === undefined ? 'Add Users' : `Add ${plural(preview.rows.length, 'user')}`}
          </button>
        </>
      }
    >
      <ol className="instructions">
        <li>
          In the Zimbra admin console, open Accounts, search for the domain and click Download — or write one
          line per user: <code>source,destination</code>.
        </li>
        <li>Choose that file below, or paste its content.</li>
        <li>If the file has only Zimbra addresses, enter the Microsoft 365 domain the users move to.</li>
        <li>
          Click Preview, check the list, then add the users. The Zimbra admin account and system accounts of
          the export are left out; if any other line is wrong, nothing is added.
        </li>
      </ol>
      <div className="field">
        <label htmlFor="bulk-file">CSV file</label>
        <input
          id="bulk-file"
          type="file"
          accept=".csv,text/csv,text/plain"
          onChange={(event) => void readFile(event)}
        />
      </div>
      <TextAreaField
        label="CSV content"
        rows={8}
        value={csv}
        onChange={(event) => {
          setCsv(event.target.value);
          setPreview(undefined);
        }}
      />
      <FormField
        label="Destination domain"
        placeholder="contoso.com"
        hint="Optional: rewrites each Zimbra address to this domain for the destination."
        value={destinationDomain}
        onChange={(event) => {
          setDestinationDomain(event.target.value);
          setPreview(undefined);
        }}
      />
      {error !== undefined && (
        <Alert tone="error" title="Nothing was added">
          <p>{error.message}</p>
          <LineProblems details={error.details} />
        </Alert>
      )}
      {preview !== undefined && (
        <section aria-label="Preview">
          {preview.skipped.length > 0 && (
            <Alert
              tone="info"
              title={`${plural(preview.skipped.length, 'line is', 'lines are')} left out: not user mailboxes`}
            >
              <ul>
                {preview.skipped.map((skip) => (
                  <li key={skip.line}>
                    Line {skip.line}: {skip.source} {skip.reason}.
                  </li>
                ))}
              </ul>
            </Alert>
          )}
          {preview.problems.length > 0 ? (
            <Alert
              tone="error"
              title={`${plural(preview.problems.length, 'line needs', 'lines need')} fixing; nothing will be added until then`}
            >
              <LineProblems details={{ problems: preview.problems }} />
            </Alert>
          ) : (
            <p>
              <strong>{plural(preview.rows.length, 'mailbox', 'mailboxes')}</strong> ready to add.
            </p>
          )}
          <div className="table-wrap preview-table">
            <table className="table">
              <caption className="visually-hidden">Mailboxes to add</caption>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Source</th>
                  <th scope="col">Destination</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.slice(0, PREVIEW_ROWS).map((row) => (
                  <tr key={row.line}>
                    <td>{row.line}</td>
                    <td>{row.source}</td>
                    <td>{row.destination}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {preview.rows.length > PREVIEW_ROWS && (
            <p className="muted">…and {formatNumber(preview.rows.length - PREVIEW_ROWS)} more.</p>
          )}
        </section>
      )}
    </Modal>
  );
}
