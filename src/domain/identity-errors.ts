/**
 * Microsoft identity platform errors a migration admin meets when setting up the destination,
 * explained in plain words with the fix (microsoft-graph.md §1.3). Keyed by AADSTS number.
 */
export interface IdentityErrorExplanation {
  readonly code: string;
  readonly problem: string;
  readonly fix: string;
}

const EXPLANATIONS: Record<string, Omit<IdentityErrorExplanation, 'code'>> = {
  AADSTS700016: {
    problem: 'The Application (client) ID is not known in this tenant.',
    fix: 'Copy the Application (client) ID from the app registration in the destination tenant, and have a Global Administrator grant admin consent there.',
  },
  AADSTS90002: {
    problem: 'The Directory (tenant) ID does not name an existing tenant.',
    fix: 'Copy the Directory (tenant) ID (a GUID) or the tenant’s onmicrosoft.com domain from the Microsoft Entra admin center.',
  },
  AADSTS50126: {
    problem: 'The username or password of the migration service account is wrong.',
    fix: 'Re-enter the service account’s credentials; make sure the account is not locked and its password has not expired.',
  },
  AADSTS7000215: {
    problem: 'The Client Secret is not valid for this application.',
    fix: 'Enter the secret’s Value (not its Secret ID) from Certificates & secrets of the app registration.',
  },
  AADSTS7000222: {
    problem: 'The Client Secret has expired.',
    fix: 'Create a new client secret in the app registration and enter its Value.',
  },
  AADSTS50076: {
    problem: 'The service account must complete multi-factor authentication, which a migration cannot do.',
    fix: 'Use application permissions with a Client Secret (recommended), or exclude the service account from MFA.',
  },
  AADSTS50079: {
    problem: 'The service account is required to register for multi-factor authentication.',
    fix: 'Use application permissions with a Client Secret instead of a service account.',
  },
  AADSTS65001: {
    problem: 'An administrator has not consented to the application’s permissions.',
    fix: 'Open the admin-consent link for this tenant and application and accept it as a Global Administrator.',
  },
};

/** The explanation for the first AADSTS code in `text` (an error code or a whole error message). */
export function explainIdentityError(text: string): IdentityErrorExplanation | undefined {
  const code = /AADSTS\d+/.exec(text)?.[0];
  if (code === undefined) return undefined;
  const known = EXPLANATIONS[code];
  return known === undefined ? undefined : { code, ...known };
}
