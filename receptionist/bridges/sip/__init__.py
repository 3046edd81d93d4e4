"""SIP endpoint bridge: answers INVITEs itself (no PBX needed), or registers as an
extension of one. ``bridge.py`` (SIP), ``leg.py`` (the CallLeg), ``media.py`` (RTP),
``transfer.py`` (REFER), ``settings.py`` (the ``[sip]`` table), ``stack.py`` (aiosipua
adapted: the transport boundary, UDP resends, INFO, registration events)."""

from receptionist.bridges.sip.bridge import SipBridge, SipError, SipStartError
from receptionist.bridges.sip.settings import SipSettings

__all__ = ["SipBridge", "SipError", "SipSettings", "SipStartError"]
