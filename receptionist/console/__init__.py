"""The operator's console: server-rendered pages over the store, served by the daemon."""

from receptionist.console.app import ConsoleConfig, build_app

__all__ = ["ConsoleConfig", "build_app"]
