import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import { api, type ApiError } from '../../../api/client.ts';
import { Alert } from '../../../components/Alert.tsx';
import { FormField, RadioGroup, SelectField } from '../../../components/FormField.tsx';
import { LoadingState } from '../../../components/LoadingState.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { asApiError } from '../../../session/SessionProvider.tsx';
import { ValidationResults } from '../ValidationResults.tsx';
import { EndpointStep, type EndpointStepHandle } from './EndpointStep.tsx';
import {
  clearDraft,
  loadDraft,
  NEW_DRAFT,
  type ProjectDraft,
  saveDraft,
  WIZARD_STEPS,
  type WizardStep,
} from './project-draft.ts';

const STEP_TITLES: Record<WizardStep, string> = {
  type: 'Project type',
  details: 'Project name and customer',
  source: 'Source',
  destination: 'Destination',
  summary: 'Save',
};

type Validation = Awaited<ReturnType<typeof validateProject>>;

function validateProject(id: string) {
  return api.post('/api/projects/{id}/validate', { params: { id } });
}

/**
 * Create Project (and Edit Project): Mailbox Project → Next Step → name and customer → Next Step →
 * source endpoint → Next Step → destination endpoint → Next Step → Save Project or Save and Go to Summary.
 */
export function CreateProjectPage() {
  const { projectId } = useParams();
  const navigate = useNavigate();
  const [draft, setDraftState] = useState<ProjectDraft>(() => {
    const stored = loadDraft();
    if (projectId === undefined) return stored?.projectId === null ? stored : NEW_DRAFT;
    return stored?.projectId === projectId ? stored : { ...NEW_DRAFT, projectId, step: 'details' };
  });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiError>();
  const [validation, setValidation] = useState<Validation>();
  const endpointStep = useRef<EndpointStepHandle>(null);
  const [customers] = useLoad(() => api.get('/api/customers', { query: { page: 1, pageSize: 500 } }), []);
  const [existing] = useLoad(
    () =>
      projectId === undefined
        ? Promise.resolve(undefined)
        : api.get('/api/projects/{id}/summary', { params: { id: projectId } }),
    [projectId],
  );

  const [endpointNames] = useLoad(async () => {
    const name = async (id: string) =>
      id === '' ? 'Not chosen yet' : (await api.get('/api/endpoints/{id}', { params: { id } })).name;
    const [source, destination] = await Promise.all([
      name(draft.sourceEndpointId),
      name(draft.destinationEndpointId),
    ]);
    return { source, destination };
  }, [draft.sourceEndpointId, draft.destinationEndpointId]);

  const setDraft = (next: ProjectDraft) => {
    saveDraft(next);
    setDraftState(next);
  };

  useEffect(() => {
    if (existing.status !== 'loaded' || existing.data === undefined || draft.name !== '') return;
    const { project } = existing.data;
    setDraft({
      ...draft,
      name: project.name,
      customerId: project.customerId,
      sourceEndpointId: project.sourceEndpointId,
      destinationEndpointId: project.destinationEndpointId,
    });
    // Only once the project arrives: later edits belong to the agent.
  }, [existing.status]);

  const stepIndex = WIZARD_STEPS.indexOf(draft.step);
  const regionNotice = existing.status === 'loaded' ? (existing.data?.regionNotice ?? null) : null;
  const goTo = (step: WizardStep) => {
    setProblem(undefined);
    setDraft({ ...draft, step });
  };

  const nextStep = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    if (draft.step === 'source' || draft.step === 'destination') {
      setBusy(true);
      try {
        const endpointId = await endpointStep.current?.commit();
        if (endpointId === undefined) return;
        const key = draft.step === 'source' ? 'sourceEndpointId' : 'destinationEndpointId';
        setDraft({ ...draft, [key]: endpointId, step: WIZARD_STEPS[stepIndex + 1] ?? 'summary' });
      } catch (error) {
        setProblem(asApiError(error));
      } finally {
        setBusy(false);
      }
      return;
    }
    goTo(WIZARD_STEPS[stepIndex + 1] ?? 'summary');
  };

  const save = async (thenValidate: boolean) => {
    setBusy(true);
    setProblem(undefined);
    setValidation(undefined);
    try {
      const body = {
        name: draft.name.trim(),
        customerId: draft.customerId,
        sourceEndpointId: draft.sourceEndpointId,
        destinationEndpointId: draft.destinationEndpointId,
      };
      const saved =
        draft.projectId === null
          ? await api.post('/api/projects', { body })
          : await api.put('/api/projects/{id}', { params: { id: draft.projectId }, body });
      const withId = { ...draft, projectId: saved.id };
      setDraft(withId);
      if (!thenValidate) {
        clearDraft();
        await navigate(`/projects/${saved.id}`);
        return;
      }
      const result = await validateProject(saved.id);
      if (result.ok) {
        clearDraft();
        await navigate(`/projects/${saved.id}`, { state: { validation: result } });
        return;
      }
      setValidation(result);
      const failedSide = result.source.ok ? 'destination' : 'source';
      setDraft({ ...withId, step: failedSide });
    } catch (error) {
      setProblem(asApiError(error));
    } finally {
      setBusy(false);
    }
  };

  const title = projectId === undefined ? 'Create Project' : 'Edit Project';
  const customerOptions =
    customers.status === 'loaded'
      ? customers.data.items.map((customer) => ({ value: customer.id, label: customer.companyName }))
      : [];

  return (
    <>
      <p className="breadcrumb">
        <Link to="/projects">My Projects</Link>
      </p>
      <PageHeader
        title={title}
        description={`Step ${stepIndex + 1} of ${WIZARD_STEPS.length}: ${STEP_TITLES[draft.step]}`}
      />
      {regionNotice !== null && <p className="region-banner">{regionNotice}</p>}
      <ol className="steps" aria-label="Steps">
        {WIZARD_STEPS.map((step, index) => (
          <li
            key={step}
            className={
              index === stepIndex ? 'step step-current' : index < stepIndex ? 'step step-done' : 'step'
            }
            aria-current={index === stepIndex ? 'step' : undefined}
          >
            {STEP_TITLES[step]}
          </li>
        ))}
      </ol>
      {validation !== undefined && (
        <Alert tone="error" title="The endpoints did not pass validation">
          <p>Fix what is listed below, then click Next Step and Save and Go to Summary again.</p>
          <ValidationResults validation={validation} />
        </Alert>
      )}
      {problem !== undefined && (
        <Alert tone="error" title="That did not work">
          <p>{problem.message}</p>
        </Alert>
      )}
      <form className="panel form wizard" onSubmit={(event) => void nextStep(event)}>
        {draft.step === 'type' && (
          <RadioGroup<'mailbox'>
            legend="What do you want to migrate?"
            name="projectType"
            value="mailbox"
            onChange={() => undefined}
            options={[
              {
                value: 'mailbox',
                label: 'Mailbox Project',
                hint: 'Mail, folders, contacts, calendars and tasks of each user’s primary mailbox, from Zimbra to Microsoft 365.',
              },
            ]}
          />
        )}
        {draft.step === 'details' && (
          <>
            <FormField
              label="Project name"
              required
              maxLength={200}
              value={draft.name}
              onChange={(event) => setDraft({ ...draft, name: event.target.value })}
            />
            {customers.status === 'loading' && <LoadingState label="Loading customers…" />}
            <SelectField
              label="Customer"
              required
              placeholder="Select a customer"
              options={customerOptions}
              value={draft.customerId}
              onChange={(event) => setDraft({ ...draft, customerId: event.target.value })}
              hint={
                customers.status === 'loaded' && customerOptions.length === 0 ? (
                  <>
                    There is no customer yet: <Link to="/customers">add one under All Customers</Link> first.
                  </>
                ) : undefined
              }
            />
          </>
        )}
        {(draft.step === 'source' || draft.step === 'destination') && (
          <EndpointStep
            key={draft.step}
            ref={endpointStep}
            side={draft.step}
            selectedId={draft.step === 'source' ? draft.sourceEndpointId : draft.destinationEndpointId}
            onSelect={(id) =>
              setDraft({
                ...draft,
                [draft.step === 'source' ? 'sourceEndpointId' : 'destinationEndpointId']: id,
              })
            }
          />
        )}
        {draft.step === 'summary' && (
          <>
            <p>
              Save the project now, or save it and go to its summary: Ferry then checks both endpoints — the
              Zimbra mail and admin ports with the admin account, and the Microsoft 365 app registration — and
              tells you in plain words what to fix.
            </p>
            <dl className="details">
              <dt>Project name</dt>
              <dd>{draft.name}</dd>
              <dt>Customer</dt>
              <dd>{customerOptions.find((option) => option.value === draft.customerId)?.label ?? '—'}</dd>
              <dt>Source</dt>
              <dd>{endpointNames.status === 'loaded' ? endpointNames.data.source : '…'}</dd>
              <dt>Destination</dt>
              <dd>{endpointNames.status === 'loaded' ? endpointNames.data.destination : '…'}</dd>
            </dl>
          </>
        )}
        <div className="form-actions">
          {stepIndex > 0 && (
            <button
              type="button"
              className="button button-quiet"
              onClick={() => goTo(WIZARD_STEPS[stepIndex - 1] ?? 'type')}
            >
              Back
            </button>
          )}
          {draft.step === 'summary' ? (
            <>
              <button type="button" className="button" disabled={busy} onClick={() => void save(false)}>
                Save Project
              </button>
              <button
                type="button"
                className="button button-primary"
                disabled={busy}
                onClick={() => void save(true)}
              >
                {busy ? 'Checking the endpoints…' : 'Save and Go to Summary'}
              </button>
            </>
          ) : (
            <button type="submit" className="button button-primary" disabled={busy}>
              Next Step
            </button>
          )}
        </div>
      </form>
    </>
  );
}
