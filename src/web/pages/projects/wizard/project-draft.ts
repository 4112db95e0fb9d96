export const WIZARD_STEPS = ['type', 'details', 'source', 'destination', 'summary'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/** A project being created or edited; kept for the browser tab so a detour to Endpoints loses nothing. */
export interface ProjectDraft {
  readonly projectId: string | null;
  readonly step: WizardStep;
  readonly name: string;
  readonly customerId: string;
  readonly sourceEndpointId: string;
  readonly destinationEndpointId: string;
}

const KEY = 'ferry.project-draft';

export const NEW_DRAFT: ProjectDraft = {
  projectId: null,
  step: 'type',
  name: '',
  customerId: '',
  sourceEndpointId: '',
  destinationEndpointId: '',
};

export function loadDraft(): ProjectDraft | undefined {
  try {
    const text = sessionStorage.getItem(KEY);
    return text === null ? undefined : { ...NEW_DRAFT, ...(JSON.parse(text) as Partial<ProjectDraft>) };
  } catch {
    return undefined;
  }
}

export function saveDraft(draft: ProjectDraft): void {
  sessionStorage.setItem(KEY, JSON.stringify(draft));
}

export function clearDraft(): void {
  sessionStorage.removeItem(KEY);
}

/** The step whose endpoint an endpoint added elsewhere (on the Endpoints page) should fill. */
export function draftEndpointSide(draft: ProjectDraft | undefined): 'source' | 'destination' | undefined {
  return draft?.step === 'source' || draft?.step === 'destination' ? draft.step : undefined;
}
