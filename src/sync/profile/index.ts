/** The unified customer profile: built by the engine, read by `cin7-ghl profile` and the API. */
export { type CustomerProfile, type ProfileContact, buildProfile, readProfile } from './profile.js';
export { findProfiles, profileText } from './read.js';
