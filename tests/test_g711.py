"""G.711 against values of the ITU-T G.711 tables, and round trips of every code."""

import numpy as np
import pytest

from receptionist.protocols.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode


@pytest.mark.parametrize(
    ("code", "value"),
    [
        (0x00, -32124),
        (0x80, 32124),
        (0x0F, -16764),
        (0x8F, 16764),
        (0x7E, -8),
        (0xFE, 8),
        (0x7F, 0),
        (0xFF, 0),
        (0x70, -120),
        (0x40, -1884),
        (0x30, -3900),
        (0x10, -15996),
    ],
)
def test_ulaw_decodes_like_the_itu_table(code: int, value: int) -> None:
    assert int(ulaw_decode(bytes([code]))[0]) == value


@pytest.mark.parametrize(
    ("code", "value"),
    [
        (0xD5, 8),
        (0x55, -8),
        (0xAA, 32256),
        (0x2A, -32256),
        (0xD4, 24),
        (0x80, 5504),
        (0x00, -5504),
        (0xC5, 264),
    ],
)
def test_alaw_decodes_like_the_itu_table(code: int, value: int) -> None:
    assert int(alaw_decode(bytes([code]))[0]) == value


def test_ulaw_every_code_round_trips_except_negative_zero() -> None:
    codes = np.arange(256, dtype=np.uint8)
    back = ulaw_encode(ulaw_decode(codes))
    differ = codes[back != codes]
    # 0x7F is "-0": it decodes to 0, which encodes as 0xFF (+0).
    assert differ.tolist() == [0x7F]


def test_alaw_every_code_round_trips() -> None:
    codes = np.arange(256, dtype=np.uint8)
    assert (alaw_encode(alaw_decode(codes)) == codes).all()


def test_encoding_is_monotonic_and_close() -> None:
    samples = np.arange(-32768, 32768, 7, dtype=np.int16)
    for enc, dec in ((ulaw_encode, ulaw_decode), (alaw_encode, alaw_decode)):
        back = dec(enc(samples)).astype(np.int32)
        wide = samples.astype(np.int32)
        assert np.all(np.diff(back) >= 0)
        # Logarithmic companding: the error stays under ~3.3 % of the magnitude (+ a step).
        assert np.all(np.abs(back - wide) <= np.abs(wide) * 0.033 + 16)


def test_silence_codes() -> None:
    assert ulaw_encode(np.zeros(3, np.int16)).tolist() == [0xFF] * 3
    assert alaw_encode(np.zeros(3, np.int16)).tolist() == [0xD5] * 3
