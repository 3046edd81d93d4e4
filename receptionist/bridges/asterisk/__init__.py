"""The Asterisk bridge: one package, one module per job (see ``bridge.py``)."""

from receptionist.bridges.asterisk.ami import AmiActionError, AmiUnavailable, AsteriskStartupError
from receptionist.bridges.asterisk.bridge import AsteriskBridge
from receptionist.bridges.asterisk.leg import AsteriskLeg
from receptionist.bridges.asterisk.settings import AsteriskSettings

__all__ = [
    "AmiActionError",
    "AmiUnavailable",
    "AsteriskBridge",
    "AsteriskLeg",
    "AsteriskSettings",
    "AsteriskStartupError",
]
