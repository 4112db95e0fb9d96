import { useState } from 'react';

import { CheckboxField, FormField, RadioGroup, SelectField } from '../../components/FormField.tsx';
import { SecretField } from '../../components/SecretField.tsx';
import {
  CLOUD_LABELS,
  type EndpointDraft,
  type EndpointKind,
  KIND_LABELS,
  type NationalCloud,
} from './endpoint-draft.ts';

/** Where the Admin URL comes from when left empty, and when to change it. */
export const ADMIN_URL_HINT =
  'Zimbra’s admin port (SOAP admin services). By default https://<server>:7071: the Zimbra server URL’s host on port 7071. Change it when the admin port check fails, for example behind a proxy on another port.';

interface EndpointFieldsProps {
  draft: EndpointDraft;
  onChange: (draft: EndpointDraft) => void;
  errors: Partial<Record<string, string>>;
  /** Which types may be chosen: a project's source step offers only Zimbra 6.5+, its destination step only Microsoft 365. */
  kinds: readonly EndpointKind[];
  secretsSet: { password: boolean; clientSecret: boolean };
}

/** The Add Endpoint form's fields: name, type, then what that type needs. */
export function EndpointFields({ draft, onChange, errors, kinds, secretsSet }: EndpointFieldsProps) {
  const set = <K extends keyof EndpointDraft>(name: K, value: EndpointDraft[K]) =>
    onChange({ ...draft, [name]: value });
  const text = (name: keyof EndpointDraft) => ({
    value: draft[name] as string,
    error: errors[name],
    onChange: (event: { target: { value: string } }) => set(name, event.target.value),
  });
  const [customAddresses, setCustomAddresses] = useState(draft.authorityUrl !== '' || draft.graphUrl !== '');

  return (
    <>
      <FormField label="Endpoint name" required maxLength={200} {...text('name')} />
      <RadioGroup<EndpointKind>
        legend="Endpoint type"
        name="endpointKind"
        value={draft.kind}
        onChange={(kind) => set('kind', kind)}
        options={kinds.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }))}
      />
      {draft.kind === 'zimbra' ? (
        <>
          <FormField
            label="Zimbra server URL"
            type="url"
            placeholder="https://mail.example.com"
            hint="The address users open webmail at; TLS 1.2 or later."
            required
            {...text('serverUrl')}
          />
          <FormField
            label="Admin URL"
            type="url"
            placeholder="https://mail.example.com:7071"
            hint={ADMIN_URL_HINT}
            {...text('adminUrl')}
          />
        </>
      ) : (
        <SelectField
          label="Cloud"
          value={draft.nationalCloud}
          onChange={(event) => set('nationalCloud', event.target.value as NationalCloud)}
          options={Object.entries(CLOUD_LABELS).map(([value, label]) => ({ value, label }))}
        />
      )}
      <RadioGroup<'yes' | 'no'>
        legend="Credentials"
        name={`credentials-${draft.kind}`}
        value={draft.provideCredentials ? 'yes' : 'no'}
        onChange={(value) => set('provideCredentials', value === 'yes')}
        options={[
          {
            value: 'yes',
            label: 'Provide Credentials',
            hint:
              draft.kind === 'zimbra'
                ? 'The migration admin account reaches every mailbox (admin mode).'
                : 'Ferry uses the app registration below to reach every mailbox.',
          },
          {
            value: 'no',
            label: 'Do not Provide Credentials',
            hint:
              draft.kind === 'zimbra'
                ? 'Regular-user mode: each mailbox is added with its own password.'
                : 'Delegated permissions: leave the Client Secret empty.',
          },
        ]}
      />
      {draft.kind === 'zimbra' && draft.provideCredentials && (
        <div className="form-grid">
          <FormField
            label="Administrator username"
            autoComplete="off"
            placeholder="admin@example.com"
            required
            {...text('adminUsername')}
          />
          <SecretField
            label="Administrator password"
            isSet={secretsSet.password}
            value={draft.adminPassword}
            onChange={(value) => set('adminPassword', value)}
            error={errors.adminPassword}
            hint="Must not contain a comma."
            required
          />
        </div>
      )}
      {draft.kind === 'm365' && (
        <>
          <div className="form-grid">
            <FormField
              label="Application (client) ID"
              autoComplete="off"
              spellCheck={false}
              required
              {...text('applicationId')}
            />
            <FormField
              label="Directory (tenant) ID"
              autoComplete="off"
              spellCheck={false}
              hint="A GUID or the tenant’s domain, such as contoso.onmicrosoft.com."
              required
              {...text('tenantId')}
            />
          </div>
          <SecretField
            label="Client Secret"
            isSet={secretsSet.clientSecret}
            value={draft.clientSecret}
            onChange={(value) => set('clientSecret', value)}
            error={errors.clientSecret}
            hint="Mandatory with the API Permissions approach; leave it empty with delegated permissions."
          />
          <CheckboxField
            label="Use other identity and Graph addresses"
            hint="Only for an identity proxy or a test tenant; real tenants use their cloud’s addresses."
            checked={customAddresses}
            onChange={setCustomAddresses}
          />
          {customAddresses && (
            <div className="form-grid">
              <FormField label="Identity authority URL" type="url" {...text('authorityUrl')} />
              <FormField label="Graph URL" type="url" {...text('graphUrl')} />
            </div>
          )}
        </>
      )}
    </>
  );
}
