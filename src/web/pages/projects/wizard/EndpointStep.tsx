import { type Ref, useCallback, useImperativeHandle, useState } from 'react';

import { api } from '../../../api/client.ts';
import { fieldErrors } from '../../../api/field-errors.ts';
import { Alert } from '../../../components/Alert.tsx';
import { FormField, SelectField } from '../../../components/FormField.tsx';
import { LoadingState } from '../../../components/LoadingState.tsx';
import { SearchBox } from '../../../components/SearchBox.tsx';
import { SecretField } from '../../../components/SecretField.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { asApiError } from '../../../session/SessionProvider.tsx';
import {
  draftBody,
  draftFromEndpoint,
  draftProblems,
  emptyDraft,
  type EndpointDraft,
  secretsOf,
} from '../../endpoints/endpoint-draft.ts';
import { ADMIN_URL_HINT, EndpointFields } from '../../endpoints/EndpointFields.tsx';
import { EndpointSetupHelp } from '../../endpoints/EndpointSetupHelp.tsx';

export interface EndpointStepHandle {
  /** Adds the endpoint being entered, or saves edits to the chosen one; its id, or undefined when a field needs fixing. */
  commit(): Promise<string | undefined>;
}

interface EndpointStepProps {
  side: 'source' | 'destination';
  selectedId: string;
  onSelect: (id: string) => void;
  ref: Ref<EndpointStepHandle>;
}

