/** Connection settings of a pass's two sides, as a plan file or a project gives them. */
export interface ZimbraEndpointSettings {
  readonly type: 'zimbra';
  readonly url: string;
  readonly adminUrl: string | undefined;
  /** Admin mode: the admin account; user mode: undefined, and each mailbox has its own password. */
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** User mode: password per source mailbox (lower-cased address). */
  readonly userPasswords: Readonly<Record<string, string>>;
}

/** An app's certificate credential: the PEM certificate registered on the app and its private key. */
export interface ClientCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export interface M365EndpointSettings {
  readonly type: 'm365';
  readonly tenantId: string;
  readonly clientId: string;
  /** Exactly one of the secret and the certificate authenticates the app. */
  readonly clientSecret?: string;
  readonly clientCertificate?: ClientCertificate;
  readonly authorityUrl: string;
  readonly graphUrl: string;
}

export interface PassEndpoints {
  readonly source: ZimbraEndpointSettings;
  readonly destination: M365EndpointSettings;
}

/** Graph of each cloud, and the identity authority that issues its tokens. */
export const NATIONAL_CLOUDS = {
  global: { authorityUrl: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com' },
  usGovernment: { authorityUrl: 'https://login.microsoftonline.us', graphUrl: 'https://graph.microsoft.us' },
  china: {
    authorityUrl: 'https://login.chinacloudapi.cn',
    graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
  },
} as const;
