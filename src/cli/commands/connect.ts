import type { Command } from 'commander';
import { type ConnectCin7Result, connectCin7 } from '../../cin7/connect.js';
import type { Config } from '../../config/load.js';
import { AppError, ConfigError, InputError, StoreLockedError } from '../../errors/index.js';
import { StaticTokenProvider } from '../../ghl/auth.js';
import { GhlClient } from '../../ghl/client.js';
import { savePitConnection } from '../../ghl/connections.js';
import { ghlHttpClient } from '../../ghl/factory.js';
import { completeGhlConnect, ghlWebhookUrl, publicBaseUrl, startGhlConnect } from '../../ghl/oauth.js';
import { requiredGhlScopes } from '../../ghl/scopes.js';
import { ScopeError } from '../../http/errors.js';
import { type CommandContext, runCommand } from '../context.js';
import { withStoreOrService } from '../service-client.js';

/**
 * `cin7-ghl connect <vendor>`: one subcommand per vendor. Returns the `connect` command so another
 * module can add its own subcommand (`registerConnectGhl(connect)` is one of them).
 *
 * @example
 * const connect = registerConnectCommands(program); // connect ghl …
 */
export function registerConnectCommands(program: Command): Command {
  const connect = program
    .command('connect')
    .description('Connect a vendor account (secrets are stored encrypted)');
  registerConnectGhl(connect);
  registerConnectCin7(connect);
  return connect;
}

/** `connect ghl [--pit] [--approve-sandbox]`. */
export function registerConnectGhl(connect: Command): void {
  connect
    .command('ghl')
    .description(
      'Connect a HighLevel location: prints the OAuth consent URL (least-privilege scopes), or with --pit stores the Private Integration Token from GHL_TOKEN',
    )
    .option('--pit', 'store the Private Integration Token from GHL_TOKEN for GHL_LOCATION_ID (no OAuth)')
    .option('--approve-sandbox', 'approve the consent page yourself and finish the connect (sandbox only)')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, opts: { pit?: boolean; approveSandbox?: boolean }) => {
        if (opts.pit) return connectPit(ctx);
        return connectOAuth(ctx, opts.approveSandbox === true);
      }),
    );
}

async function connectPit(ctx: CommandContext): Promise<undefined> {
  const { config } = ctx;
  const token = config.secrets.ghlToken;
  const locationId = config.ghl.locationId;
  if (!token || !locationId) {
    throw new ConfigError(
      [!token ? 'GHL_TOKEN' : null, !locationId ? 'GHL_LOCATION_ID' : null].filter(Boolean).join(', '),
      'needed to store a Private Integration Token',
      'create one in the sub-account (Settings → Private Integrations) with the scopes listed by `cin7-ghl connect ghl`, then set GHL_TOKEN and GHL_LOCATION_ID',
    );
  }
  const scopes = requiredGhlScopes(config);
  // Check it works before keeping it: a search of one contact needs contacts.readonly, always required.
  const client = new GhlClient({
    http: ghlHttpClient(config, ctx.logger),
    baseUrl: config.ghl.baseUrl,
    auth: new StaticTokenProvider(token, locationId),
  });
  try {
    await client.searchContacts({ pageLimit: 1 });
  } catch (e) {
    if (e instanceof ScopeError) {
      throw new InputError(
        'GHL_TOKEN',
        'the token lacks contacts.readonly',
        `create the token with these scopes: ${scopes.join(', ')}`,
      );
    }
    throw e;
  }
  // While the service holds the embedded store, it stores the token (already checked above).
  const connection = await withStoreOrService(ctx, {
    local: (store) => savePitConnection(store, { locationId, token, scopes }),
    remote: async (api) =>
      (
        await api.post<{ connected: { locationId: string } }>('/api/connections/ghl/pit', {
          locationId,
          token,
          verify: false,
        })
      ).connected,
  });
  const webhookUrl = ghlWebhookUrl(config);
  ctx.out.result(
    { connected: { locationId: connection.locationId, authMode: 'pit', scopes }, webhookUrl },
    [
      `Stored the Private Integration Token for location ${connection.locationId} (encrypted).`,
      `It must carry these scopes: ${scopes.join(', ')}.`,
      `Webhook URL for a Marketplace app, if you have one: ${webhookUrl}`,
      '(Without app webhooks, polling picks up GHL changes.)',
    ].join('\n'),
  );
  return undefined;
}

