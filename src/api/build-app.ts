import { existsSync } from 'node:fs';

import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';

import type { Logger } from '../config/logger.ts';
import type { Db } from '../db/database.ts';
import type { JobQueue, QueueRoundTrip } from '../db/job-queue.ts';
import type { Mailer, SecretSealer } from '../domain/ports.ts';
import type { Outbound } from '../net/outbound-http.ts';
import { registerAuthentication } from './auth.ts';
import type { ControlPlaneDeps } from './control-plane-deps.ts';
import { errorBody, handleError } from './errors.ts';
import { decodeUtf8Body, guardedValidatorCompiler, headerProblem } from './input-guard.ts';
import { authRoutes } from './routes/auth.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { mspRoutes } from './routes/msp/index.ts';
import { projectRoutes } from './routes/projects/index.ts';
import { setupRoutes } from './routes/setup.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { registerSecurityHeaders, SWAGGER_UI_STYLE_CSP } from './security-headers.ts';

export interface AppDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly version: string;
  readonly measureQueue: (() => Promise<QueueRoundTrip>) | undefined;
  /** Cookies get the Secure flag when agents reach Ferry over https. */
  readonly secureCookies: boolean;
  /** Directory of the built web console; the console is not served when undefined or missing. */
  readonly webDir: string | undefined;
  readonly sealer: SecretSealer;
  readonly mailer: Mailer;
  /** Endpoint validation connects to Zimbra and Microsoft 365 through it only. */
  readonly outbound: Outbound;
  readonly queue: JobQueue | undefined;
  readonly publicUrl: string;
  readonly m365Addresses?: ControlPlaneDeps['m365Addresses'];
  readonly dnsServers?: readonly string[];
}

export async function buildApp(deps: AppDeps) {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    trustProxy: false,
    bodyLimit: 20 * 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(guardedValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = decodeUtf8Body(body as Buffer);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    void parseJson(request, text, done);
  });
  app.addHook('onRequest', (request, _reply, done) => {
    done(headerProblem(request.headers));
  });

  await registerSecurityHeaders(app, { https: deps.publicUrl.startsWith('https:') });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ferry API',
        version: deps.version,
        description:
          'Migrate Zimbra mailboxes to Microsoft 365. Authenticate with the session cookie set by POST /api/auth/login (and echo the ferry_csrf cookie in the x-csrf-token header on changes), or with a personal API token as "Authorization: Bearer fry_…".',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'ferry_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...route.config, public: true };
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { docExpansion: 'list', validatorUrl: null },
    uiHooks: {},
    transformStaticCSP: (header) => header.replace("style-src 'self'", SWAGGER_UI_STYLE_CSP),
  });

  registerAuthentication(app, deps.db);

  healthRoutes(app, { db: deps.db, version: deps.version, measureQueue: deps.measureQueue });
  setupRoutes(app, { db: deps.db, secureCookies: deps.secureCookies });
  authRoutes(app, { db: deps.db, secureCookies: deps.secureCookies });
  tokenRoutes(app, { db: deps.db });
  const controlPlane = {
    db: deps.db,
    logger: deps.logger,
    sealer: deps.sealer,
    mailer: deps.mailer,
    outbound: deps.outbound,
    queue: deps.queue,
    publicUrl: deps.publicUrl,
    ...(deps.m365Addresses === undefined ? {} : { m365Addresses: deps.m365Addresses }),
    ...(deps.dnsServers === undefined ? {} : { dnsServers: deps.dnsServers }),
  };
  mspRoutes(app, controlPlane);
  projectRoutes(app, controlPlane);
  metricsRoutes(app, controlPlane);

  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, () => app.swagger());

  const webDir = deps.webDir !== undefined && existsSync(deps.webDir) ? deps.webDir : undefined;
  if (webDir !== undefined) await app.register(fastifyStatic, { root: webDir, wildcard: false });

  app.setNotFoundHandler((request, reply) => {
    if (webDir !== undefined && request.method === 'GET' && !request.url.startsWith('/api/')) {
      // The console is a single-page app: its routes are all served by index.html.
      return reply.sendFile('index.html');
    }
    return reply
      .status(404)
      .send(errorBody('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`));
  });

  return app;
}
