import { Hono, type MiddlewareHandler } from 'hono';
import type { Config } from '../../config/load.js';
import { isAppError } from '../../errors/index.js';
import { completeGhlConnect, startGhlConnect } from '../../ghl/oauth.js';
import type { HttpClient } from '../../http/client.js';
import { ApiError } from '../../http/errors.js';
import type { Logger } from '../../log/logger.js';
import { redactText } from '../../log/redact.js';
import type { Store } from '../../store/open.js';
import type { AppEnv } from '../app.js';

export interface GhlOAuthRouteDeps {
  config: Config;
  store: Store;
  http: HttpClient;
  logger: Logger;
  /**
   * Protects `GET /oauth/ghl/connect` (the dashboard's authentication, once it exists): a pending
   * connect is what lets a callback without `state` through, so only an operator should start one.
   */
  guard?: MiddlewareHandler<AppEnv>;
}

/**
 * `GET /oauth/ghl/connect` redirects to GHL's consent page (least-privilege scopes, a new `state`);
 * `GET /oauth/ghl/callback` checks the callback against the pending connect, exchanges the code and
 * stores the tokens encrypted, then shows the webhook URL to enter in the Marketplace app.
 *
 * @example
 * app.route('/', ghlOAuthRoutes({ config, store, http, logger }));
 */
export function ghlOAuthRoutes(deps: GhlOAuthRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const guard: MiddlewareHandler<AppEnv> = deps.guard ?? (async (_c, next) => next());
  app.get('/oauth/ghl/connect', guard, async (c) => {
    const started = await startGhlConnect(deps.store, deps.config);
    deps.logger.info({ scopes: started.scopes }, 'GHL connect started');
    return c.redirect(started.authorizeUrl, 302);
  });
  app.get('/oauth/ghl/callback', async (c) => {
    try {
      const done = await completeGhlConnect(deps, {
        code: c.req.query('code'),
        state: c.req.query('state'),
        error: c.req.query('error'),
      });
      const { connection } = done;
      return c.html(
        page(
          'GHL connected',
          `<p>Location <code>${esc(connection.locationId)}</code> is connected with the scopes: ${connection.scopes.map((s) => `<code>${esc(s)}</code>`).join(', ')}.</p>
${done.missingScopes.length > 0 ? `<p><b>Not granted:</b> ${done.missingScopes.map((s) => `<code>${esc(s)}</code>`).join(', ')}; the operations needing them will fail until you reconnect granting them.</p>` : ''}
<p>Enter this webhook URL in the Marketplace app's settings: <code id="webhook-url">${esc(done.webhookUrl)}</code></p>`,
        ),
        200,
      );
    } catch (e) {
      if (!isAppError(e)) throw e;
      const status = e instanceof ApiError ? 502 : 400;
      deps.logger.warn({ err: e }, 'GHL OAuth callback refused');
      return c.html(
        page(
          'GHL connection refused',
          `<p id="reason">${esc(redactText(e.message))}</p>${e.hint ? `<p id="hint">${esc(redactText(e.hint))}</p>` : ''}`,
        ),
        status,
      );
    }
  });
  return app;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · cin7-ghl-sync</title></head>
<body><h1>${esc(title)}</h1>
${body}
<p><a href="/connections">Back to the dashboard's Connections page</a></p>
</body></html>
`;
}
