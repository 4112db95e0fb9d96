import { type FormEvent, useEffect, useState } from 'react';

import { api, type ApiError, type ResponseOf } from '../../../api/client.ts';
import { fieldErrors } from '../../../api/field-errors.ts';
import { Alert } from '../../../components/Alert.tsx';
import { CheckboxField, FormField, TextAreaField } from '../../../components/FormField.tsx';
import { LoadingState } from '../../../components/LoadingState.tsx';
import { Modal } from '../../../components/Modal.tsx';
import { Tabs } from '../../../components/Tabs.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { asApiError } from '../../../session/SessionProvider.tsx';

type OptionsResponse = ResponseOf<'/api/projects/{id}/options', 'get'>;
type Options = Omit<OptionsResponse, 'endpointSupport' | 'performanceGuidance'>;

const TABS = [
  { id: 'support', label: 'Support' },
  { id: 'performance', label: 'Performance' },
  { id: 'source-destination', label: 'Source/Destination' },
  { id: 'filtering', label: 'Filtering' },
  { id: 'notifications', label: 'Notifications' },
] as const;

const ITEM_TYPE_LABELS = {
  mail: 'Mail',
  contacts: 'Contacts',
  calendar: 'Calendars',
  tasks: 'Tasks',
  rules: 'Rules',
  outOfOffice: 'Out-of-office',
  forwarding: 'Forwarding',
  signatures: 'Signatures',
} as const;
type ItemType = keyof typeof ITEM_TYPE_LABELS;

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** Advanced Options: Support, Performance, Source/Destination, Filtering, Notifications — one Save for all. */
export function AdvancedOptionsDialog({
  projectId,
  onClose,
  onSaved,
}: {
  projectId: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [loaded] = useLoad(
    () => api.get('/api/projects/{id}/options', { params: { id: projectId } }),
    [projectId],
  );
  const [tab, setTab] = useState<string>('support');
  const [options, setOptions] = useState<Options>();
  const [supportText, setSupportText] = useState('');
  const [recipientsText, setRecipientsText] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError>();
  const errors = fieldErrors(error);

  useEffect(() => {
    if (loaded.status !== 'loaded') return;
    const { endpointSupport: _derived, performanceGuidance: _guidance, ...editable } = loaded.data;
    setOptions(editable);
    setSupportText(editable.support.join('\n'));
    setRecipientsText(editable.notificationRecipients.join('\n'));
  }, [loaded]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (options === undefined) return;
    setSaving(true);
    setError(undefined);
    try {
      await api.put('/api/projects/{id}/options', {
        params: { id: projectId },
        body: { ...options, support: lines(supportText), notificationRecipients: lines(recipientsText) },
      });
      onSaved();
    } catch (caught) {
      setError(asApiError(caught));
      setSaving(false);
    }
  };

  const set = <K extends keyof Options>(name: K, value: Options[K]) =>
    setOptions((previous) => (previous === undefined ? previous : { ...previous, [name]: value }));
  const supportErrors = Object.entries(errors).filter(([field]) => field.startsWith('support'));

  return (
    <Modal
      title="Advanced Options"
      wide
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form="advanced-options"
            className="button button-primary"
            disabled={saving || options === undefined}
          >
            {saving ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      {loaded.status === 'loading' && <LoadingState label="Loading the options…" />}
      {loaded.status === 'error' && (
        <Alert tone="error" title="The options could not be loaded">
          <p>{loaded.error.message}</p>
        </Alert>
      )}
      {options !== undefined && loaded.status === 'loaded' && (
        <form id="advanced-options" onSubmit={(event) => void save(event)}>
          {error !== undefined && (
            <Alert tone="error" title="Nothing was saved">
              <p>{error.message}</p>
            </Alert>
          )}
          <Tabs label="Advanced Options" tabs={TABS} selected={tab} onSelect={setTab}>
            <div hidden={tab !== 'support'} className="form">
              <TextAreaField
                label="Support options"
                hint='One Key=Value per line, for example ZimbraCalendarExpandInstances=1, UseImportMime=1, FolderMapping="^Archive->Old Archive" or RecipientMapping=@example.com->@contoso.com.'
                rows={6}
                spellCheck={false}
                value={supportText}
                error={
                  supportErrors.length === 0
                    ? undefined
                    : supportErrors.map(([, message]) => message).join(' ')
                }
                onChange={(event) => setSupportText(event.target.value)}
              />
              <section aria-labelledby="endpoint-options">
                <h3 id="endpoint-options" className="subheading">
                  From the endpoints (view-only)
                </h3>
                <p className="field-hint">
                  To change these, edit the project’s source or destination endpoint.
                </p>
                <ul className="readonly-options">
                  {loaded.data.endpointSupport.map((option) => (
                    <li key={option.key}>
                      <code>
                        {option.key}={option.value}
                      </code>
                      {option.masked && <span className="muted"> (text-masked)</span>}
                    </li>
                  ))}
                </ul>
              </section>
            </div>
            <div hidden={tab !== 'performance'} className="form">
              <FormField
                label="Maximum concurrent migrations"
                type="number"
                min={1}
                max={100}
                required
                value={String(options.maxConcurrentMigrations)}
                error={errors.maxConcurrentMigrations}
                hint={loaded.data.performanceGuidance}
                onChange={(event) => set('maxConcurrentMigrations', Number(event.target.value))}
              />
            </div>
            <div hidden={tab !== 'source-destination'} className="form">
              <CheckboxField
                label="Use Impersonation to Authenticate"
                hint="Needed by the API Permissions approach (application permissions with a Client Secret). Clear it only with delegated permissions."
                checked={options.useImpersonation}
                onChange={(checked) => set('useImpersonation', checked)}
              />
              <FormField
                label="Maximum message size (MB)"
                type="number"
                min={1}
                max={150}
                value={String(options.maxMessageSizeMB)}
                error={errors.maxMessageSizeMB}
                hint="Exchange Online accepts 35 MB by default and up to 150 MB when the tenant allows it."
                onChange={(event) => set('maxMessageSizeMB', Number(event.target.value))}
              />
            </div>
            <div hidden={tab !== 'filtering'} className="form">
              <fieldset className="radio-group">
                <legend>Item types to migrate</legend>
                {(Object.keys(ITEM_TYPE_LABELS) as ItemType[]).map((type) => (
                  <CheckboxField
                    key={type}
                    label={ITEM_TYPE_LABELS[type]}
                    checked={options.itemTypes.includes(type)}
                    onChange={(checked) =>
                      set(
                        'itemTypes',
                        checked ? [...options.itemTypes, type] : options.itemTypes.filter((t) => t !== type),
                      )
                    }
                  />
                ))}
                {errors.itemTypes !== undefined && <p className="field-error">{errors.itemTypes}</p>}
              </fieldset>
              <FormField
                label="Folder filter"
                placeholder="^(Junk|Trash)$"
                hint="An RE2 pattern (no lookaround, no backreferences): folders whose path matches are left out."
                spellCheck={false}
                value={options.folderFilter ?? ''}
                error={errors.folderFilter}
                onChange={(event) =>
                  set('folderFilter', event.target.value === '' ? null : event.target.value)
                }
              />
              <div className="form-grid">
                <FormField
                  label="Only items received on or after"
                  type="date"
                  value={options.receivedAfter ?? ''}
                  error={errors.receivedAfter}
                  onChange={(event) =>
                    set('receivedAfter', event.target.value === '' ? null : event.target.value)
                  }
                />
                <FormField
                  label="Only items received before"
                  type="date"
                  value={options.receivedBefore ?? ''}
                  error={errors.receivedBefore}
                  onChange={(event) =>
                    set('receivedBefore', event.target.value === '' ? null : event.target.value)
                  }
                />
              </div>
              <CheckboxField
                label="Log subjects of failed items"
                hint="Off by default: subjects can be confidential."
                checked={options.logSubjects}
                onChange={(checked) => set('logSubjects', checked)}
              />
            </div>
            <div hidden={tab !== 'notifications'} className="form">
              <TextAreaField
                label="Notification recipients"
                hint="One email address per line: they receive the emails about this project’s passes."
                rows={4}
                value={recipientsText}
                error={errors.notificationRecipients}
                onChange={(event) => setRecipientsText(event.target.value)}
              />
            </div>
          </Tabs>
        </form>
      )}
    </Modal>
  );
}
