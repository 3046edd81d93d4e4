"""End to end on a real Asterisk 22 (marker ``pbx``): the same calls as on FreeSWITCH,
through the project's own dialplan/ files, FastAGI, AudioSocket and AMI.

Not run on this project's 2-core test machine: the ../shared/pbx Asterisk build uses AVX-512
and dies with SIGILL there (the fixture skips, naming why). The warm transfer's "both sides
hear each other" check is left out here: baresip drops audio after the RTP SSRC change that
Asterisk's bridge makes (../shared/pbx/README.md).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import test_real_freeswitch as same
from tests.pbx.fixtures import Lab

pytestmark = [pytest.mark.pbx, pytest.mark.timeout(240)]


def test_booking_call(asterisk_lab: Lab, transcriber: Any) -> None:
    same.test_booking_call(asterisk_lab, transcriber)


def test_staff_not_answering_leads_to_a_message(asterisk_lab: Lab, transcriber: Any) -> None:
    same.test_staff_not_answering_leads_to_a_message(asterisk_lab, transcriber)


def test_caller_hanging_up_while_staff_ring_stops_the_ringing(asterisk_lab: Lab) -> None:
    same.test_caller_hanging_up_while_staff_ring_stops_the_ringing(asterisk_lab)


def test_reply_cut_off_by_hangup_is_stored_as_interrupted(asterisk_lab: Lab) -> None:
    same.test_reply_cut_off_by_hangup_is_stored_as_interrupted(asterisk_lab)