async function connectOAuth(ctx: CommandContext, approve: boolean): Promise<undefined> {
  try {
    await connectOAuthWithStore(ctx, approve);
  } catch (e) {
    if (!(e instanceof StoreLockedError)) throw e;
    // The running service owns the embedded store: it starts the connect itself.
    throw new AppError('store_locked', e.message, {
      hint: `The running service starts the connect itself: open ${publicBaseUrl(ctx.config)}/oauth/ghl/connect in a browser (or stop process ${e.pid} and run this again).`,
      cause: e,
      ...(e.details ? { details: e.details } : {}),
    });
  }
  return undefined;
}

interface StartedView {
  authorizeUrl: string;
  redirectUri: string;
  scopes: string[];
  webhookUrl: string;
  expiresAt: string;
}

interface CompletedView {
  connected: { locationId: string; authMode: 'oauth'; scopes: string[]; tokenExpiresAt: string | null };
  missingScopes: string[];
  webhookUrl: string;
}

async function connectOAuthWithStore(ctx: CommandContext, approve: boolean): Promise<void> {
  const { config } = ctx;
  const http = ghlHttpClient(config, ctx.logger);
  const printStarted = (started: StartedView) =>
    ctx.out.result(
      started,
      [
        'Open this URL in a browser, choose the location and approve (within 10 minutes):',
        `  ${started.authorizeUrl}`,
        `GHL then redirects to ${started.redirectUri}: the service must be running there to finish the connect.`,
        `Scopes asked for: ${started.scopes.join(', ')}`,
        `Enter this webhook URL in the Marketplace app's settings: ${started.webhookUrl}`,
      ].join('\n'),
    );
  // While the service holds the embedded store, it starts (and, with --approve-sandbox, finishes)
  // the connect through its REST API.
  const done = await withStoreOrService<CompletedView | null>(ctx, {
    local: async (store) => {
      const s = await startGhlConnect(store, config);
      if (!approve) {
        printStarted({
          authorizeUrl: s.authorizeUrl,
          redirectUri: s.redirectUri,
          scopes: s.scopes,
          webhookUrl: s.webhookUrl,
          expiresAt: s.expiresAt.toISOString(),
        });
        return null;
      }
      const callback = await approveSandboxConsent(config, s.authorizeUrl);
      const d = await completeGhlConnect({ store, http, config, logger: ctx.logger }, callback);
      return {
        connected: {
          locationId: d.connection.locationId,
          authMode: 'oauth',
          scopes: d.connection.scopes,
          tokenExpiresAt: d.connection.tokenExpiresAt?.toISOString() ?? null,
        },
        missingScopes: d.missingScopes,
        webhookUrl: d.webhookUrl,
      };
    },
    remote: async (api) => {
      const s = await api.post<StartedView>('/api/connections/ghl/connect');
      if (!approve) {
        printStarted(s);
        return null;
      }
      const callback = await approveSandboxConsent(config, s.authorizeUrl);
      if (callback.error || !callback.code) {
        throw new InputError(
          '--approve-sandbox',
          `the consent answered ${callback.error ?? 'without a code'}`,
          'start the connect again',
        );
      }
      return api.post<CompletedView>('/api/connections/ghl/complete', {
        code: callback.code,
        ...(callback.state ? { state: callback.state } : {}),
      });
    },
  });
  if (!done) return;
  ctx.out.result(
    done,
    [
      `Connected location ${done.connected.locationId} (tokens stored encrypted).`,
      `Scopes granted: ${done.connected.scopes.join(', ')}`,
      ...(done.missingScopes.length > 0 ? [`Not granted: ${done.missingScopes.join(', ')}`] : []),
      `Enter this webhook URL in the Marketplace app's settings: ${done.webhookUrl}`,
    ].join('\n'),
  );
}