/** Choose the project's source (Zimbra 6.5+) or destination (Microsoft 365) endpoint, or Add Endpoint. */
export function EndpointStep({ side, selectedId, onSelect, ref }: EndpointStepProps) {
  const kind = side === 'source' ? 'zimbra' : 'm365';
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState<EndpointDraft>(emptyDraft(kind));
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [problem, setProblem] = useState<string>();
  const [endpoints, reload] = useLoad(
    () =>
      api.get('/api/endpoints', {
        query: { kind, page: 1, pageSize: 500, ...(search === '' ? {} : { search }) },
      }),
    [kind, search],
  );
  const [selected, reloadSelected] = useLoad(
    () =>
      selectedId === ''
        ? Promise.resolve(undefined)
        : api.get('/api/endpoints/{id}', { params: { id: selectedId } }),
    [selectedId],
  );
  const [ids, setIds] = useState<EndpointDraft>();
  const onSearch = useCallback((text: string) => setSearch(text), []);
  const selectedEndpoint = selected.status === 'loaded' ? selected.data : undefined;
  const editable = ids ?? (selectedEndpoint === undefined ? undefined : draftFromEndpoint(selectedEndpoint));

  const submitNew = async (): Promise<string | undefined> => {
    const found = draftProblems(draft, { password: false, clientSecret: false });
    setErrors(found);
    if (Object.keys(found).length > 0) return undefined;
    try {
      const created = await api.post('/api/endpoints', { body: draftBody(draft) });
      setAdding(false);
      setDraft(emptyDraft(kind));
      onSelect(created.id);
      void reload();
      return created.id;
    } catch (error) {
      const apiError = asApiError(error);
      setErrors(fieldErrors(apiError));
      setProblem(apiError.message);
      return undefined;
    }
  };

  useImperativeHandle(ref, () => ({
    async commit() {
      setProblem(undefined);
      if (adding) return submitNew();
      if (selectedId === '') {
        setProblem(
          side === 'source'
            ? 'Select the Zimbra 6.5+ source endpoint, or click Add Endpoint to create one.'
            : 'Select the Microsoft 365 destination endpoint, or click Add Endpoint to create one.',
        );
        return undefined;
      }
      // Edits exist only once the chosen endpoint has loaded; without edits, Next Step need not wait for it.
      if (ids !== undefined && selectedEndpoint !== undefined) {
        const found = draftProblems(ids, secretsOf(selectedEndpoint));
        setErrors(found);
        if (Object.keys(found).length > 0) return undefined;
        await api.put('/api/endpoints/{id}', { params: { id: selectedId }, body: draftBody(ids) });
        setIds(undefined);
        void reloadSelected();
      }
      return selectedId;
    },
  }));

  const options =
    endpoints.status === 'loaded'
      ? endpoints.data.items.map((endpoint) => ({ value: endpoint.id, label: endpoint.name }))
      : [];

  return (
    <section
      className="endpoint-step"
      aria-label={side === 'source' ? 'Source endpoint' : 'Destination endpoint'}
    >
      <h2>{side === 'source' ? 'Source: Zimbra 6.5+' : 'Destination: Microsoft 365'}</h2>
      {problem !== undefined && (
        <Alert tone="error" title="The endpoint is not ready">
          <p>{problem}</p>
        </Alert>
      )}
      <div className="endpoint-picker">
        <SearchBox label="Find by name" onSearch={onSearch} />
        {endpoints.status === 'loading' && <LoadingState label="Loading endpoints…" />}
        <SelectField
          label="Endpoints"
          placeholder={
            endpoints.status === 'loading'
              ? 'Loading endpoints…'
              : options.length === 0
                ? 'No endpoint yet: click Add Endpoint'
                : 'Select an endpoint'
          }
          options={options}
          value={selectedId}
          disabled={adding}
          onChange={(event) => {
            setIds(undefined);
            onSelect(event.target.value);
          }}
        />
        <button type="button" className="button" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          {adding ? 'Cancel' : 'Add Endpoint'}
        </button>
      </div>
      {adding && (
        <fieldset className="subform">
          <legend>Add Endpoint</legend>
          <EndpointFields
            draft={draft}
            onChange={setDraft}
            errors={errors}
            kinds={[kind]}
            secretsSet={{ password: false, clientSecret: false }}
          />
          <div className="form-actions">
            <button type="button" className="button button-primary" onClick={() => void submitNew()}>
              Add
            </button>
          </div>
        </fieldset>
      )}
      {!adding && selectedEndpoint !== undefined && editable !== undefined && (
        <>
          {kind === 'zimbra' && (
            <fieldset className="subform">
              <legend>{selectedEndpoint.name}</legend>
              <FormField
                label="Zimbra server URL"
                type="url"
                required
                spellCheck={false}
                value={editable.serverUrl}
                error={errors.serverUrl}
                onChange={(event) => setIds({ ...editable, serverUrl: event.target.value })}
              />
              <FormField
                label="Admin URL"
                type="url"
                spellCheck={false}
                value={editable.adminUrl}
                error={errors.adminUrl}
                hint={ADMIN_URL_HINT}
                onChange={(event) => setIds({ ...editable, adminUrl: event.target.value })}
              />
              {editable.provideCredentials && (
                <SecretField
                  label="Administrator password"
                  isSet={secretsOf(selectedEndpoint).password}
                  value={editable.adminPassword}
                  error={errors.adminPassword}
                  hint="Enter it again if Ferry asks for it after you change a URL; it must not contain a comma."
                  onChange={(value) => setIds({ ...editable, adminPassword: value })}
                />
              )}
            </fieldset>
          )}
          {kind === 'm365' && (
            <fieldset className="subform">
              <legend>{selectedEndpoint.name}</legend>
              <div className="form-grid">
                <FormField
                  label="Application (client) ID"
                  required
                  spellCheck={false}
                  value={editable.applicationId}
                  error={errors.applicationId}
                  onChange={(event) => setIds({ ...editable, applicationId: event.target.value })}
                />
                <FormField
                  label="Directory (tenant) ID"
                  required
                  spellCheck={false}
                  value={editable.tenantId}
                  error={errors.tenantId}
                  onChange={(event) => setIds({ ...editable, tenantId: event.target.value })}
                />
              </div>
              <SecretField
                label="Client Secret"
                isSet={secretsOf(selectedEndpoint).clientSecret}
                value={editable.clientSecret}
                error={errors.clientSecret}
                hint="Mandatory with the API Permissions approach; leave it empty with delegated permissions."
                onChange={(value) => setIds({ ...editable, clientSecret: value })}
              />
            </fieldset>
          )}
          <EndpointSetupHelp endpointId={selectedEndpoint.id} />
        </>
      )}
    </section>
  );
}
