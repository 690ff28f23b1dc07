/**
 * The official GHL OpenAPI files (../shared/specs/ghl) as JSON Schemas tests can validate with:
 * load a file, resolve every `$ref` (local and `../common/common-schemas.json`), convert OpenAPI 3.0
 * to JSON Schema (`nullable` → `null` type), and optionally make it strict (no unknown properties
 * anywhere, chosen properties required, an explicit allow-list of extras with a reason each).
 *
 * Used by the sandbox conformance tests (responses) and by the client's tests (requests).
 * Spec-reading suites must first call `requireSpecs(...)` from `./requirements.ts`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { SPECS_DIR } from './requirements.js';

export type JsonSchema = Record<string, unknown>;
type Json = Record<string, unknown>;

export const GHL_SPECS_DIR = path.join(SPECS_DIR, 'ghl');

/**
 * Known defects of the official files, corrected when a file is loaded: each says where, what and
 * why (the spec's own example or text contradicts its declared type). Everything else is verbatim.
 */
export const SPEC_CORRECTIONS: readonly {
  file: string;
  pointer: string;
  value: JsonSchema;
  reason: string;
}[] = [
  {
    file: 'apps/contacts.json',
    pointer: '/components/schemas/UpdateTagsResponseDTO/properties/responses/items',
    value: {
      type: 'object',
      properties: {
        contactId: { type: 'string' },
        message: { type: 'string' },
        type: { type: 'string', enum: ['success', 'error'] },
        oldTags: { type: 'array', items: { type: 'string' } },
        tagsAdded: { type: 'array', items: { type: 'string' } },
        tagsRemoved: { type: 'array', items: { type: 'string' } },
      },
      required: ['contactId', 'message', 'type'],
    },
    reason: 'items are declared `string` but the example (and NOTES §3) show per-contact objects',
  },
  ...['CreateContactDto', 'UpdateContactDto', 'UpsertContactDto'].map((dto) => ({
    file: 'apps/contacts.json',
    pointer: `/components/schemas/${dto}/properties/dateOfBirth`,
    value: { type: 'string', nullable: true, example: '1990-09-25' },
    reason: 'declared `object` but its example and description are date strings (YYYY-MM-DD, MM/DD/YYYY…)',
  })),
  ...['NumericField', 'MonetoryField'].map((f) => ({
    file: 'apps/contacts.json',
    pointer: `/components/schemas/${f}/properties/field_value`,
    value: { anyOf: [{ type: 'number' }, { type: 'string' }], example: 100 },
    reason: 'declared `object` but the example is a number (100, 100.5)',
  })),
  {
    file: 'apps/locations.json',
    pointer: '/components/schemas/LocationTaskListSuccessfulResponseDto/properties/tasks/items',
    value: { $ref: '../apps/contacts.json#/components/schemas/TaskSchema' },
    reason: 'items are declared `{type: array}` with no item schema; a task search returns task objects',
  },
  {
    file: 'history/de87e88a/apps/contacts.json',
    pointer: '/components/schemas/Contact/properties/searchAfter/items',
    value: { anyOf: [{ type: 'string' }, { type: 'number' }] },
    reason: 'items are declared `string` but the example cursor is [1234, "102goXVW3lIExEQPOnd3"]',
  },
  {
    file: 'webhook-events/AppInstall.json',
    pointer: '/schema/properties/trial/properties/trialStartDate',
    value: { type: 'string' },
    reason: '`type: "Date"` is not a JSON Schema type; the example is an ISO date string',
  },
];

const cache = new Map<string, Json>();

/** A spec file relative to ../shared/specs/ghl (e.g. `apps/contacts.json`), corrections applied. */
export function loadSpecFile(rel: string): Json {
  const key = path.normalize(rel);
  let doc = cache.get(key);
  if (!doc) {
    doc = JSON.parse(readFileSync(path.join(GHL_SPECS_DIR, key), 'utf8')) as Json;
    for (const c of SPEC_CORRECTIONS) if (path.normalize(c.file) === key) setPointer(doc, c.pointer, c.value);
    cache.set(key, doc);
  }
  return doc;
}

function setPointer(doc: Json, pointer: string, value: unknown): void {
  const parts = pointer.split('/').slice(1);
  let at: Json = doc;
  for (const p of parts.slice(0, -1)) at = at[p] as Json;
  at[parts[parts.length - 1] as string] = structuredClone(value);
}

function getPointer(doc: Json, pointer: string): unknown {
  let at: unknown = doc;
  for (const p of pointer.split('/').slice(1)) at = (at as Json)[decodeURIComponent(p)];
  return at;
}

