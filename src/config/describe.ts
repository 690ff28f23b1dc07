import { fileSchema } from './schema.js';

/** One configurable key, for documentation. */
export interface KeyDoc {
  key: string;
  type: string;
  default: unknown;
  description: string;
}

type Node = {
  def?: {
    type?: string;
    innerType?: Node;
    shape?: Record<string, Node>;
    defaultValue?: unknown;
    entries?: Record<string, string>;
  };
  description?: string;
};

/**
 * Every key of the config file with its type, default and description, read from the schema itself,
 * so `docs/configuration.md` (generated from this) cannot drift from the code.
 */
export function describeConfigKeys(): KeyDoc[] {
  const out: KeyDoc[] = [];
  walk(fileSchema as unknown as Node, '', out);
  return out;
}

function walk(node: Node, prefix: string, out: KeyDoc[]): void {
  let n: Node | undefined = node;
  let description = node.description;
  let defaultValue: unknown;
  while (n?.def?.innerType) {
    if (n.def.type === 'default') defaultValue = n.def.defaultValue;
    n = n.def.innerType;
    description ??= n.description;
  }
  if (n?.def?.type === 'object' && n.def.shape) {
    for (const [k, child] of Object.entries(n.def.shape)) walk(child, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  const type =
    n?.def?.type === 'enum' ? Object.keys(n.def.entries ?? {}).join(' \\| ') : (n?.def?.type ?? 'unknown');
  out.push({ key: prefix, type, default: defaultValue, description: description ?? '' });
}

/** The Markdown table of `docs/configuration.md`. */
export function configKeysMarkdown(): string {
  const rows = describeConfigKeys().map(
    (k) =>
      `| \`${k.key}\` | ${k.type} | ${k.default === undefined ? '—' : `\`${JSON.stringify(k.default)}\``} | ${k.description} |`,
  );
  return ['| key | type | default | what to set |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
