/**
 * What the dashboard's pages and actions share: their dependencies (the service context satisfies
 * them), the one-shot flash message (a short-lived cookie, so a message never sits in a URL), the
 * session's CSRF token, and the rendering of a page in its shell.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { isAppError } from '../../errors/index.js';
import { redactText } from '../../log/redact.js';
import { conflictCounts } from '../../sync/conflicts/repo.js';
import type { ApiContext } from '../api/context.js';
import type { ApiRouter } from '../api/router.js';
import type { Html } from './html.js';
import { type NavKey, page } from './layout.js';

export interface DashboardDeps extends ApiContext {
  /** The REST router: the dashboard adds the routes its actions use. */
  api: ApiRouter;
  /** True once the service is stopping: live streams end so the HTTP server can close at once. */
  isStopping(): boolean;
}

const FLASH_COOKIE = 'cin7ghl_flash';

export type Flash = { kind: 'ok' | 'error'; text: string };

/** Leaves a message for the next page this browser shows (after a redirect). */
export function setFlash(c: Context, flash: Flash): void {
  setCookie(c, FLASH_COOKIE, encodeURIComponent(JSON.stringify(flash)).slice(0, 3000), {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: 60,
    secure: new URL(c.req.url).protocol === 'https:',
  });
}

/** The message left for this page, if any (read once). */
export function takeFlash(c: Context): Flash | null {
  const raw = getCookie(c, FLASH_COOKIE);
  if (!raw) return null;
  deleteCookie(c, FLASH_COOKIE, { path: '/' });
  try {
    const v = JSON.parse(decodeURIComponent(raw)) as Partial<Flash>;
    return (v.kind === 'ok' || v.kind === 'error') && typeof v.text === 'string'
      ? { kind: v.kind, text: v.text }
      : null;
  } catch {
    return null;
  }
}

/** An error in plain words for a person: what happened and how to fix it, never a secret. */
export function plainError(e: unknown): string {
  if (isAppError(e)) return redactText(e.hint ? `${e.message} ${e.hint}` : e.message);
  return 'Something went wrong on our side; the service log has the details.';
}

/** The session's CSRF token ('' for a bearer request, which needs none). */
export function csrfOf(c: Context): string {
  const auth = c.get('auth');
  return auth?.kind === 'session' ? auth.csrfToken : '';
}

/** Renders a page in the shell. */
export async function renderPage(
  c: Context,
  deps: DashboardDeps,
  p: { title: string; nav: NavKey; body: Html; flash?: Flash | null; status?: 200 | 400 | 404 | 502 },
): Promise<Response> {
  const [conflicts, failures] = await Promise.all([
    conflictCounts(deps.store.db),
    deps.store.db
      .selectFrom('failures')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow(),
  ]);
  c.header('Cache-Control', 'no-store');
  const flash = p.flash !== undefined ? p.flash : takeFlash(c);
  return c.html(
    page({
      title: p.title,
      nav: p.nav,
      csrf: csrfOf(c),
      env: deps.config.env,
      flash,
      counts: { conflicts: conflicts.open, failures: Number(failures.n) },
      body: p.body,
    }).value,
    p.status ?? 200,
  );
}

/** After an action: back to `to` with a message. */
export function back(c: Context, to: string, flash: Flash): Response {
  setFlash(c, flash);
  return c.redirect(to, 303);
}
