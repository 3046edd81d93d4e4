"""Start-up, listeners, signals, settings and the commands."""
