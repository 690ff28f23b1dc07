/**
 * The customer profile written back to Cin7 (issue 6, item 5): the notes-and-tasks summary and the
 * single values the mapping's `profile:` section places in Cin7 fields. See docs/ghl-to-cin7.md.
 */
export {
  BLOCK_MARKER,
  type ProfileInput,
  type ProfileValues,
  type SummaryContact,
  type SummaryNote,
  type SummaryTask,
  contactLink,
  moreMarker,
  profileHash,
  profileValues,
  renderSummary,
  sameValue,
  userPart,
} from './render.js';