/**
 * Presses "approve" on the sandbox's consent page (a form POST to the same URL) and reads the code
 * and state from its redirect. Refused for anything but a loopback consent page: a real GHL login
 * is a person's decision.
 */
async function approveSandboxConsent(
  config: Config,
  authorizeUrl: string,
): Promise<{ code?: string; state?: string; error?: string }> {
  const url = new URL(authorizeUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new InputError(
      '--approve-sandbox',
      `the consent page ${url.origin} is not the local sandbox`,
      'open the printed URL in a browser instead (set GHL_AUTHORIZE_URL to the sandbox authorizeUrl to use --approve-sandbox)',
    );
  }
  const form = new URLSearchParams(url.searchParams);
  form.set('decision', 'approve');
  const res = await fetch(`${url.origin}${url.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(config.ghl.timeoutMs),
  });
  const location = res.headers.get('location');
  await res.arrayBuffer().catch(() => undefined);
  if (res.status !== 302 || !location) {
    throw new InputError(
      '--approve-sandbox',
      `the consent page answered ${res.status} without a redirect`,
      'check ghl.clientId and that GHL_AUTHORIZE_URL is the sandbox authorizeUrl',
    );
  }
  const back = new URL(location);
  const get = (k: string) => back.searchParams.get(k) ?? undefined;
  return {
    ...(get('code') ? { code: get('code') } : {}),
    ...(get('state') ? { state: get('state') } : {}),
    ...(get('error') ? { error: get('error') } : {}),
  };
}

/**
 * `connect cin7 [--account-id ID]`: checks the account id and CIN7_APPLICATION_KEY with `GET /me`,
 * stores the key encrypted and the connection, and registers the webhooks when
 * `cin7.webhooks.enabled` and `server.publicUrl` are set.
 */
export function registerConnectCin7(connect: Command): void {
  connect
    .command('cin7')
    .description(
      'Connect a Cin7 Core account: checks CIN7_ACCOUNT_ID and CIN7_APPLICATION_KEY with GET /me, stores the key encrypted, registers webhooks',
    )
    .option('--account-id <id>', 'the Cin7 Core account id (default: cin7.accountId / CIN7_ACCOUNT_ID)')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, opts: { accountId?: string }) => {
        const { config } = ctx;
        const accountId = opts.accountId ?? config.cin7.accountId;
        const applicationKey = config.secrets.cin7ApplicationKey;
        if (!accountId || !applicationKey) {
          throw new ConfigError(
            [!accountId ? 'CIN7_ACCOUNT_ID' : null, !applicationKey ? 'CIN7_APPLICATION_KEY' : null]
              .filter(Boolean)
              .join(', '),
            'needed to connect Cin7',
            'copy the Account ID and an API Application Key from Cin7 Core (Integrations → API); the key only ever comes from the environment',
          );
        }
        const r = await withStoreOrService<ConnectCin7Result>(ctx, {
          local: (store) => connectCin7({ store, config, logger: ctx.logger, accountId, applicationKey }),
          // While the service holds the embedded store, it connects (with its own configuration).
          remote: (api) =>
            api.post<ConnectCin7Result>('/api/connections/cin7', { accountId, applicationKey }),
        });
        const hooks = r.webhooks;
        ctx.out.result(
          r,
          [
            `Connected Cin7 account ${r.accountId} (${r.company ?? 'unknown company'}, ${r.currency ?? '?'}, ${r.timeZone ?? '?'}); the application key is stored encrypted.`,
            hooks
              ? `Webhooks: ${hooks.created.length} created, ${hooks.reactivated.length + hooks.recreated.length + hooks.repaired.length} repaired, ${hooks.unchanged.length} already in place.`
              : `Webhooks not registered: ${r.webhooksSkipped}.`,
            `Used ${r.calls} Cin7 call${r.calls === 1 ? '' : 's'}.`,
          ].join('\n'),
        );
        return undefined;
      }),
    );
}
