"""What a caller may be promised about a confirmation (no I/O).

A booking that is still pending owes the caller a confirmation, but the agent may promise one
only when it can really be delivered: the site's ``[confirmations] channel`` is set up (an SMS
gateway URL, an SMTP host; a call-back needs nothing) and the caller gave what that channel
needs (a number for a text or a call back, an address for an e-mail). Otherwise the caller is
told the truth: no confirmation will come, so call again to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from receptionist.domain.saying import say_digits

CALLBACK, SMS, EMAIL = "callback", "sms", "email"
CALL_AGAIN = "please call us again later, and we can tell you whether it went through."


@dataclass(frozen=True)
class ConfirmationRoute:
    """The site's confirmation channel and whether it can deliver at all."""

    channel: str = CALLBACK
    ready: bool = True  # sms: a gateway URL; email: an SMTP host; callback: always

    def reaches(self, phone: str, email: str = "") -> bool:
        """Will a confirmation reach this caller?"""
        if not self.ready:
            return False
        if self.channel == EMAIL:
            return bool(email)
        return bool(phone)

    def promise(self, phone: str, email: str = "", region: str = "US") -> str:
        """The sentence about the confirmation, ending a "your request is taken" claim."""
        if self.reaches(phone, email):
            if self.channel == SMS:
                return (
                    f"You'll get a confirmation by text message at {say_digits(phone, region)} "
                    "as soon as it goes through."
                )
            if self.channel == EMAIL:
                return "You'll get a confirmation by e-mail as soon as it goes through."
            return (
                f"We'll call you back at {say_digits(phone, region)} with a confirmation as soon "
                "as it goes through."
            )
        if self.ready and self.channel != EMAIL:
            return f"I don't have a number to send a confirmation to, so {CALL_AGAIN}"
        if self.ready:
            return f"I don't have an e-mail address for a confirmation, so {CALL_AGAIN}"
        return f"I'm not able to send you a confirmation, so {CALL_AGAIN}"


def route_for(settings: Any) -> ConfirmationRoute:
    """The route ``[confirmations]`` of ``settings`` (app.config.Settings) describes."""
    c = settings.confirmations
    if c.channel == SMS:
        return ConfirmationRoute(SMS, ready=bool(c.sms_url))
    if c.channel == EMAIL:
        return ConfirmationRoute(EMAIL, ready=bool(c.smtp_host))
    return ConfirmationRoute(CALLBACK)
