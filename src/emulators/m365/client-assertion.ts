import { constants, createPublicKey, verify, X509Certificate } from 'node:crypto';

import type { AppConfig } from './config.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Checks a certificate credential (a signed JWT client assertion) the way the identity platform
 * does: the key is found by the certificate's thumbprint (x5t#S256 or x5t), the RS256/PS256
 * signature verifies with the registered certificate, iss = sub = client_id, the audience is
 * the tenant's token endpoint and the assertion has not expired. Returns the AADSTS refusal, if any.
 */
export function checkClientAssertion(
  form: URLSearchParams,
  assertion: string,
  app: AppConfig,
  /** The tenant as the request names it (id or domain). */
  tenantKey: string,
): { code: number; message: string } | undefined {
  if (form.get('client_assertion_type') !== JWT_BEARER) {
    return { code: 7000216, message: `'client_assertion_type' must be '${JWT_BEARER}'.` };
  }
  const [headerPart = '', payloadPart = '', signaturePart = ''] = assertion.split('.');
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as Record<string, unknown>;
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { code: 50027, message: 'JWT token is invalid or malformed.' };
  }
  if (app.certificatePem === undefined) {
    return {
      code: 700027,
      message: 'Client assertion contains an invalid signature. [Reason - The key was not found.]',
    };
  }
  const certificate = new X509Certificate(app.certificatePem);
  const sha256 = Buffer.from(certificate.fingerprint256.replaceAll(':', ''), 'hex').toString('base64url');
  const sha1 = Buffer.from(certificate.fingerprint.replaceAll(':', ''), 'hex').toString('base64url');
  const thumbprint = header['x5t#S256'] ?? header.x5t;
  if (thumbprint !== sha256 && thumbprint !== sha1) {
    return {
      code: 700027,
      message: `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${String(thumbprint)}']`,
    };
  }
  const key = createPublicKey(certificate.publicKey.export({ type: 'spki', format: 'pem' }));
  const data = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  const valid =
    header.alg === 'PS256'
      ? verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)
      : header.alg === 'RS256' && verify('sha256', data, key, signature);
  if (!valid) {
    return { code: 700027, message: 'Client assertion failed signature validation.' };
  }
  if (payload.iss !== app.clientId || payload.sub !== app.clientId) {
    return {
      code: 700021,
      message: `Client assertion application identifier doesn't match 'client_id' parameter.`,
    };
  }
  // The audience is the token endpoint; Ferry may reach an http emulator through a placeholder host.
  if (typeof payload.aud !== 'string' || !payload.aud.endsWith(`/${tenantKey}/oauth2/v2.0/token`)) {
    return {
      code: 700022,
      message: `The audience '${String(payload.aud)}' of the client assertion is invalid.`,
    };
  }
  const now = Date.now() / 1000;
  if (typeof payload.exp !== 'number' || payload.exp < now) {
    return { code: 700024, message: 'Client assertion is not within its valid time range.' };
  }
  return undefined;
}
