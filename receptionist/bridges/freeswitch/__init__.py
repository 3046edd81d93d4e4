"""The FreeSWITCH bridge: one package, one module per job (see ``bridge.py``)."""

from receptionist.bridges.freeswitch.bridge import FreeSwitchBridge
from receptionist.bridges.freeswitch.leg import (
    FreeSwitchCommandError,
    FreeSwitchError,
    FreeSwitchLeg,
    FreeSwitchLinkError,
    FreeSwitchStartError,
)
from receptionist.bridges.freeswitch.settings import FreeSwitchSettings

__all__ = [
    "FreeSwitchBridge",
    "FreeSwitchCommandError",
    "FreeSwitchError",
    "FreeSwitchLeg",
    "FreeSwitchLinkError",
    "FreeSwitchSettings",
    "FreeSwitchStartError",
]
