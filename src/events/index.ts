/** Outbound product events: emit, subscriptions, signed delivery. See docs/events.md. */
export { BRIDGED_KINDS, bridgeStoreEvents } from './bridge.js';
export {
  type DeliveryBody,
  type DeliverDeps,
  type DeliveryPolicy,
  EVENT_DELIVERY_JOB,
  EventDeliveryError,
  deliverEvent,
  eventDeliveryJob,
} from './deliver.js';
export { type DeliveryJobPayload, dispatchProductEvents, pruneProductEvents } from './dispatch.js';
export { type EmitOptions, emitProductEvent, onProductEventEmitted } from './emit.js';
export {
  PRODUCT_EVENT_NAMES,
  PRODUCT_EVENT_SCHEMAS,
  PRODUCT_EVENT_TRIGGERS,
  type ProductEventName,
  type ProductEventPayload,
  isProductEventName,
} from './names.js';
export {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  newSubscriptionSecret,
  signatureHeader,
  verifySignatureHeader,
} from './signature.js';
export { bridgeFinishedRuns } from './runs-bridge.js';
export { type TailOptions, tailStoreEvents } from './store-tail.js';
export {
  type NewSubscription,
  type Subscription,
  checkSubscription,
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  rotateSubscriptionSecret,
  subscriptionSecretName,
  syncConfigSubscriptions,
} from './subscriptions.js';
