/** Communication data between the card issuer and the service providers (see docs/messages.md). */
export * from "./platform-type";
export * from "./refusal";
export * from "./message-types";
export * from "./schemas";
export * from "./codec";
export * from "./canonical-json";
export * from "./header";
export * from "./signature";
export * from "./receipt";
export * from "./file";
export * from "./dispatch";
export * from "./demo-keys";
export { checkBatchPairs, type BatchPairRefusal } from "./rules";
export * from "./outcome";
export * from "./outcome-words";
