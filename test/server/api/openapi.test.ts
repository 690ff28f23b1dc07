/**
 * `/api/openapi.json` of a running service: valid OpenAPI (checked by
 * @seriousme/openapi-schema-validator), lists every `/api` route of the app, every schema in it
 * compiles as JSON Schema 2020-12, and the answers of the parameterless GET routes match their
 * documented schemas.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestService, startTestService } from '../../service/helpers.js';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
        parameters: Array<{ in: string; required: boolean }>;
      }
    >
  >;
  components: { schemas: Record<string, unknown> };
};

describe('OpenAPI document', () => {
  let t: TestService;
  let doc: Doc;
  beforeAll(async () => {
    t = await startTestService();
    const res = await t.call('/api/openapi.json');
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents exactly the /api routes the app serves', () => {
    const served = new Set(
      t.service
        .app!.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/'))
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)),
    );
    expect([...documented].sort()).toEqual([...served].sort());
    expect(documented.has('post /api/ops/{name}')).toBe(true);
    expect(documented.has('get /api/openapi.json')).toBe(true);
  });

  it('every schema compiles (JSON Schema 2020-12), and parameterless GET answers match their schemas', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ ...(doc.components.schemas.Error as object), $id: 'error' });
    const resolve = (s: unknown): unknown =>
      JSON.parse(JSON.stringify(s).replaceAll('"#/components/schemas/Error"', '"error"'));
    let checked = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, r] of Object.entries(op.responses)) {
          const schema = r.content?.['application/json']?.schema;
          if (!schema) continue;
          const validate = ajv.compile(resolve(schema) as object);
          if (
            method === 'get' &&
            status === '200' &&
            !op.parameters.some((x) => x.in === 'path' || x.required)
          ) {
            const res = await t.call(p);
            expect(res.status, p).toBe(200);
            const body: unknown = await res.json();
            expect(validate(body), `${p}: ${JSON.stringify(validate.errors)}`).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
    // An error answer matches the Error schema too.
    const bad = await t.call('/api/events?limit=0');
    expect(bad.status).toBe(400);
    const validateError = ajv.getSchema('error')!;
    expect(validateError(await bad.json())).toBe(true);
  });
});
