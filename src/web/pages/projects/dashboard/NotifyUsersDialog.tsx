import { type FormEvent, useEffect, useState } from 'react';

import { api, type ApiError } from '../../../api/client.ts';
import { fieldErrors } from '../../../api/field-errors.ts';
import { Alert } from '../../../components/Alert.tsx';
import { CheckboxField, FormField, TextAreaField } from '../../../components/FormField.tsx';
import { LoadStatus } from '../../../components/LoadStatus.tsx';
import { Modal } from '../../../components/Modal.tsx';
import { plural } from '../../../format.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { asApiError } from '../../../session/SessionProvider.tsx';

interface NotifyUsersDialogProps {
  projectId: string;
  mailboxIds: readonly string[];
  onClose: () => void;
  onSent: (message: string) => void;
}

/** Notify Users: tells each selected user, by email, the date and time of their migration. */
export function NotifyUsersDialog({ projectId, mailboxIds, onClose, onSent }: NotifyUsersDialogProps) {
  const [template, reloadTemplate] = useLoad(
    () => api.get('/api/projects/{id}/notify-template', { params: { id: projectId } }),
    [projectId],
  );
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  // The form appears with the template in it: nothing typed before it arrives is overwritten.
  const [ready, setReady] = useState(false);
  const [migrationAt, setMigrationAt] = useState('');
  const [saveTemplate, setSaveTemplate] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError>();
  const errors = fieldErrors(error);
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  useEffect(() => {
    if (template.status !== 'loaded' || ready) return;
    setSubject(template.data.subject);
    setBody(template.data.body);
    setReady(true);
  }, [template, ready]);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(undefined);
    try {
      if (saveTemplate) {
        await api.put('/api/projects/{id}/notify-template', {
          params: { id: projectId },
          body: { subject, body },
        });
      }
      const result = await api.post('/api/projects/{id}/notify', {
        params: { id: projectId },
        body: {
          mailboxIds: [...mailboxIds],
          subject,
          template: body,
          migrationAt: new Date(migrationAt).toISOString(),
          timeZone,
        },
      });
      onSent(`Notification sent to ${plural(result.sent, 'user')}.`);
    } catch (caught) {
      setError(asApiError(caught));
      setSending(false);
    }
  };

  return (
    <Modal
      title="Notify Users"
      wide
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form="notify-users"
            className="button button-primary"
            disabled={sending || !ready}
          >
            {sending ? 'Sending…' : 'Send'}
          </button>
        </>
      }
    >
      <LoadStatus
        state={template}
        loading="Loading the template…"
        failed="The template could not be loaded"
        onRetry={reloadTemplate}
      />
      {ready && (
        <form id="notify-users" className="form" onSubmit={(event) => void send(event)}>
          <p>
            Emails {plural(mailboxIds.length, 'selected user')} at their source address. Placeholders:{' '}
            <code>{'{{firstName}}'}</code>, <code>{'{{email}}'}</code>, <code>{'{{date}}'}</code>,{' '}
            <code>{'{{time}}'}</code>.
          </p>
          {error !== undefined && (
            <Alert tone="error" title="No email was sent">
              <p>{error.message}</p>
            </Alert>
          )}
          <FormField
            label="Migration date and time"
            type="datetime-local"
            required
            hint={`In your time zone, ${timeZone}.`}
            value={migrationAt}
            error={errors.migrationAt}
            onChange={(event) => setMigrationAt(event.target.value)}
          />
          <FormField
            label="Subject"
            required
            value={subject}
            error={errors.subject}
            onChange={(event) => setSubject(event.target.value)}
          />
          <TextAreaField
            label="Message"
            required
            rows={10}
            value={body}
            error={errors.template}
            onChange={(event) => setBody(event.target.value)}
          />
          <CheckboxField
            label="Keep this text as the project’s template for next time"
            checked={saveTemplate}
            onChange={setSaveTemplate}
          />
        </form>
      )}
    </Modal>
  );
}
