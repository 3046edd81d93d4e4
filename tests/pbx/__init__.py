"""Real switches for the tests: FreeSWITCH and Asterisk from ../shared/pbx, baresip phones.

``shared.py`` finds and unpacks the builds once per session, ``freeswitch.py`` and
``asterisk.py`` write configs with free loopback ports that take in the project's own
``freeswitch-conf/`` and ``dialplan/`` files and start and stop each switch, ``baresip.py``
drives SIP callers and staff phones over ctrl_tcp, ``daemon.py`` runs ``receptionist serve``
as a subprocess with its own store, ``audio.py`` makes callers' speech and transcribes what
they heard. ``fixtures.py`` ties them into pytest (marker ``pbx``).
"""