export interface SpecOperation {
  file: string;
  path: string;
  method: 'get' | 'post' | 'put' | 'delete';
  operationId: string;
  deprecated: boolean;
  /** The scope the spec's `security` names (undefined: none declared). */
  scope: string | undefined;
  raw: Json;
}

/** Every operation of a spec file, in file order. */
export function specOperations(rel: string): SpecOperation[] {
  const doc = loadSpecFile(rel);
  const out: SpecOperation[] = [];
  for (const [p, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      if (!['get', 'post', 'put', 'delete'].includes(method)) continue;
      const o = op as Json;
      const security = (o.security as Json[] | undefined)?.[0];
      const scopes = security ? (Object.values(security)[0] as string[]) : [];
      out.push({
        file: rel,
        path: p,
        method: method as SpecOperation['method'],
        operationId: String(o.operationId),
        deprecated: o.deprecated === true,
        scope: scopes[0],
        raw: o,
      });
    }
  }
  return out;
}

/**
 * Inlines every `$ref` of `schema`, which lives in spec file `rel`, and converts OpenAPI 3.0
 * keywords to JSON Schema (`nullable`, single-element `allOf`; `example` and `description` dropped).
 */
export function resolveSchema(rel: string, schema: unknown, depth = 0): JsonSchema {
  if (depth > 40) throw new Error(`ghl-spec: $ref nesting too deep in ${rel}`);
  if (!schema || typeof schema !== 'object') return {};
  const s = schema as Json;
  if (typeof s.$ref === 'string') {
    const [file, pointer] = s.$ref.split('#') as [string, string];
    const target = file ? path.normalize(path.join(path.dirname(rel), file)) : rel;
    return resolveSchema(target, getPointer(loadSpecFile(target), pointer), depth + 1);
  }
  if (Array.isArray(s.allOf) && s.allOf.length === 1) {
    return resolveSchema(rel, s.allOf[0], depth + 1);
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'example' || k === 'description' || k === 'nullable' || k === 'deprecated' || k === 'default')
      continue;
    if (k === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(v as Json).map(([pk, pv]) => [pk, resolveSchema(rel, pv, depth + 1)]),
      );
    } else if (k === 'items') out.items = resolveSchema(rel, v, depth + 1);
    else if (k === 'anyOf' || k === 'oneOf' || k === 'allOf')
      out[k] = (v as unknown[]).map((x) => resolveSchema(rel, x, depth + 1));
    else out[k] = v;
  }
  if (s.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (out.anyOf) out.anyOf = [...(out.anyOf as unknown[]), { type: 'null' }];
  }
  return out;
}

/** A component schema by name, resolved. */
export function componentSchema(rel: string, name: string): JsonSchema {
  return resolveSchema(rel, { $ref: `#/components/schemas/${name}` });
}

