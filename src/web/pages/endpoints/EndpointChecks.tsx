import type { ResponseOf } from '../../api/client.ts';

export type EndpointValidation = ResponseOf<'/api/endpoints/{id}/validate', 'post'>;

/** Each check of one endpoint in plain words: what was tested, whether it worked, and the fix when it did not. */
export function EndpointChecks({ label, validation }: { label: string; validation: EndpointValidation }) {
  return (
    <section className="validation" aria-label={label}>
      <h3 className="subheading">
        {label}: {validation.ok ? 'passed' : 'needs attention'}
      </h3>
      <ul className="checks">
        {validation.checks.map((check) => (
          <li key={check.check} className={check.ok ? 'check check-ok' : 'check check-failed'}>
            <span className="check-mark" aria-hidden="true">
              {check.ok ? '✓' : '✕'}
            </span>
            <span>
              <strong>{check.check}</strong>: {check.message}
              {!check.ok && check.fix !== undefined && <span className="check-fix"> Fix: {check.fix}</span>}
            </span>
          </li>
        ))}
      </ul>
      {validation.regionNotice !== null && <p className="region-banner">{validation.regionNotice}</p>}
    </section>
  );
}
