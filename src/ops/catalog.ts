import { InputError } from '../errors/index.js';
import type { OperationDef, OperationProvider, TriggerDef } from './types.js';

/**
 * The operations catalog: every operation and trigger of every API module, by name.
 *
 * @example
 * const catalog = new Catalog([ghlOperations, cin7Operations]);
 * catalog.operation('ghl.contacts.get');
 */
export class Catalog {
  private readonly ops = new Map<string, { def: OperationDef; provider: OperationProvider }>();
  readonly triggers: TriggerDef[] = [];

  constructor(readonly providers: OperationProvider[]) {
    for (const provider of providers) {
      for (const def of provider.operations) {
        if (this.ops.has(def.name)) throw new Error(`Duplicate operation name ${def.name}`);
        this.ops.set(def.name, { def, provider });
      }
      this.triggers.push(...provider.triggers);
    }
  }

  get operations(): OperationDef[] {
    return [...this.ops.values()].map((o) => o.def);
  }

  /** The operation and its provider; a clear error naming close matches when unknown. */
  lookup(name: string): { def: OperationDef; provider: OperationProvider } {
    const found = this.ops.get(name);
    if (found) return found;
    const prefix = name.split('.').slice(0, 2).join('.');
    const near = [...this.ops.keys()].filter((n) => n.startsWith(prefix)).slice(0, 8);
    throw new InputError(
      'operation',
      `unknown operation "${name}"`,
      near.length
        ? `did you mean one of: ${near.join(', ')}?`
        : 'run `cin7-ghl ops list` to see every operation',
    );
  }

  operation(name: string): OperationDef {
    return this.lookup(name).def;
  }
}

/**
 * Checks `params` against an operation: required path/query parameters present, no unknown ones,
 * a body only when the operation takes one. Throws `InputError` naming the parameter and the fix.
 */
export function checkParams(
  op: OperationDef,
  params: Record<string, unknown>,
  defaults: string[] = [],
): void {
  const known = new Set(op.params.filter((p) => p.in !== 'body').map((p) => p.name));
  for (const key of Object.keys(params)) {
    if (key === 'body') {
      if (!op.hasBody)
        throw new InputError(`${op.name} params.body`, 'this operation takes no body', 'remove "body"');
      continue;
    }
    if (!known.has(key)) {
      const names = [...known];
      throw new InputError(
        `${op.name} params.${key}`,
        'unknown parameter',
        names.length
          ? `use one of: ${names.join(', ')}${op.hasBody ? ', body' : ''}`
          : op.hasBody
            ? 'put request fields under "body"'
            : 'this operation takes no parameters',
      );
    }
  }
  for (const p of op.params) {
    if (p.in === 'body' || !p.required || defaults.includes(p.name)) continue;
    if (params[p.name] === undefined || params[p.name] === '') {
      throw new InputError(
        `${op.name} params.${p.name}`,
        'required parameter missing',
        `add "${p.name}" (${p.description})`,
      );
    }
  }
  if (op.hasBody && op.params.some((p) => p.in === 'body' && p.required) && params.body === undefined) {
    throw new InputError(
      `${op.name} params.body`,
      'this operation needs a request body',
      'add "body": { … } with the fields the operation takes',
    );
  }
}
