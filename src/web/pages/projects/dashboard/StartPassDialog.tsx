import { type FormEvent, useState } from 'react';

import { api, type ApiError, type RequestOf, type ResponseOf } from '../../../api/client.ts';
import { Alert } from '../../../components/Alert.tsx';
import { FormField, SelectField } from '../../../components/FormField.tsx';
import { Modal } from '../../../components/Modal.tsx';
import { plural } from '../../../format.ts';
import { asApiError } from '../../../session/SessionProvider.tsx';
import { PassEstimate } from './PassEstimate.tsx';

export type PassKind = 'verify' | 'trial' | 'prestage' | 'full' | 'retry';

export const PASS_LABELS: Record<PassKind, string> = {
  verify: 'Verify Credentials',
  trial: 'Trial Migration',
  prestage: 'Pre-Stage Migration',
  full: 'Full Migration',
  retry: 'Retry Errors',
};

const PASS_EXPLANATIONS: Record<PassKind, string> = {
  verify: 'Checks both sides for each mailbox and moves nothing.',
  trial: 'Moves up to 10 items (5 MB at most each) of every folder, so you can check the result first. Free.',
  prestage:
    'Moves mail received before the date you choose; contacts, calendars and tasks wait for the Full pass. Uses the user’s User Migration Bundle license.',
  full: 'Moves everything not moved yet. Nothing already moved is copied twice. Uses the user’s User Migration Bundle license.',
  retry: 'Moves again only the items that failed in the last pass. Free.',
};

interface StartPassDialogProps {
  projectId: string;
  pass: PassKind;
  mailboxIds: readonly string[];
  onClose: () => void;
  onStarted: (message: string) => void;
}

/** The dialog a pass opens from the Start menu: its scheduling, then Start Migration. */
export function StartPassDialog({ projectId, pass, mailboxIds, onClose, onStarted }: StartPassDialogProps) {
  const [schedule, setSchedule] = useState('90');
  const [before, setBefore] = useState('');
  const [startAt, setStartAt] = useState('');
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<ApiError>();

  const start = async (event: FormEvent) => {
    event.preventDefault();
    setStarting(true);
    setError(undefined);
    try {
      const started = await startPass(projectId, pass, mailboxIds, {
        ...(pass === 'prestage'
          ? { prestage: schedule === 'date' ? { before } : { daysAgo: Number(schedule) as 30 | 60 | 90 } }
          : {}),
        ...(startAt === '' ? {} : { scheduledAt: new Date(startAt).toISOString() }),
      });
      onStarted(startedMessage(started, startAt === '' ? 'started' : 'scheduled'));
    } catch (caught) {
      setError(asApiError(caught));
      setStarting(false);
    }
  };

  return (
    <Modal
      title={PASS_LABELS[pass]}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="start-pass" className="button button-primary" disabled={starting}>
            {starting ? 'Starting…' : 'Start Migration'}
          </button>
        </>
      }
    >
      <form id="start-pass" className="form" onSubmit={(event) => void start(event)}>
        <p>
          {PASS_EXPLANATIONS[pass]} Selected: {plural(mailboxIds.length, 'mailbox', 'mailboxes')}.
        </p>
        {(pass === 'prestage' || pass === 'full') && (
          <PassEstimate projectId={projectId} mailboxIds={mailboxIds} pass={pass} />
        )}
        {pass === 'prestage' && (
          <fieldset className="subform">
            <legend>Migration Scheduling</legend>
            <SelectField
              label="Migrate mail received before"
              value={schedule}
              onChange={(event) => setSchedule(event.target.value)}
              options={[
                { value: '30', label: '30 days ago' },
                { value: '60', label: '60 days ago' },
                { value: '90', label: '90 days ago' },
                { value: 'date', label: 'A date' },
              ]}
            />
            {schedule === 'date' && (
              <FormField
                label="Date"
                type="date"
                required
                value={before}
                onChange={(event) => setBefore(event.target.value)}
              />
            )}
          </fieldset>
        )}
        <FormField
          label="Start at (optional)"
          type="datetime-local"
          hint="Leave empty to start now."
          value={startAt}
          onChange={(event) => setStartAt(event.target.value)}
        />
        {error !== undefined && (
          <Alert tone="error" title="The migration did not start">
            <p>{error.message}</p>
          </Alert>
        )}
      </form>
    </Modal>
  );
}

type Started = ResponseOf<'/api/projects/{id}/passes', 'post'>;

/** "Retry Errors started for 1 mailbox. Not retried: bob@… completed without errors: …" */
export function startedMessage(started: Started, verb: 'started' | 'scheduled' = 'started'): string {
  const text = `${PASS_LABELS[started.pass]} ${verb} for ${plural(started.mailboxes, 'mailbox', 'mailboxes')}.`;
  if (started.skipped.length === 0) return text;
  return `${text} Not retried: ${started.skipped.map((s) => `${s.source} ${s.reason}`).join('; ')}.`;
}

export function startPass(
  projectId: string,
  pass: PassKind,
  mailboxIds: readonly string[],
  extra: Omit<RequestOf<'/api/projects/{id}/passes', 'post'>['body'], 'pass' | 'mailboxIds'> = {},
) {
  return api.post('/api/projects/{id}/passes', {
    params: { id: projectId },
    body: { pass, mailboxIds: [...mailboxIds], ...extra },
  });
}
