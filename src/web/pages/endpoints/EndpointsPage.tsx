import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router';

import { api } from '../../api/client.ts';
import { Alert } from '../../components/Alert.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager } from '../../components/Pager.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { useToast } from '../../components/Toast.tsx';
import { formatDateTime } from '../../format.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { draftEndpointSide, loadDraft, saveDraft } from '../projects/wizard/project-draft.ts';
import { type Endpoint, EndpointDialog } from './EndpointDialog.tsx';
import { LoadStatus } from '../../components/LoadStatus.tsx';

const PAGE_SIZE = 25;

/**
 * The workgroup's endpoints, searchable and never capped at ten. Reached in the middle of Create
 * Project, an endpoint added here becomes that step's endpoint, and Next Step goes back to it.
 */
export function EndpointsPage() {
  const notify = useToast();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [dialog, setDialog] = useState<{ endpoint?: Endpoint }>();
  const [draft, setDraft] = useState(loadDraft);
  const side = draftEndpointSide(draft);
  const [listing, reload] = useLoad(
    () =>
      api.get('/api/endpoints', {
        query: { page, pageSize: PAGE_SIZE, ...(search === '' ? {} : { search }) },
      }),
    [page, search],
  );
  const onSearch = useCallback((text: string) => {
    setSearch(text);
    setPage(1);
  }, []);

  const saved = (endpoint: Endpoint) => {
    setDialog(undefined);
    notify('success', `Endpoint ${endpoint.name} saved.`);
    if (draft !== undefined && side !== undefined && dialog?.endpoint === undefined) {
      const expected = side === 'source' ? 'zimbra' : 'm365';
      if (endpoint.kind === expected) {
        const next = {
          ...draft,
          [side === 'source' ? 'sourceEndpointId' : 'destinationEndpointId']: endpoint.id,
        };
        saveDraft(next);
        setDraft(next);
      }
    }
    void reload();
  };

  const navigate = useNavigate();
  const backToProject = () => {
    if (draft === undefined || side === undefined) return;
    const chosen = side === 'source' ? draft.sourceEndpointId : draft.destinationEndpointId;
    if (chosen !== '') saveDraft({ ...draft, step: side === 'source' ? 'destination' : 'summary' });
    void navigate(draft.projectId === null ? '/projects/new' : `/projects/${draft.projectId}/edit`);
  };

  return (
    <>
      <PageHeader
        title="Endpoints"
        description="The connection details of each side of a migration, shared by the projects that use them."
        actions={
          <button type="button" className="button button-primary" onClick={() => setDialog({})}>
            Add Endpoint
          </button>
        }
      />
      {side !== undefined && (
        <Alert
          tone="info"
          title={`You are creating the project${draft?.name === '' ? '' : ` “${draft?.name}”`}`}
        >
          <p>
            Add its {side === 'source' ? 'Zimbra 6.5+ source' : 'Microsoft 365 destination'} endpoint here,
            then click Next Step to continue the project where you left it.
          </p>
          <button type="button" className="button button-primary" onClick={backToProject}>
            Next Step
          </button>
        </Alert>
      )}
      {dialog !== undefined && (
        <EndpointDialog
          endpoint={dialog.endpoint}
          kinds={side === 'destination' ? ['m365', 'zimbra'] : ['zimbra', 'm365']}
          onClose={() => setDialog(undefined)}
          onSaved={saved}
        />
      )}
      <div className="toolbar">
        <SearchBox label="Search endpoints" onSearch={onSearch} />
      </div>
      <LoadStatus
        state={listing}
        loading="Loading endpoints…"
        failed="The endpoints could not be loaded"
        onRetry={reload}
      />
      {listing.status === 'loaded' &&
        (listing.data.total === 0 && search === '' ? (
          <EmptyState icon="endpoints" title="No endpoints yet">
            <p>
              Click Add Endpoint for a Zimbra 6.5+ source (server URL and admin account) or a Microsoft 365
              destination (Application (client) ID, Directory (tenant) ID and Client Secret). Credentials are
              stored encrypted and never shown again.
            </p>
          </EmptyState>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Endpoints</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Type</th>
                    <th scope="col">Address or tenant</th>
                    <th scope="col">Region</th>
                    <th scope="col">Last validated</th>
                  </tr>
                </thead>
                <tbody>
                  {listing.data.items.map((endpoint) => (
                    <tr key={endpoint.id}>
                      <th scope="row">
                        <button type="button" className="link-button" onClick={() => setDialog({ endpoint })}>
                          {endpoint.name}
                        </button>
                      </th>
                      <td>{endpoint.kindLabel}</td>
                      <td>{endpoint.zimbra?.serverUrl ?? endpoint.m365?.tenantId ?? '—'}</td>
                      <td>{endpoint.regionName ?? '—'}</td>
                      <td>
                        {endpoint.validation === null ? (
                          <span className="muted">Never</span>
                        ) : (
                          <span className={endpoint.validation.ok ? 'badge badge-ok' : 'badge badge-error'}>
                            {endpoint.validation.ok ? 'Passed' : 'Failed'}{' '}
                            {formatDateTime(endpoint.validatedAt)}
                          </span>
                        )}
                      </td>
                    </tr>
                  ))}
                  {listing.data.items.length === 0 && (
                    <tr>
                      <td colSpan={5} className="muted">
                        No endpoint matches “{search}”.
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={PAGE_SIZE} total={listing.data.total} onPage={setPage} />
          </>
        ))}
    </>
  );
}