/** The resolved `application/json` response schema of an operation for a status, if the spec has one. */
export function responseSchema(op: SpecOperation, status: number | string): JsonSchema | undefined {
  const res = (op.raw.responses as Json | undefined)?.[String(status)] as Json | undefined;
  const schema = ((res?.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
  return schema ? resolveSchema(op.file, schema) : undefined;
}

/** The resolved request body schema (`application/json` or form) of an operation, if any. */
export function requestSchema(op: SpecOperation): { contentType: string; schema: JsonSchema } | undefined {
  const content = (op.raw.requestBody as Json | undefined)?.content as Json | undefined;
  if (!content) return undefined;
  const [contentType, media] = Object.entries(content)[0] as [string, Json];
  return { contentType, schema: resolveSchema(op.file, media.schema) };
}

/** The documented success status (the first 2xx key of `responses`). */
export function successStatus(op: SpecOperation): number {
  const key = Object.keys(op.raw.responses as Json).find((k) => k.startsWith('2'));
  if (!key) throw new Error(`ghl-spec: ${op.method.toUpperCase()} ${op.path} documents no 2xx answer`);
  return Number(key);
}

/** Raw (unresolved) schema with its examples, for building example values. */
function rawSchema(rel: string, schema: unknown): { rel: string; s: Json } {
  let s = schema as Json;
  let at = rel;
  while (s && typeof s.$ref === 'string') {
    const [file, pointer] = s.$ref.split('#') as [string, string];
    at = file ? path.normalize(path.join(path.dirname(at), file)) : at;
    s = getPointer(loadSpecFile(at), pointer) as Json;
  }
  if (s && Array.isArray(s.allOf) && s.allOf.length === 1) return rawSchema(at, s.allOf[0]);
  return { rel: at, s };
}

/**
 * A value built from the spec's own examples: an object of every property that has an example
 * (recursing into `$ref`ed objects; nested objects without any example are left out), the
 * schema's `example` otherwise.
 */
export function exampleOf(rel: string, schema: unknown, depth = 0): unknown {
  const { rel: at, s } = rawSchema(rel, schema);
  if (!s || depth > 10) return undefined;
  if (s.example !== undefined) return structuredClone(s.example);
  if (s.properties) {
    const out: Json = {};
    for (const [k, v] of Object.entries(s.properties as Json)) {
      const ex = exampleOf(at, v, depth + 1);
      if (ex !== undefined) out[k] = ex;
    }
    // A nested object none of whose properties has an example is left out, not sent as {}.
    return depth > 0 && Object.keys(out).length === 0 ? undefined : out;
  }
  if (s.type === 'object') return depth === 0 ? {} : undefined;
  return undefined;
}

/** The request body example of an operation, from the spec. */
export function requestExample(op: SpecOperation): unknown {
  const content = (op.raw.requestBody as Json | undefined)?.content as Json | undefined;
  if (!content) return undefined;
  const media = Object.values(content)[0] as Json;
  return exampleOf(op.file, media.schema);
}

/** The example of each path / query parameter, by name. */
export function parameterExamples(
  op: SpecOperation,
): Record<string, { in: string; required: boolean; example: unknown }> {
  const out: Record<string, { in: string; required: boolean; example: unknown }> = {};
  for (const p of (op.raw.parameters as Json[] | undefined) ?? []) {
    const schema = (p.schema ?? {}) as Json;
    out[String(p.name)] = {
      in: String(p.in),
      required: p.required === true,
      example: p.example ?? schema.example ?? schema.default,
    };
  }
  return out;
}

export interface ExtraProperty {
  /** Schema of the extra property (default: anything). */
  schema?: JsonSchema;
  /** Why the sandbox (or GHL) sends a property the spec does not declare. */
  reason: string;
  required?: boolean;
}

export interface StrictOptions {
  /** Property names required wherever an object declares them (ids, timestamps). */
  require?: readonly string[];
  /** Every property of the root object is required. */
  requireTopLevel?: boolean;
  /**
   * Extra properties allowed at an object path: '' is the root, 'contact' its `contact` property,
   * 'contacts[]' the items of its `contacts` array, 'a.b' nested.
   */
  extras?: Record<string, Record<string, ExtraProperty>>;
}

/** `additionalProperties: false` on every object, plus the required properties asked for. */
export function strictify(schema: JsonSchema, opts: StrictOptions = {}, at = ''): JsonSchema {
  const s: Json = { ...schema };
  const isObject = s.type === 'object' || (s.properties !== undefined && s.type === undefined);
  if (isObject) {
    const props: Json = {};
    for (const [k, v] of Object.entries((s.properties as Json | undefined) ?? {})) {
      props[k] = strictify(v as JsonSchema, opts, at ? `${at}.${k}` : k);
    }
    const required = new Set<string>((s.required as string[] | undefined) ?? []);
    for (const r of opts.require ?? []) if (r in props) required.add(r);
    if (at === '' && opts.requireTopLevel) for (const k of Object.keys(props)) required.add(k);
    for (const [name, extra] of Object.entries(opts.extras?.[at] ?? {})) {
      props[name] = extra.schema ?? {};
      if (extra.required) required.add(name);
    }
    s.properties = props;
    s.additionalProperties = false;
    if (required.size > 0) s.required = [...required];
  }
  if (s.items) s.items = strictify(s.items as JsonSchema, opts, `${at}[]`);
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(s[k])) s[k] = (s[k] as JsonSchema[]).map((x) => strictify(x, opts, at));
  }
  return s;
}

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

/** A validator of `schema`; `errors` is one readable line per problem (empty when valid). */
export function makeValidator(schema: JsonSchema): (value: unknown) => { ok: boolean; errors: string[] } {
  const fn: ValidateFunction = ajv.compile(schema);
  return (value) => {
    const ok = fn(value) as boolean;
    const errors = ok
      ? []
      : (fn.errors ?? []).map((e) => {
          const extra =
            e.keyword === 'additionalProperties'
              ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
              : '';
          return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
        });
    return { ok, errors };
  };
}

/** Validates `value` against `schema`; the readable errors (empty when valid). */
export function validationErrors(schema: JsonSchema, value: unknown): string[] {
  return makeValidator(schema)(value).errors;
}
