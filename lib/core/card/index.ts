/** The card: OS simulator, issuer-side and terminal-side functions (docs/card.md). */
export { SimulatedCard } from "./simulated-card";
export { processApdu, INITIAL_SESSION } from "./card-os";
export { encodeCardSession, decodeCardSession } from "./session-codec";
export { systemCardEnv, seededCardEnv, type CardEnv } from "./env";
export { decodeCardImage, encodeCardImage, ISSUER_KEY_VERSIONS, type CardImage, type Scp03KeySet } from "./image";
export { personaliseCard, createDemoCard, randomSurfaceNumber, drawUnused, SURFACE_NUMBER_DRAWS, type PersonaliseCrypto } from "./personalise";
export { DEMO_ISSUER, generateIssuerKeys, type IssuerKeys } from "./demo-keys";
export { signPermission, verifyPermission, type Permission, type LoadKind } from "./permission";
export { verifyReceipt, decodeReceipt } from "./receipt";
export { cardBinding, decryptCardAttributeData, privateKeyFromJwk, publicKeyFromJwk } from "./cryptography";
export { buildLoadFile, loadFileHash, type AppletKind } from "./load-file";
export { type AppletParams } from "./applets";
export { describeStatusWord, formatStatusWord, SW } from "./status-words";
export { TAG, type CardPlatformType } from "./gp";
export * as terminal from "./terminal";
export { applyIssuerKeyUpdates, readIssuerKeyVersion } from "./scp03-host";
export { signIssuerKeyUpdate, encodeIssuerKeyUpdate, decodeIssuerKeyUpdate, issuerKeyFingerprint, type IssuerKeyUpdate } from "./issuer-key-update";
