/**
 * GHL custom fields are written by id or key but read back by id only, so a mapping that uses
 * them resolves each key to its id once (`GET /locations/:id/customFields`).
 */
import { ConfigError, ConfigErrors } from '../../errors/index.js';
import type { MappingConfig } from './types.js';

/** A custom field definition as `GET /locations/:id/customFields` lists it. */
export interface CustomFieldDefinition {
  id?: string;
  fieldKey?: string;
  name?: string;
}

/**
 * The mapping with every custom field's GHL id filled in from the location's definitions (ids
 * given in the file are kept). A key the location does not have is a `ConfigErrors`.
 *
 * @example
 * const mapping = withCustomFieldIds(loadMapping(config), await ghl.listCustomFields());
 */
export function withCustomFieldIds(
  mapping: MappingConfig,
  defs: readonly CustomFieldDefinition[],
): MappingConfig {
  const byKey = new Map<string, string>();
  for (const d of defs) {
    if (!d.id || !d.fieldKey) continue;
    byKey.set(d.fieldKey.replace(/^contact\./, ''), d.id);
  }
  const issues: ConfigError[] = [];
  const fields = mapping.fields.map((f) => {
    if (!f.customField || f.customField.id) return f;
    const id = byKey.get(f.customField.key);
    if (!id) {
      const known = [...byKey.keys()].slice(0, 20).join(', ');
      issues.push(
        new ConfigError(
          `fields.${f.name}`,
          `the GHL location has no contact custom field with key contact.${f.customField.key}`,
          `create it in GHL (Settings → Custom Fields) or use an existing key${known ? ` (${known})` : ''}`,
        ),
      );
      return f;
    }
    return { ...f, customField: { ...f.customField, id } };
  });
  if (issues.length > 0) throw new ConfigErrors(mapping.source ?? '(default mapping)', issues);
  return { ...mapping, fields };
}

/**
 * True when the mapping writes custom fields whose ids are not known yet.
 *
 * @example
 * if (needsCustomFieldIds(mapping)) mapping = withCustomFieldIds(mapping, await ghl.listCustomFields());
 */
export function needsCustomFieldIds(mapping: MappingConfig): boolean {
  return mapping.fields.some((f) => f.customField && f.customField.id === null);
}
