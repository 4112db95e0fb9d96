import { describe, expect, it } from 'vitest';

import {
  adminConsentUrl,
  defaultAdminUrl,
  graphScope,
  type M365Settings,
  passwordCommaProblem,
  regionNotice,
  zmprovCommands,
} from './endpoint-settings.ts';

const m365: M365Settings = {
  applicationId: '11111111-2222-4333-8444-555555555555',
  tenantId: 'contoso.onmicrosoft.com',
  provideCredentials: true,
  nationalCloud: 'global',
  authorityUrl: null,
  graphUrl: null,
};

describe('endpoint settings', () => {
  it('builds the admin-consent link of the tenant in its cloud', () => {
    expect(adminConsentUrl(m365)).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=11111111-2222-4333-8444-555555555555',
    );
    expect(adminConsentUrl({ ...m365, nationalCloud: 'usGovernment' })).toMatch(
      /^https:\/\/login\.microsoftonline\.us\//,
    );
    expect(graphScope({ ...m365, nationalCloud: 'china' })).toBe(
      'https://microsoftgraph.chinacloudapi.cn/.default',
    );
    expect(graphScope({ ...m365, graphUrl: 'http://127.0.0.1:9999' })).toBe(
      'https://graph.microsoft.com/.default',
    );
  });

  it('gives the zmprov commands for the admin account, or a migration account in the server’s domain', () => {
    expect(
      zmprovCommands({
        serverUrl: 'https://mail.fabrikam.example',
        adminUrl: 'x',
        provideCredentials: true,
        adminUsername: 'ops@fabrikam.example',
      }),
    ).toEqual({
      create: "zmprov ca migration@fabrikam.example '<password without commas>' zimbraIsAdminAccount TRUE",
      promote: 'zmprov ma ops@fabrikam.example zimbraIsAdminAccount TRUE',
    });
    expect(
      zmprovCommands({
        serverUrl: 'https://mail.fabrikam.example',
        adminUrl: 'x',
        provideCredentials: false,
        adminUsername: null,
      }).promote,
    ).toBe('zmprov ma migration@mail.fabrikam.example zimbraIsAdminAccount TRUE');
  });

  it('refuses commas in passwords, defaults the admin port and words the region notice as the seed does', () => {
    expect(passwordCommaProblem('a,b')).toContain('must not contain a comma');
    expect(passwordCommaProblem('a;b')).toBeUndefined();
    expect(defaultAdminUrl('https://mail.fabrikam.example/')).toBe('https://mail.fabrikam.example:7071');
    expect(regionNotice('NA')).toBe(
      "Automatically detected destination tenant's region and assigned to the 'Ferry Datacenter' in North America.",
    );
  });
});
