import type { ResponseOf } from '../../api/client.ts';
import { EndpointChecks } from '../endpoints/EndpointChecks.tsx';

export type ProjectValidation = ResponseOf<'/api/projects/{id}/validate', 'post'>;

/** What Save and Go to Summary found on both endpoints. */
export function ValidationResults({ validation }: { validation: ProjectValidation }) {
  return (
    <div className="validation-results">
      <EndpointChecks label="Source (Zimbra 6.5+)" validation={validation.source} />
      <EndpointChecks label="Destination (Microsoft 365)" validation={validation.destination} />
    </div>
  );
}
