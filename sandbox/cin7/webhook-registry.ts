import type { Json } from './customer-input.js';
import { isGuid } from './query.js';
import { badRequest } from './responses.js';
import type { Cin7Webhook, WebhookAuthType } from './types.js';
import { MAX_WEBHOOKS_PER_TYPE, WEBHOOK_TYPES } from './webhook-types.js';

const AUTH_TYPES: WebhookAuthType[] = ['noauth', 'basicauth', 'bearerauth'];

function str(body: Json, name: string): string | null {
  const v = body[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw badRequest(`${name}: expected a string.`);
  return v;
}

function headers(value: unknown): { Key: string; Value: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest('ExternalHeaders: expected an array of { Key, Value }.');
  return value.map((h, i) => {
    if (!h || typeof h !== 'object') throw badRequest(`ExternalHeaders[${i}]: expected { Key, Value }.`);
    const { Key, Value } = h as Json;
    if (typeof Key !== 'string' || Key.trim() === '')
      throw badRequest(`ExternalHeaders[${i}].Key is required.`);
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(Key))
      throw badRequest(`ExternalHeaders[${i}].Key '${Key}' is not a valid HTTP header name.`);
    return { Key, Value: Value === null || Value === undefined ? '' : String(Value) };
  });
}

/**
 * Webhook subscriptions with Cin7's validation: known `Type`, `IsActive`, `ExternalURL` and
 * `ExternalAuthorizationType` required, credentials required for the chosen auth type, at most five
 * of one type. Secrets are stored and returned in plain text, as `GET /webhooks` does.
 */
export class WebhookRegistry {
  private readonly hooks = new Map<string, Cin7Webhook>();

  constructor(private readonly newId: () => string) {}

  list(): Cin7Webhook[] {
    return [...this.hooks.values()];
  }

  get(id: string): Cin7Webhook | undefined {
    return this.hooks.get(id.toLowerCase());
  }

  activeOfType(type: string): Cin7Webhook[] {
    return this.list().filter((h) => h.IsActive && h.Type === type);
  }

  create(body: Json): Cin7Webhook {
    const hook = this.read(body, undefined);
    this.hooks.set(hook.ID, hook);
    return hook;
  }

  update(body: Json): Cin7Webhook {
    const id = body.ID;
    if (typeof id !== 'string' || id === '') throw badRequest('Required attribute ID is not provided.');
    const existing = this.get(id);
    if (!existing) throw badRequest(`Webhook with ID ${id} not found.`);
    const hook = this.read(body, existing);
    this.hooks.set(hook.ID, hook);
    return hook;
  }

  delete(id: string): void {
    if (!isGuid(id) || !this.hooks.delete(id.toLowerCase()))
      throw badRequest(`Webhook with ID ${id} not found.`);
  }

  /** Cin7 switches a webhook off after six failed attempts. */
  deactivate(id: string): void {
    const h = this.hooks.get(id);
    if (h) this.hooks.set(id, { ...h, IsActive: false });
  }

  private read(body: Json, existing: Cin7Webhook | undefined): Cin7Webhook {
    const type = str(body, 'Type');
    if (!type) throw badRequest('Required attribute Type is not provided.');
    const canonical = Object.keys(WEBHOOK_TYPES).find((t) => t.toLowerCase() === type.toLowerCase());
    if (!canonical) throw badRequest(`Type '${type}' is not a valid webhook type.`);
    const active = typeof body.IsActive === 'string' ? body.IsActive.trim().toLowerCase() : body.IsActive;
    if (active !== true && active !== false && active !== 'true' && active !== 'false')
      throw badRequest('Required attribute IsActive is not provided (true or false).');
    const url = str(body, 'ExternalURL');
    if (!url) throw badRequest('Required attribute ExternalURL is not provided.');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest(`ExternalURL '${url}' is not a valid absolute URL.`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw badRequest(`ExternalURL '${url}' must use http or https.`);
    const authRaw = str(body, 'ExternalAuthorizationType');
    if (!authRaw) throw badRequest('Required attribute ExternalAuthorizationType is not provided.');
    const auth = AUTH_TYPES.find((a) => a === authRaw.toLowerCase());
    if (!auth)
      throw badRequest(
        `ExternalAuthorizationType '${authRaw}' is not valid. Use noauth, basicauth or bearerauth.`,
      );
    const user = str(body, 'ExternalUserName');
    const password = str(body, 'ExternalPassword');
    const bearer = str(body, 'ExternalBearerToken');
    if (auth === 'basicauth' && (!user || !password))
      throw badRequest(
        'ExternalUserName and ExternalPassword are required when ExternalAuthorizationType is basicauth.',
      );
    if (auth === 'bearerauth' && !bearer)
      throw badRequest('ExternalBearerToken is required when ExternalAuthorizationType is bearerauth.');
    const sameType = this.list().filter((h) => h.Type === canonical && h.ID !== existing?.ID);
    if (sameType.length >= MAX_WEBHOOKS_PER_TYPE)
      throw badRequest(
        `There is a limit of ${MAX_WEBHOOKS_PER_TYPE} webhooks of the same type (${canonical}).`,
      );
    return {
      ID: existing?.ID ?? this.newId(),
      Type: canonical,
      Name: WEBHOOK_TYPES[canonical] ?? canonical,
      IsActive: active === true || active === 'true',
      ExternalURL: url,
      ExternalAuthorizationType: auth,
      ExternalUserName: user,
      ExternalPassword: password,
      ExternalBearerToken: bearer,
      ExternalHeaders: headers(body.ExternalHeaders),
    };
  }
}
