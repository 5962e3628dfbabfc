#!/usr/bin/env python3
"""A PC/SC transmit pipe for scripts: connects to READER through pcscd (libpcsclite.so.1 via ctypes,
no build step), then reads one command APDU in hex per stdin line and writes the response
(data ‖ SW1 SW2) in hex per stdout line, or "ERR xxxxxxxx" with the PC/SC return code.
First output line: "PROTOCOL T=0" or "PROTOCOL T=1", what pcscd negotiated.

    python3 scripts/pcsc/transmit.py "Virtual PCD 00 00"
"""
import ctypes
import sys

SCARD_SCOPE_SYSTEM = 2
SCARD_SHARE_SHARED = 2
SCARD_PROTOCOL_T0 = 1
SCARD_PROTOCOL_T1 = 2
SCARD_LEAVE_CARD = 0

LONG = ctypes.c_long  # pcsc-lite on Linux: LONG = long, DWORD = unsigned long, handles are LONG
DWORD = ctypes.c_ulong


class IoRequest(ctypes.Structure):
    _fields_ = [("dwProtocol", DWORD), ("cbPciLength", DWORD)]


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: transmit.py READER", file=sys.stderr)
        return 2
    lib = ctypes.CDLL("libpcsclite.so.1")
    context = LONG()
    rv = lib.SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), None, None, ctypes.byref(context))
    if rv != 0:
        print(f"ERR {rv & 0xFFFFFFFF:08X} SCardEstablishContext", flush=True)
        return 1
    card = LONG()
    protocol = DWORD()
    lib.SCardConnect.argtypes = [LONG, ctypes.c_char_p, DWORD, DWORD, ctypes.POINTER(LONG), ctypes.POINTER(DWORD)]
    rv = lib.SCardConnect(context, sys.argv[1].encode(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, ctypes.byref(card), ctypes.byref(protocol))
    if rv != 0:
        print(f"ERR {rv & 0xFFFFFFFF:08X} SCardConnect", flush=True)
        return 1
    print("PROTOCOL " + ("T=1" if protocol.value == SCARD_PROTOCOL_T1 else "T=0"), flush=True)
    pci = IoRequest(protocol.value, ctypes.sizeof(IoRequest))
    lib.SCardTransmit.argtypes = [LONG, ctypes.POINTER(IoRequest), ctypes.c_char_p, DWORD, ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(DWORD)]
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        apdu = bytes.fromhex(line)
        buffer = ctypes.create_string_buffer(65538)
        length = DWORD(65538)
        rv = lib.SCardTransmit(card, ctypes.byref(pci), apdu, DWORD(len(apdu)), None, buffer, ctypes.byref(length))
        print(f"ERR {rv & 0xFFFFFFFF:08X}" if rv != 0 else buffer.raw[: length.value].hex().upper(), flush=True)
    lib.SCardDisconnect(card, DWORD(SCARD_LEAVE_CARD))
    lib.SCardReleaseContext(context)
    return 0


if __name__ == "__main__":
    sys.exit(main())
