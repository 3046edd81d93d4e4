"""The SIP endpoint registering as an extension of a real PBX: FreeSWITCH 1.10.12 from
../shared/pbx as the registrar, with digest auth (marker ``pbx``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from receptionist.app.http import pbx_links
from receptionist.bridges.sip import SipBridge, SipSettings
from tests.pbx.freeswitch import FreeSwitch
from tests.pbx.shared import FREESWITCH_TAR, free_block, require

pytestmark = [pytest.mark.pbx, pytest.mark.timeout(120)]

SECRET = "s3cret-1000"


class Registrar(FreeSwitch):
    """The test switch with one more directory user: extension 1000, with a password."""

    def write_config(self) -> None:
        super().write_config()
        conf = self.work / "conf" / "freeswitch.xml"
        user = f'<user id="1000"><params><param name="password" value="{SECRET}"/></params></user>'
        conf.write_text(conf.read_text().replace("<users>", "<users>\n" + user, 1))


@pytest.fixture(scope="module")
def registrar(pbx_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registrar]:
    require(FREESWITCH_TAR)
    folder = tmp_path_factory.mktemp("sip-registrar")
    switch = Registrar(pbx_base, folder / "switch", daemon_port=free_block(1)[0])
    switch.start()
    try:
        yield switch
    finally:
        switch.stop()


async def nothing(_leg: object) -> None:
    return None


def settings_for(
    switch: FreeSwitch, password: str, expires: int = 300, host: str = "127.0.0.1"
) -> SipSettings:
    rtp = free_block(10)
    return SipSettings(
        port=0,
        rtp_port_min=rtp[0],
        rtp_port_max=rtp[9],
        register=True,
        registrar=f"{host}:{switch.sip_port}",  # a name is looked up at start
        register_user="1000",
        register_domain="127.0.0.1",
        register_password=password,
        register_expires=expires,
    )


async def registered_contacts(switch: FreeSwitch) -> str:
    return await asyncio.to_thread(switch.api, "sofia status profile internal reg")


async def test_registers_with_digest_auth_and_refreshes(registrar: Registrar) -> None:
    bridge = SipBridge(settings_for(registrar, SECRET, expires=30, host="localhost"), nothing)
    await bridge.start()
    try:
        await asyncio.wait_for(bridge.registered.wait(), 10)
        status = await registered_contacts(registrar)
        assert "1000@127.0.0.1" in status, status
        assert f"127.0.0.1:{bridge.port}" in status, status  # our Contact is bound
        assert pbx_links([bridge]) == {("sip", "register"): True}  # the /metrics link gauge
        started = time.monotonic()
        while bridge.registrations < 2:  # refreshed before the 30 s expire
            assert time.monotonic() - started < 30, "no re-registration before expiry"
            await asyncio.sleep(0.2)
        assert bridge.registered.is_set()
    finally:
        await bridge.stop()
    # stop() removed the binding (REGISTER with Expires: 0)
    deadline = time.monotonic() + 5
    while f"127.0.0.1:{bridge.port}" in await registered_contacts(registrar):
        assert time.monotonic() < deadline, "the binding outlived the bridge"
        await asyncio.sleep(0.2)


async def test_a_wrong_password_is_refused(registrar: Registrar) -> None:
    bridge = SipBridge(settings_for(registrar, "wrong"), nothing)
    await bridge.start()
    try:
        registration = bridge.registration
        assert registration is not None
        deadline = time.monotonic() + 10
        while registration.state.value == "registering":  # challenge, our answer, the 403
            assert time.monotonic() < deadline, "the switch never answered"
            await asyncio.sleep(0.1)
        assert registration.state.value == "failed"
        assert not bridge.registered.is_set()
        assert pbx_links([bridge]) == {("sip", "register"): False}
        assert f"127.0.0.1:{bridge.port}" not in await registered_contacts(registrar)
    finally:
        await bridge.stop()
