import type { SandboxRequest, SandboxResponse } from '../../shared/server.js';
import { KNOWN_SCOPES } from '../auth.js';
import { formBody } from '../body.js';
import type { GhlContext } from '../context.js';
import { oauthError, unprocessable } from '../errors.js';
import { type Handlers, ok } from './common.js';

/** Authorization codes live this long (before `timeScale`); they are single use. */
export const CODE_LIFETIME_MS = 5 * 60 * 1000;

/** Install state shared with the control's uninstall action. */
export interface AppInstallState {
  installed: boolean;
}

export function installPayload(ctx: GhlContext): Record<string, unknown> {
  return {
    type: 'INSTALL',
    appId: ctx.appId,
    companyId: ctx.companyId,
    locationId: ctx.locationId,
    userId: ctx.userId,
    isWhitelabelCompany: false,
    companyName: `${ctx.locationName} Agency`,
  };
}

/** `POST /oauth/token` and the consent page standing in for `chooselocation`. */
export function oauthRoutes(ctx: GhlContext, install: AppInstallState): Handlers {
  const issue = (scopes: readonly string[], userId: string): SandboxResponse => {
    const lifetime = ctx.settings.accessTokenLifetimeSeconds;
    const accessToken = ctx.tokens.issueAccess(ctx.locationId, scopes, lifetime, ctx.clientId);
    const refreshToken = ctx.tokens.issueRefresh(ctx.locationId, scopes, ctx.clientId, userId);
    return ok({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: lifetime,
      refresh_token: refreshToken,
      scope: scopes.join(' '),
      userType: 'Location',
      locationId: ctx.locationId,
      companyId: ctx.companyId,
      userId,
      isBulkInstallation: false,
    });
  };

  const consent = (params: Record<string, string>): { scopes: string[] } | { error: string } => {
    if (params.response_type !== 'code') return { error: 'response_type must be "code".' };
    if (params.client_id !== ctx.clientId) return { error: 'Unknown client_id: use the sandbox clientId.' };
    const redirect = params.redirect_uri ?? '';
    if (!/^https?:\/\//.test(redirect) || !URL.canParse(redirect))
      return { error: 'redirect_uri must be an http(s) URL.' };
    const scopes = (params.scope ?? '').split(/[\s+]+/).filter((s) => s);
    if (scopes.length === 0) return { error: 'scope is required: a space-separated list of scopes.' };
    const unknown = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
    if (unknown.length > 0) return { error: `Unknown scope(s): ${unknown.join(', ')}.` };
    return { scopes: [...new Set(scopes)] };
  };

  const page = (req: SandboxRequest): Record<string, string> => {
    if (req.method === 'GET') return Object.fromEntries(req.query);
    return formBody(req);
  };

  return {
    'ghl.oauth.token': (req) => {
      const f = formBody(req);
      const errors: string[] = [];
      for (const k of ['client_id', 'client_secret', 'grant_type'] as const)
        if (!f[k]) errors.push(`${k} should not be empty`, `${k} must be a string`);
      if (
        f.grant_type &&
        !['authorization_code', 'refresh_token', 'client_credentials'].includes(f.grant_type)
      )
        errors.push(
          'grant_type must be one of the following values: authorization_code, refresh_token, client_credentials',
        );
      if (f.user_type && !['Company', 'Location'].includes(f.user_type))
        errors.push('user_type must be one of the following values: Company, Location');
      if (errors.length > 0) return unprocessable(errors);
      if (f.client_id !== ctx.clientId || f.client_secret !== ctx.clientSecret)
        return oauthError(
          401,
          'invalid_client',
          'Invalid client credentials: check client_id and client_secret.',
        );
      if (f.grant_type === 'client_credentials')
        return oauthError(
          400,
          'unsupported_grant_type',
          'grant_type client_credentials is not supported for this app.',
        );
      if (f.user_type === 'Company')
        return oauthError(
          400,
          'invalid_request',
          'This app is installed on a sub-account: request user_type=Location.',
        );

      const tokens = ctx.tokens;
      if (f.grant_type === 'authorization_code') {
        if (!f.code) return unprocessable(['code should not be empty']);
        const code = tokens.codes.get(f.code);
        if (!code || code.used || code.expiresAt <= ctx.now() || code.clientId !== ctx.clientId) {
          tokens.counters.invalidGrants++;
          return oauthError(
            400,
            'invalid_grant',
            'Invalid grant: the authorization code is invalid, expired or already used.',
          );
        }
        if (f.redirect_uri && f.redirect_uri !== code.redirectUri) {
          tokens.counters.invalidGrants++;
          return oauthError(
            400,
            'invalid_grant',
            'Invalid grant: redirect_uri does not match the authorization request.',
          );
        }
        code.used = true;
        tokens.counters.codesExchanged++;
        return issue(code.scopes, code.userId);
      }

      if (!f.refresh_token) return unprocessable(['refresh_token should not be empty']);
      const rt = tokens.refresh.get(f.refresh_token);
      if (!rt || rt.revoked || rt.clientId !== ctx.clientId) {
        tokens.counters.invalidGrants++;
        return oauthError(400, 'invalid_grant', 'Invalid grant: refresh token is invalid.');
      }
      if (rt.usedAt !== null) {
        tokens.counters.invalidGrants++;
        tokens.counters.reusedRefreshTokens++;
        return oauthError(400, 'invalid_grant', 'Invalid grant: refresh token has already been used.');
      }
      rt.usedAt = ctx.now();
      tokens.counters.refreshes++;
      return issue(rt.scopes, rt.userId);
    },

    'ghl.oauth.consent': (req) => {
      const params = page(req);
      const checked = consent(params);
      if ('error' in checked)
        return htmlPage(400, 'Cannot authorize this app', `<p>${esc(checked.error)}</p>`);
      const redirect = new URL(params.redirect_uri as string);
      if (req.method === 'GET') {
        const hidden = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state']
          .filter((k) => params[k] !== undefined)
          .map((k) => `<input type="hidden" name="${k}" value="${esc(params[k] as string)}">`)
          .join('\n      ');
        return htmlPage(
          200,
          'Authorize app',
          `<p>The app <b>${esc(ctx.clientId)}</b> asks for access to the sub-account
    <b id="location-name">${esc(ctx.locationName)}</b> (<code id="location-id">${esc(ctx.locationId)}</code>) with these scopes:</p>
    <ul id="scopes">${checked.scopes.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>
    <form method="post">
      ${hidden}
      <button type="submit" name="decision" value="approve" id="approve">Allow &amp; install</button>
      <button type="submit" name="decision" value="deny" id="deny">Cancel</button>
    </form>`,
        );
      }
      if (params.decision === 'deny') {
        redirect.searchParams.set('error', 'access_denied');
      } else {
        const code = ctx.tokens.issueCode({
          locationId: ctx.locationId,
          scopes: checked.scopes,
          clientId: ctx.clientId,
          redirectUri: params.redirect_uri as string,
          userId: ctx.userId,
          expiresAt: ctx.now() + CODE_LIFETIME_MS / ctx.scale,
        });
        redirect.searchParams.set('code', code);
        if (!install.installed) {
          install.installed = true;
          ctx.webhooks.emit(installPayload(ctx));
        }
      }
      if (params.state !== undefined && params.state !== '') redirect.searchParams.set('state', params.state);
      return { status: 302, headers: { location: redirect.toString() }, raw: '', contentType: 'text/plain' };
    },
  };
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function htmlPage(status: number, title: string, body: string): SandboxResponse {
  return {
    status,
    contentType: 'text/html; charset=utf-8',
    raw: `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>${esc(title)} · HighLevel sandbox</title></head>
  <body>
    <h1>${esc(title)}</h1>
    <p><small>HighLevel sandbox (cin7-ghl-sync): a stand-in for marketplace.gohighlevel.com/v2/oauth/chooselocation.</small></p>
    ${body}
  </body>
</html>
`,
  };
}
