import { type FormEvent, useState } from 'react';

import { api, type ApiError, type ResponseOf } from '../../api/client.ts';
import { fieldErrors } from '../../api/field-errors.ts';
import { Alert } from '../../components/Alert.tsx';
import { Modal } from '../../components/Modal.tsx';
import { asApiError } from '../../session/SessionProvider.tsx';
import { EndpointChecks, type EndpointValidation } from './EndpointChecks.tsx';
import { EndpointFields } from './EndpointFields.tsx';
import { EndpointSetupHelp } from './EndpointSetupHelp.tsx';
import {
  draftBody,
  draftFromEndpoint,
  draftProblems,
  emptyDraft,
  type EndpointDraft,
  type EndpointKind,
  secretsOf,
} from './endpoint-draft.ts';

export type Endpoint = ResponseOf<'/api/endpoints/{id}', 'get'>;

interface EndpointDialogProps {
  /** The endpoint to edit; undefined adds a new one. */
  endpoint?: Endpoint | undefined;
  kinds?: readonly EndpointKind[];
  onClose: () => void;
  onSaved: (endpoint: Endpoint) => void;
}

/** Add Endpoint, or edit one: its fields, setup help, and a Validate that tests it now. */
export function EndpointDialog({
  endpoint,
  kinds = ['zimbra', 'm365'],
  onClose,
  onSaved,
}: EndpointDialogProps) {
  const [draft, setDraft] = useState<EndpointDraft>(() =>
    endpoint === undefined ? emptyDraft(kinds[0] ?? 'zimbra') : draftFromEndpoint(endpoint),
  );
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [error, setError] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  const [validation, setValidation] = useState<EndpointValidation | null>(endpoint?.validation ?? null);
  const [validating, setValidating] = useState(false);
  const secrets = endpoint === undefined ? { password: false, clientSecret: false } : secretsOf(endpoint);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    await submit(false);
  };

  /** Saves the form; `clearMailboxPasswords` confirms that a new server URL clears the mailbox passwords stored for the old one. */
  const submit = async (clearMailboxPasswords: boolean) => {
    const found = draftProblems(draft, secrets);
    setErrors(found);
    setError(undefined);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      const body = draftBody(draft);
      const saved =
        endpoint === undefined
          ? await api.post('/api/endpoints', { body })
          : await api.put('/api/endpoints/{id}', {
              params: { id: endpoint.id },
              body: body.kind === 'zimbra' ? { ...body, clearMailboxPasswords } : body,
            });
      onSaved(saved);
    } catch (caught) {
      const apiError = asApiError(caught);
      setErrors(fieldErrors(apiError));
      setError(apiError);
      setSaving(false);
    }
  };
  const confirmClearing = fieldErrors(error).clearMailboxPasswords !== undefined;

  const validate = async () => {
    if (endpoint === undefined) return;
    setValidating(true);
    setError(undefined);
    try {
      setValidation(await api.post('/api/endpoints/{id}/validate', { params: { id: endpoint.id } }));
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setValidating(false);
    }
  };

  return (
    <Modal
      title={endpoint === undefined ? 'Add Endpoint' : endpoint.name}
      wide
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          {endpoint !== undefined && (
            <button type="button" className="button" disabled={validating} onClick={() => void validate()}>
              {validating ? 'Validating…' : 'Validate'}
            </button>
          )}
          <button type="submit" form="endpoint-form" className="button button-primary" disabled={saving}>
            {saving ? 'Saving…' : endpoint === undefined ? 'Add' : 'Save'}
          </button>
        </>
      }
    >
      {endpoint?.regionNotice !== null && endpoint?.regionNotice !== undefined && (
        <p className="region-banner">{endpoint.regionNotice}</p>
      )}
      <form id="endpoint-form" className="form" noValidate onSubmit={(event) => void save(event)}>
        {error !== undefined && (
          <Alert tone="error" title="That did not work">
            <p>{error.message}</p>
            {confirmClearing && (
              <button type="button" className="button" disabled={saving} onClick={() => void submit(true)}>
                Clear the mailbox passwords and save
              </button>
            )}
          </Alert>
        )}
        <EndpointFields
          draft={draft}
          onChange={setDraft}
          errors={errors}
          kinds={endpoint === undefined ? kinds : [endpoint.kind]}
          secretsSet={secrets}
        />
      </form>
      {validation !== null && <EndpointChecks label="Validation" validation={validation} />}
      {endpoint !== undefined && <EndpointSetupHelp endpointId={endpoint.id} />}
    </Modal>
  );
}
