"""G.711 µ-law and A-law as numpy lookup tables (ITU-T G.711; ``audioop`` is gone in 3.13).

Encoding goes through a 65536-entry table indexed by the 16-bit sample, decoding through a
256-entry table, so a 20 ms frame costs two numpy takes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["alaw_decode", "alaw_encode", "ulaw_decode", "ulaw_encode"]

_ULAW_BIAS = 0x84
_ULAW_CLIP = 32635


def _ulaw_encode_scalar(sample: int) -> int:
    sign = 0x80 if sample < 0 else 0
    magnitude = min(-sample if sample < 0 else sample, _ULAW_CLIP) + _ULAW_BIAS
    exponent = 7
    mask = 0x4000
    while exponent > 0 and not magnitude & mask:
        exponent -= 1
        mask >>= 1
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def _ulaw_decode_scalar(code: int) -> int:
    code = ~code & 0xFF
    sign = code & 0x80
    exponent = (code >> 4) & 0x07
    mantissa = code & 0x0F
    magnitude = (((mantissa << 3) + _ULAW_BIAS) << exponent) - _ULAW_BIAS
    return -magnitude if sign else magnitude


def _alaw_encode_scalar(sample: int) -> int:
    # A-law works on 13-bit magnitudes; the sign bit is set for positive values.
    sign = 0x80 if sample >= 0 else 0
    magnitude = sample if sample >= 0 else -sample - 1
    magnitude = min(magnitude, 32767) >> 3
    if magnitude < 32:
        code = magnitude >> 1
    else:
        exponent = magnitude.bit_length() - 5
        code = (exponent << 4) | ((magnitude >> exponent) & 0x0F)
    return (sign | code) ^ 0x55


def _alaw_decode_scalar(code: int) -> int:
    code ^= 0x55
    sign = code & 0x80
    exponent = (code >> 4) & 0x07
    mantissa = code & 0x0F
    if exponent == 0:
        magnitude = (mantissa << 4) + 8
    else:
        magnitude = ((mantissa << 4) + 0x108) << (exponent - 1)
    return magnitude if sign else -magnitude


_SAMPLES = range(-32768, 32768)
_ULAW_ENC = np.array([_ulaw_encode_scalar(s) for s in _SAMPLES], dtype=np.uint8)
_ALAW_ENC = np.array([_alaw_encode_scalar(s) for s in _SAMPLES], dtype=np.uint8)
_ULAW_DEC = np.array([_ulaw_decode_scalar(c) for c in range(256)], dtype=np.int16)
_ALAW_DEC = np.array([_alaw_decode_scalar(c) for c in range(256)], dtype=np.int16)


def ulaw_encode(pcm: np.ndarray) -> np.ndarray:
    """int16 samples -> µ-law bytes (uint8)."""
    return _ULAW_ENC[pcm.astype(np.int32) + 32768]


def ulaw_decode(codes: np.ndarray | bytes) -> np.ndarray:
    """µ-law bytes -> int16 samples."""
    return _ULAW_DEC[np.frombuffer(codes, dtype=np.uint8) if isinstance(codes, bytes) else codes]


def alaw_encode(pcm: np.ndarray) -> np.ndarray:
    """int16 samples -> A-law bytes (uint8)."""
    return _ALAW_ENC[pcm.astype(np.int32) + 32768]


def alaw_decode(codes: np.ndarray | bytes) -> np.ndarray:
    """A-law bytes -> int16 samples."""
    return _ALAW_DEC[np.frombuffer(codes, dtype=np.uint8) if isinstance(codes, bytes) else codes]
