/** The parts of WebUSB's `USBDevice` the CCID transport uses, so a stand-in device fits in tests. */

export type UsbTransferStatus = "ok" | "stall" | "babble";

export interface UsbEndpointLike {
  readonly endpointNumber: number;
  readonly direction: "in" | "out";
  readonly type: "bulk" | "interrupt" | "isochronous";
  readonly packetSize: number;
}

export interface UsbAlternateInterfaceLike {
  readonly alternateSetting: number;
  readonly interfaceClass: number;
  readonly interfaceSubclass: number;
  readonly interfaceProtocol: number;
  readonly endpoints: readonly UsbEndpointLike[];
}

export interface UsbInterfaceLike {
  readonly interfaceNumber: number;
  readonly alternate: UsbAlternateInterfaceLike;
  readonly alternates: readonly UsbAlternateInterfaceLike[];
}

export interface UsbConfigurationLike {
  readonly configurationValue: number;
  readonly interfaces: readonly UsbInterfaceLike[];
}

export interface UsbDeviceLike {
  readonly opened: boolean;
  readonly productName?: string;
  readonly configuration: UsbConfigurationLike | null;
  readonly configurations: readonly UsbConfigurationLike[];
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  transferOut(endpointNumber: number, data: Uint8Array<ArrayBuffer>): Promise<{ readonly status: UsbTransferStatus; readonly bytesWritten: number }>;
  transferIn(endpointNumber: number, length: number): Promise<{ readonly status: UsbTransferStatus; readonly data?: DataView }>;
}

/** USB interface class of smart-card readers (USB CCID Rev 1.1 §4.1, bInterfaceClass 0x0B). */
export const USB_CLASS_SMART_CARD = 0x0b;
