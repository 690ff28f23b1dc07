import type { Handler, Router, SandboxRequest, SandboxResponse } from '../../shared/server.js';
import { type GhlControl, GhlSandboxError } from '../control.js';
import type { GhlReadyInfo } from '../types.js';

/**
 * The control API over HTTP, under `/_sandbox/` (JSON in, JSON out), for tests that run the sandbox
 * in another process. Never subject to auth, rate limits or faults. Documented in the README.
 */
export function addControlRoutes(router: Router, control: GhlControl, info: () => GhlReadyInfo): void {
  const add = (
    method: string,
    path: string,
    name: string,
    fn: (req: SandboxRequest, body: Json) => unknown,
  ): void => {
    const handler: Handler = async (req) => {
      let body: Json = {};
      if (req.rawBody.length > 0) {
        try {
          const parsed: unknown = JSON.parse(req.rawBody.toString('utf8'));
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Json;
          else return fail(400, 'The body must be a JSON object');
        } catch {
          return fail(400, 'The body is not valid JSON');
        }
      }
      try {
        const result = await fn(req, body);
        return { status: 200, body: result ?? { ok: true } };
      } catch (err) {
        if (err instanceof GhlSandboxError) return fail(err.status, err.message);
        throw err;
      }
    };
    router.add(method, `/_sandbox${path}`, `control.${name}`, handler, { control: true });
  };
  const p = (req: SandboxRequest, name: string): string => req.params[name] ?? '';

  add('GET', '/info', 'info', () => info());
  add('GET', '/settings', 'settings', () => control.settings());
  add('POST', '/settings', 'settings.set', (_req, body) => control.set(body));
  add('GET', '/stats', 'stats', () => control.stats());
  add('POST', '/rate-limit/reset', 'rateLimit.reset', () => control.resetRateLimits());

  add('GET', '/contacts', 'contacts.find', (req) => ({
    count: control.contactCount(),
    contacts: control.findContacts({
      email: req.query.get('email') ?? undefined,
      phone: req.query.get('phone') ?? undefined,
    }),
  }));
  add('POST', '/seed', 'seed', (_req, body) => ({
    ids: control.seedContacts(Array.isArray(body.people) ? body.people : []),
  }));
  add('POST', '/contacts', 'contacts.create', (_req, body) => ({ contact: control.createContact(body) }));
  add('GET', '/contacts/:id', 'contacts.get', (req) => {
    const contact = control.contact(p(req, 'id'));
    if (!contact) throw new GhlSandboxError(`No contact ${p(req, 'id')} in the GHL sandbox`, 404);
    return { contact };
  });
  add('PUT', '/contacts/:id', 'contacts.edit', (req, body) => ({
    contact: control.editContact(p(req, 'id'), body),
  }));
  add('DELETE', '/contacts/:id', 'contacts.delete', (req) => control.deleteContact(p(req, 'id')));

  add('GET', '/contacts/:id/notes', 'notes.list', (req) => ({ notes: control.notes(p(req, 'id')) }));
  add('POST', '/contacts/:id/notes', 'notes.add', (req, body) => ({
    note: control.addNote(p(req, 'id'), body),
  }));
  add('PUT', '/contacts/:id/notes/:noteId', 'notes.edit', (req, body) => ({
    note: control.editNote(p(req, 'id'), p(req, 'noteId'), body),
  }));
  add('DELETE', '/contacts/:id/notes/:noteId', 'notes.delete', (req) =>
    control.deleteNote(p(req, 'id'), p(req, 'noteId')),
  );

  add('GET', '/contacts/:id/tasks', 'tasks.list', (req) => ({ tasks: control.tasks(p(req, 'id')) }));
  add('POST', '/contacts/:id/tasks', 'tasks.add', (req, body) => ({
    task: control.addTask(p(req, 'id'), body),
  }));
  add('PUT', '/contacts/:id/tasks/:taskId', 'tasks.edit', (req, body) => ({
    task: control.editTask(p(req, 'id'), p(req, 'taskId'), body),
  }));
  add('POST', '/contacts/:id/tasks/:taskId/complete', 'tasks.complete', (req) => ({
    task: control.completeTask(p(req, 'id'), p(req, 'taskId')),
  }));
  add('DELETE', '/contacts/:id/tasks/:taskId', 'tasks.delete', (req) =>
    control.deleteTask(p(req, 'id'), p(req, 'taskId')),
  );

  add('POST', '/contacts/:id/appointments', 'appointments.add', (req, body) => ({
    event: control.addAppointment(p(req, 'id'), body),
  }));
  add('POST', '/uninstall', 'uninstall', () => control.uninstallApp());
  add('POST', '/tokens', 'tokens.create', (_req, body) => {
    if (!Array.isArray(body.scopes) || body.scopes.some((s) => typeof s !== 'string'))
      throw new GhlSandboxError('scopes must be an array of scope names');
    const lifetime = body.lifetimeSeconds;
    if (lifetime !== undefined && lifetime !== null && typeof lifetime !== 'number')
      throw new GhlSandboxError('lifetimeSeconds must be a number or null');
    return {
      token: control.createToken(body.scopes as string[], (lifetime as number | null | undefined) ?? null),
    };
  });
  add('POST', '/oauth/authorize', 'oauth.authorize', (_req, body) => {
    if (!Array.isArray(body.scopes) || typeof body.redirectUri !== 'string')
      throw new GhlSandboxError(
        'Send {"scopes": [...], "redirectUri": "http://127.0.0.1:…/callback", "state"?: "…"}',
      );
    return control.authorize({
      scopes: body.scopes as string[],
      redirectUri: body.redirectUri,
      ...(typeof body.state === 'string' ? { state: body.state } : {}),
    });
  });
  add('POST', '/oauth/expire', 'oauth.expire', () => ({ expired: control.expireAccessTokens() }));
  add('GET', '/webhooks', 'webhooks.list', () => ({ deliveries: control.deliveries() }));
  add('POST', '/webhooks/wait', 'webhooks.wait', async (_req, body) => {
    await control.waitForWebhooks(body.includeRetries !== false);
    return { ok: true };
  });
}

type Json = Record<string, unknown>;

function fail(status: number, message: string): SandboxResponse {
  return { status, body: { statusCode: status, message } };
}
