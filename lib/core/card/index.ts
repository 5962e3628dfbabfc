/** The card: OS simulator, issuer-side and terminal-side functions (docs/card.md). */
export { SimulatedCard, SW_NOT_POWERED } from "./simulated-card";
export { processApdu, INITIAL_SESSION, type Session as CardSession } from "./card-os";
export { encodeCardSession, decodeCardSession } from "./session-codec";
export { systemCardEnv, seededCardEnv, type CardEnv, type SeededCardEnv } from "./env";
export {
  decodeCardImage,
  encodeCardImage,
  CARD_IMAGE_VERSION,
  ISSUER_KEY_VERSIONS,
  SCP03_KEY_VERSIONS,
  type CardImage,
  type CardApplication,
  type UsedToken,
  type Scp03KeySet,
  type SecurityDomain,
} from "./image";
export {
  personaliseCard,
  createDemoCard,
  randomSurfaceNumber,
  drawUnused,
  SURFACE_NUMBER_DRAWS,
  type PersonaliseParams,
  type PersonalisedCard,
  type PersonaliseCrypto,
} from "./personalise";
export { DEMO_ISSUER, DEMO_ISSUER_PUBLIC_KEYS, generateIssuerKeys, type IssuerKeys, type IssuerPublicKeys } from "./demo-keys";
export {
  signPermission,
  decodePermission,
  verifyPermission,
  type Permission,
  type LoadPermission,
  type DeletePermission,
  type LifeCyclePermission,
  type LoadKind,
} from "./permission";
export { verifyReceipt, decodeReceipt, type ReceiptInfo, type ReceiptExpectation } from "./receipt";
export { cardBinding, decryptCardAttributeData, privateKeyFromJwk, publicKeyFromJwk, sha256Hex } from "./cryptography";
export { buildLoadFile, decodeLoadFile, loadFileHash, type AppletKind, type LoadFile, type LoadFileSpec } from "./load-file";
export { type AppletParams, type AppletState } from "./applets";
export { describeStatusWord, formatStatusWord, SW } from "./status-words";
export { ISD_AID_HEX, TAG, type CardLifeCycle, type CardPlatformType } from "./gp";
export { CARD_ATR } from "./atr";
export * as terminal from "./terminal";
export { openSecureChannel, ScpError, applyIssuerKeyUpdates, readIssuerKeyVersion, type Scp03Channel } from "./scp03-host";
export { signIssuerKeyUpdate, encodeIssuerKeyUpdate, decodeIssuerKeyUpdate, issuerKeyFingerprint, type IssuerKeyUpdate } from "./issuer-key-update";
export { SECURITY_LEVEL } from "./scp03";
