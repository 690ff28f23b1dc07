/**
 * Field mapping between Cin7 customers and GHL contacts: the validated mapping config, Cin7 →
 * GHL mapping with per-field hashes, the request bodies, and the reverse direction. See
 * `src/sync/mapping/README.md` and `docs/mapping.md`.
 */
export type {
  AddressChoice,
  CompanyDetection,
  ContactSelection,
  CreateContactBody,
  CreateCustomersMapping,
  Direction,
  FieldSpec,
  FieldValue,
  GhlContactLike,
  GhlContactValues,
  GhlCustomFieldRead,
  MappedContact,
  MappingConfig,
  MappingResult,
  Owner,
  ProfileMapping,
  ProfileValueName,
  SkipCode,
  SkippedContact,
  SourceRef,
  TransformName,
  UpdateContactBody,
  UpsertContactBody,
} from './types.js';
export { loadMapping, parseMapping, type MappingOptions } from './load.js';
export {
  CREATE_DEFAULT_KEYS,
  DEFAULT_LINK_TEMPLATE,
  PROFILE_FIELD_LIMITS,
  defaultProfile,
} from './ghl-to-cin7.js';
export { mapCustomer, cin7TagList, identitySources, phoneRegionFor } from './map.js';
export {
  createBody,
  updateBody,
  upsertBody,
  changedFields,
  planWrites,
  initialTags,
  type WritePlan,
} from './bodies.js';
export {
  readGhlContact,
  cin7Patch,
  cin7TagsFromGhl,
  isCin7OwnedTag,
  MappingError,
  type Cin7PatchResult,
  type ReadGhlOptions,
} from './reverse.js';
export { withCustomFieldIds, needsCustomFieldIds, type CustomFieldDefinition } from './custom-fields.js';
export {
  hashValue,
  hashAll,
  normalizeEmail,
  normalizeText,
  normalizeTag,
  normalizeTags,
} from './normalize.js';
export { countryToIso, isoToCountryName } from './country.js';
export { toE164 } from './phone.js';
export { isCompany, chooseAddress, selectContacts } from './select.js';
export { forward, fromGhl, reverse } from './transforms.js';
