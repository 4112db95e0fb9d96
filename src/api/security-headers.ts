import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Swagger UI's bundle adds one <style> element of its own when it starts; the API reference (and
 * only it) allows exactly that style by its hash rather than 'unsafe-inline'. The e2e console test
 * fails on any CSP violation, so an upgrade of Swagger UI that changes the style shows there.
 */
export const SWAGGER_UI_STYLE_CSP = "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

/**
 * Security headers on every response (OWASP ASVS 14.4). The console is built by Vite into external
 * module scripts and one stylesheet, and Swagger UI at /api/docs loads only its own files, so
 * neither needs inline script or style: React sets `style` through the CSSOM, which CSP does not
 * govern. `data:` images are the console's favicon and Swagger UI's icons.
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  options: { https: boolean },
): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Only over https: on a plain-http install it would send the console's own requests to a port that does not answer.
        ...(options.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: options.https ? { maxAge: 365 * 24 * 60 * 60, includeSubDomains: false } : false,
    xContentTypeOptions: true,
  });
}
