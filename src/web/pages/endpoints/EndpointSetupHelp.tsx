import { api } from '../../api/client.ts';
import { LoadingState } from '../../components/LoadingState.tsx';
import { useLoad } from '../../hooks/use-load.ts';

/**
 * What to prepare on the other side: for Microsoft 365 the application permissions and the
 * admin-consent link for this tenant and app; for Zimbra the zmprov commands for the migration admin.
 */
export function EndpointSetupHelp({ endpointId }: { endpointId: string }) {
  const [setup] = useLoad(
    () => api.get('/api/endpoints/{id}/setup', { params: { id: endpointId } }),
    [endpointId],
  );
  if (setup.status === 'loading') return <LoadingState label="Loading setup help…" />;
  if (setup.status === 'error')
    return <p className="muted">Setup help is unavailable: {setup.error.message}</p>;
  const { m365, zimbra } = setup.data;
  return (
    <details className="setup-help">
      <summary>Setup help</summary>
      {m365 !== null && (
        <>
          <p>
            In the app registration, add these <strong>Application</strong> permissions of Microsoft Graph,
            then have a Global Administrator grant admin consent:
          </p>
          <ul>
            {m365.permissions.map((permission) => (
              <li key={permission.permission}>
                <code>{permission.permission}</code> — {permission.why}
              </li>
            ))}
          </ul>
          <ol>
            {m365.steps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
          <p>
            <a href={m365.adminConsentUrl} target="_blank" rel="noreferrer">
              Open the admin-consent page for this tenant and application
            </a>
          </p>
        </>
      )}
      {zimbra !== null && (
        <>
          <p>Create a migration admin account on the Zimbra server:</p>
          <pre>
            <code>{zimbra.createAdmin}</code>
          </pre>
          <p>or turn an existing account into one:</p>
          <pre>
            <code>{zimbra.promoteAdmin}</code>
          </pre>
          <ul>
            {[...zimbra.ports, ...zimbra.steps].map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}
