"""How the receptionist says a day, a time and a phone number (what TTS reads well)."""

from __future__ import annotations

from datetime import date, time

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def say_time(value: time) -> str:
    hour = value.hour % 12 or 12
    suffix = "AM" if value.hour < 12 else "PM"
    return f"{hour} {suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d} {suffix}"


def say_day(value: date) -> str:
    return f"{DAY_NAMES[value.weekday()]} {value.strftime('%B')} {value.day}"


def say_digits(number: str) -> str:
    """'5551234' -> '5 5 5, 1 2 3 4' so that TTS reads digits, grouped like a phone number."""
    digits = [d for d in number if d.isdigit()]
    if len(digits) == 10:
        groups = [digits[:3], digits[3:6], digits[6:]]
    elif len(digits) == 7:
        groups = [digits[:3], digits[3:]]
    else:
        groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return ", ".join(" ".join(g) for g in groups)
