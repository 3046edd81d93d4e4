"""`python -m receptionist ...` is the `receptionist` command."""

from receptionist.app.cli import main

raise SystemExit(main())
