"""The business: profile, services, hours, staff and roles, and how to say a day, a time and a
number. Imports nothing of ours (ARCHITECTURE: the bottom layer)."""

from receptionist.domain.profile import (
    BusinessProfile,
    EscalationRule,
    OpeningHours,
    Service,
    StaffMember,
)
from receptionist.domain.saying import DAY_NAMES, say_day, say_digits, say_time

__all__ = [
    "DAY_NAMES",
    "BusinessProfile",
    "EscalationRule",
    "OpeningHours",
    "Service",
    "StaffMember",
    "say_day",
    "say_digits",
    "say_time",
]
