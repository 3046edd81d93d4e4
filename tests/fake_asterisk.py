"""A fake Asterisk 22 over real loopback sockets, built from ``tests/captures/asterisk``.

- AMI server: the banner, login (a wrong secret answers ``Authentication failed`` after a
  delay, then closes, as ``ami_badlogin``), Ping, Originate (``queued`` reply, then an
  ``OriginateResponse`` *event* carrying ``Response:`` when the session's events include
  ``call``; with ``Events: off`` Asterisk sends none), Redirect, Bridge, Hangup,
  MixMonitor, StopMixMonitor, errors worded as the captures word them, and ``drop()`` to
  cut every AMI connection.
- A call (``FakeCall``) plays the dialplan: FastAGI to the bridge with a real ``agi_*``
  environment (from ``agi_sip``), answering commands as the captures do (``510``, a bare
  ``HANGUP`` then ``511`` on a dead channel), then, if ``RECEPTIONIST_STATUS`` is ``ok``,
  an AudioSocket connection: the uuid frame, the caller's audio at 20 ms, DTMF frames, and
  at the end a close (hangup), a truncated frame, or nothing (stay on the line).
- An answered staff leg connects its own AudioSocket with ``RECEPTIONIST_STAFF_UUID``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from receptionist.protocols import agi, ami
from receptionist.protocols import audiosocket as aso
from tests.asterisk_captures import capture

EOL = "\r\n"
Step = bytes | str | float  # an audio payload, a DTMF digit, a pause in seconds
_counter = itertools.count(1)


def ami_block(*pairs: tuple[str, str]) -> bytes:
    return ("".join(f"{k}: {v}{EOL}" for k, v in pairs) + EOL).encode()


class AudioSocketPeer:
    """Asterisk's end of one AudioSocket connection: sends frames, records ours."""

    def __init__(self, address: tuple[str, int], call_uuid: str) -> None:
        self.address = address
        self.uuid = call_uuid
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.received: list[aso.Frame] = []
        self.receive_times: list[float] = []
        self.closed = asyncio.Event()
        self.closed_by = ""  # "us-hangup-frame", "bridge-eof", "asterisk"
        self.bad_kinds: list[int] = []
        self._task: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(*self.address)
        self.writer.write(aso.uuid_frame(self.uuid))
        self._task = asyncio.get_running_loop().create_task(self._read())

    @property
    def audio(self) -> list[bytes]:
        return [f.payload for f in self.received if f.kind is aso.Kind.AUDIO]

    def max_gap_s(self) -> float:
        t = self.receive_times
        return max((b - a for a, b in itertools.pairwise(t)), default=0.0)

    async def _read(self) -> None:
        assert self.reader is not None
        frames = aso.FrameReader()
        loop = asyncio.get_running_loop()
        try:
            while True:
                data = await self.reader.read(4096)
                if not data:
                    self.closed_by = self.closed_by or "bridge-eof"
                    break
                frames.feed(data)
                while (f := frames.next_frame()) is not None:
                    self.received.append(f)
                    self.receive_times.append(loop.time())
                    if f.kind is aso.Kind.HANGUP:
                        self.closed_by = "us-hangup-frame"  # Asterisk closes at once
                        return
                    if f.kind is not aso.Kind.AUDIO:
                        self.bad_kinds.append(f.kind)  # Asterisk hangs up and resets
                        return
        except (ConnectionError, ValueError) as e:
            self.closed_by = self.closed_by or f"error: {e}"
        finally:
            self.close("asterisk")

    def close(self, by: str = "asterisk") -> None:
        self.closed_by = self.closed_by or by
        if self.writer is not None and not self.writer.is_closing():
            self.writer.close()
        self.closed.set()

    async def send(self, data: bytes) -> bool:
        if self.writer is None or self.writer.is_closing() or self.closed.is_set():
            return False
        try:
            self.writer.write(data)
            await self.writer.drain()
        except ConnectionError:
            return False
        return True

    async def stream(self, script: Sequence[Step], frame_s: float = 0.02) -> bool:
        """Audio payloads (bytes) and DTMF digits (str) at one frame per 20 ms; a float
        is a pause with no frames at all (a phone that sends no RTP)."""
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        for item in script:
            if isinstance(item, float):
                next_at += item
                await asyncio.sleep(max(next_at - loop.time(), 0))
                continue
            data = aso.dtmf(item) if isinstance(item, str) else aso.audio(item)
            if not await self.send(data):
                return False
            next_at += frame_s
            await asyncio.sleep(max(next_at - loop.time(), 0))
        return True


@dataclass
class FakeCall:
    """One caller: the AGI, then the AudioSocket of ``AudioSocket(uuid,host:port)``."""

    fake: FakeAsterisk
    caller_id: str = "5550001"
    caller_name: str = "Fake Caller"
    called: str = "100"
    script: Sequence[Step] = ()
    ending: str = "stay"  # "hangup", "truncate", "stay"
    hangup_during_agi: bool = False
    agi_route: str = "receptionist"
    uuid: str = ""
    channel: str = ""
    agi_variables: dict[str, str] = field(default_factory=dict)
    agi_commands: list[str] = field(default_factory=list)
    media: AudioSocketPeer | None = None
    streamed: asyncio.Event = field(default_factory=asyncio.Event)
    # conversation mode: each line (20 ms frames) is spoken once the agent has answered the
    # previous one and been quiet for agent_gap_frames; silence is sent in between, as a
    # phone sends RTP all the time. speed > 1 runs the caller's clock faster.
    lines: Sequence[Sequence[bytes] | str] = ()  # frames of speech, or DTMF digits
    agent_gap_frames: int = 60
    speed: float = 1.0
    redirected_to: tuple[str, str] | None = None
    bridged_with: str = ""
    recording: str = ""

    def __post_init__(self) -> None:
        n = next(_counter)
        self.uuid = self.uuid or f"00000000-0000-4000-8000-{n:012d}"
        self.channel = self.channel or f"PJSIP/caller-{n:08x}"
        self.uniqueid = f"1795585197.{n}"

    def environment(self) -> bytes:
        env = agi.parse_environment(capture("agi_sip.s2c.raw").split(b"\n\n")[0])
        host, port = self.fake.agi_address
        env.variables.update(
            agi_network_script=self.agi_route,
            agi_request=f"agi://{host}:{port}/{self.agi_route}",
            agi_channel=self.channel,
            agi_uniqueid=self.uniqueid,
            agi_callerid=self.caller_id,
            agi_calleridname=self.caller_name,
            agi_dnid=self.called,
            agi_extension="s",
        )
        for key in [k for k in env.variables if k.startswith("agi_arg_")]:
            del env.variables[key]
        env.variables["agi_arg_1"] = self.uuid
        return agi.serialize_environment(env)

    async def run(self) -> None:
        self.fake.calls[self.channel] = self
        await self._agi()
        if self.agi_variables.get("RECEPTIONIST_STATUS") != "ok" or self.hangup_during_agi:
            return
        self.media = AudioSocketPeer(self.fake.audiosocket_address, self.uuid)
        await self.media.connect()
        if self.lines:
            await self._converse()
            return
        completed = await self.media.stream(self.script)
        self.streamed.set()
        if not completed:
            return
        if self.ending == "hangup":
            self.media.close("caller-hangup")
        elif self.ending == "truncate":
            await self.media.send(b"\x10\x01\x40" + b"\x01\x00" * 6)  # declares 320, sends 12
            assert self.media.writer is not None
            self.media.writer.write_eof()  # half-close: the 12 bytes arrive, then EOF

    def _agent_answered_and_quiet(self, mark: int) -> bool:
        """The agent spoke after received frame ``mark`` and has been silent since."""
        assert self.media is not None
        audio = self.media.audio
        spoken = [i for i in range(mark, len(audio)) if audio[i].strip(b"\0")]
        return bool(spoken) and len(audio) - 1 - spoken[-1] >= self.agent_gap_frames

    async def _converse(self) -> None:
        media = self.media
        assert media is not None
        loop = asyncio.get_running_loop()
        period = 0.02 / self.speed
        next_at = loop.time()
        silence = aso.audio(b"\0" * 320)

        async def tick(data: bytes) -> bool:
            nonlocal next_at
            if data and not await media.send(data):
                return False
            next_at += period
            await asyncio.sleep(max(next_at - loop.time(), 0))
            return True

        mark = 0
        for line in self.lines:
            while not self._agent_answered_and_quiet(mark):
                if not await tick(silence):
                    return
            if isinstance(line, str):
                for digit in line:
                    # as the captures show: no audio frames for ~180 ms around a digit
                    for _ in range(4):
                        await tick(b"")
                    await tick(aso.dtmf(digit))
                    for _ in range(5):
                        await tick(b"")
            else:
                for frame in line:
                    if not await tick(aso.audio(frame)):
                        return
            mark = len(media.audio)
        self.streamed.set()
        while await tick(silence):  # until the agent hangs up
            pass

    async def _agi(self) -> None:
        reader, writer = await asyncio.open_connection(*self.fake.agi_address)
        writer.write(self.environment())
        dead = False
        try:
            while line := (await reader.readline()).decode():
                command = line.rstrip("\n")
                self.agi_commands.append(command)
                if self.hangup_during_agi and not dead:
                    writer.write(b"HANGUP\n")  # as agi_hangup: before the reply
                    dead = True
                writer.write(self._agi_reply(command, dead).encode())
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    def _agi_reply(self, command: str, dead: bool) -> str:
        words = command.split(" ", 2)
        dead_reply = "511 Command Not Permitted on a dead channel or intercept routine\n"
        if command in ("ANSWER", "CHANNEL STATUS") or command.startswith("STREAM FILE"):
            return dead_reply if dead else "200 result=0\n"
        if command.startswith("SET VARIABLE "):
            name, _, value = command[len("SET VARIABLE ") :].partition(" ")
            self.agi_variables[name] = value.strip('"')
            return "200 result=1\n"
        if command.startswith("GET VARIABLE "):
            value = self.agi_variables.get(words[2])
            return "200 result=0\n" if value is None else f"200 result=1 ({value})\n"
        if command.startswith("EXEC "):
            return "200 result=-2\n" if words[1] == "NoSuchApp" else "200 result=0\n"
        return "510 Invalid or unknown command\n"


@dataclass
class StaffBehaviour:
    answer: str = "answer"  # "answer", "no_answer", "busy", "hangup_during_summary"
    answer_after_s: float = 0.05


@dataclass
class StaffLeg:
    extension: str
    channel: str
    media: AudioSocketPeer | None = None
    bridged_with: str = ""
    hung_up: bool = False
    recording: str = ""


class FakeAsterisk:
    """The AMI server plus the calls; point an ``AsteriskBridge`` at ``ami_port``."""

    def __init__(
        self,
        *,
        username: str = "receptionist",
        secret: str = "s3cret",
        bad_login_delay_s: float = 0.2,
    ) -> None:
        self.username = username
        self.secret = secret
        self.bad_login_delay_s = bad_login_delay_s
        self.agi_address: tuple[str, int] = ("127.0.0.1", 0)
        self.audiosocket_address: tuple[str, int] = ("127.0.0.1", 0)
        self.ami_port = 0
        self.calls: dict[str, FakeCall] = {}
        self.staff: dict[str, StaffBehaviour] = {}
        self.staff_legs: dict[str, StaffLeg] = {}
        self.actions: list[ami.Message] = []
        self.logins = 0
        self.failed_logins = 0
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._ami_session, "127.0.0.1", 0)
        self.ami_port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self.drop()
        for task in list(self._tasks):
            task.cancel()
        for call in self.calls.values():
            if call.media is not None:
                call.media.close()
        for leg in self.staff_legs.values():
            if leg.media is not None:
                leg.media.close()

    def drop(self) -> None:
        """Cut every AMI connection, as an Asterisk restart would."""
        for w in list(self._connections):
            w.close()
        self._connections.clear()

    def hang_up_bridged(self, channel: str, cause: str = "16") -> None:
        """The caller (or staff) hangs up after the bridge: Asterisk's Hangup event for the
        caller's channel, as the ``call`` event class sends it."""
        for writer in list(self._connections):
            writer.write(
                ami_block(
                    ("Event", "Hangup"),
                    ("Privilege", "call,all"),
                    ("Channel", channel),
                    ("Uniqueid", self.calls[channel].uniqueid),
                    ("Cause", cause),
                    ("Cause-txt", "Normal Clearing"),
                )
            )

    def call(self, **kwargs: object) -> FakeCall:
        return FakeCall(self, **kwargs)  # type: ignore[arg-type]

    def actions_named(self, name: str) -> list[ami.Message]:
        return [a for a in self.actions if a.get("Action").lower() == name.lower()]

    def _spawn(self, coro: object) -> None:
        task = asyncio.ensure_future(coro)  # type: ignore[call-overload]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------ AMI

    async def _ami_session(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self._connections.add(writer)
        writer.write(b"Asterisk Call Manager/11.0.0\r\n")
        messages = ami.MessageReader(expect_banner=False)
        state = {"logged_in": False, "events": "on"}
        try:
            while data := await reader.read(65536):
                for msg in messages.feed(data):
                    self.actions.append(msg)
                    if not await self._handle(msg, writer, state):
                        return
        except ConnectionError:
            pass
        finally:
            self._connections.discard(writer)
            writer.close()

    async def _handle(
        self, msg: ami.Message, writer: asyncio.StreamWriter, state: dict[str, object]
    ) -> bool:
        action = msg.get("Action").lower()
        aid = ("ActionID", msg.action_id)

        def reply(*pairs: tuple[str, str]) -> None:
            writer.write(ami_block(pairs[0], aid, *pairs[1:]))

        def error(message: str) -> None:
            reply(("Response", "Error"), ("Message", message))

        if action == "login":
            if msg.get("Username") != self.username or msg.get("Secret") != self.secret:
                self.failed_logins += 1
                await asyncio.sleep(self.bad_login_delay_s)  # ami_badlogin: ~1 s
                error("Authentication failed")
                await writer.drain()
                return False
            self.logins += 1
            state["logged_in"] = True
            state["events"] = msg.get("Events", "on").lower()
            reply(("Response", "Success"), ("Message", "Authentication accepted"))
            if state["events"] != "off":
                writer.write(
                    ami_block(
                        ("Event", "FullyBooted"),
                        ("Privilege", "system,all"),
                        ("Uptime", "76"),
                        ("LastReload", "5"),
                        ("Status", "Fully Booted"),
                    )
                )
            return True
        if not state["logged_in"]:
            error("Permission denied")
            return True
        channel = msg.get("Channel")
        if action == "ping":
            writer.write(ami_block(("Response", "Success"), aid)[:-2])  # split as captured
            await writer.drain()
            writer.write(ami_block(("Ping", "Pong"), ("Timestamp", "1795585120.027189")))
        elif action == "logoff":
            reply(("Response", "Goodbye"), ("Message", "Thanks for all the fish."))
            await writer.drain()
            return False
        elif action == "originate":
            reply(("Response", "Success"), ("Message", "Originate successfully queued"))
            wants_events = state["events"] not in ("off", "no")
            self._spawn(self._originate(msg, writer, wants_events))
        elif action == "redirect":
            call = self.calls.get(channel)
            if call is None:
                error(f"Channel does not exist: {channel}")
            else:
                call.redirected_to = (msg.get("Context"), msg.get("Exten"))
                reply(("Response", "Success"), ("Message", "Redirect successful"))
                if call.media is not None:
                    call.media.close("redirect")  # the AudioSocket app ends
        elif action == "bridge":
            a, b = msg.get("Channel1"), msg.get("Channel2")
            call, staff = self.calls.get(a), self.staff_legs.get(b)
            if call is None or staff is None or staff.hung_up:
                error(f"Channel2 does not exist: {b}" if call else f"Channel1 does not exist: {a}")
            else:
                call.bridged_with, staff.bridged_with = b, a
                reply(("Response", "Success"), ("Message", "Channels have been bridged"))
                for media in (call.media, staff.media):
                    if media is not None:
                        media.close("bridge")
        elif action == "hangup":
            target = self.calls.get(channel) or self.staff_legs.get(channel)
            if target is None:
                error("No such channel")
            else:
                reply(("Response", "Success"), ("Message", "Channel Hungup"))
                if isinstance(target, StaffLeg):
                    target.hung_up = True
                if target.media is not None:
                    target.media.close("ami-hangup")
        elif action in ("mixmonitor", "stopmixmonitor"):
            call: FakeCall | StaffLeg | None = self.calls.get(channel)
            if call is None and channel in self.staff_legs and not self.staff_legs[channel].hung_up:
                call = self.staff_legs[channel]  # a bridged staff leg: its channel lives on
            elif call is not None and call.media is not None and call.media.closed.is_set():
                call = None
            if call is None:
                error("No such channel")
            else:
                call.recording = msg.get("File") if action == "mixmonitor" else ""
                reply(("Response", "Success"))
        else:
            error(
                f"Invalid/unknown command: {msg.get('Action')}. "
                "Use Action: ListCommands to show available commands."
            )
        await writer.drain()
        return True

    async def _originate(
        self, msg: ami.Message, writer: asyncio.StreamWriter, wants_events: bool
    ) -> None:
        dial = msg.get("Channel")  # Local/<ext>@<context>/n
        extension = dial.split("/", 1)[1].split("@", 1)[0]
        behaviour = self.staff.get(extension, StaffBehaviour("no_answer"))
        timeout_s = int(msg.get("Timeout") or "30000") / 1000
        variables = dict(v.split("=", 1) for v in msg.get_all("Variable"))
        n = next(_counter)
        leg_channel = f"{dial.rsplit('/', 1)[0]}-{n:08x};1"
        if behaviour.answer in ("answer", "hangup_during_summary"):
            await asyncio.sleep(behaviour.answer_after_s)
            fields = [
                ("Response", "Success"),
                ("Channel", leg_channel),
                ("Context", msg.get("Context")),
                ("Exten", msg.get("Exten")),
                ("Reason", "4"),
                ("Uniqueid", f"1795585120.{n}"),
            ]
        else:
            await asyncio.sleep(timeout_s if behaviour.answer == "no_answer" else 0.01)
            reason = "3" if behaviour.answer == "no_answer" else "5"
            fields = [
                ("Response", "Failure"),
                ("Channel", dial),
                ("Context", msg.get("Context")),
                ("Exten", msg.get("Exten")),
                ("Reason", reason),
                ("Uniqueid", "<null>"),
            ]
        if wants_events and not writer.is_closing():
            writer.write(
                ami_block(
                    ("Event", "OriginateResponse"),
                    ("Privilege", "call,all"),
                    ("ActionID", msg.action_id),
                    *fields,
                    ("CallerIDNum", "<unknown>"),
                    ("CallerIDName", "<unknown>"),
                )
            )
        if fields[0][1] != "Success":
            return
        leg = StaffLeg(extension, leg_channel)
        self.staff_legs[leg_channel] = leg
        # the summary context runs AudioSocket(${RECEPTIONIST_STAFF_UUID},host:port)
        leg.media = AudioSocketPeer(self.audiosocket_address, variables["RECEPTIONIST_STAFF_UUID"])
        await leg.media.connect()
        if behaviour.answer == "hangup_during_summary":
            await asyncio.sleep(0.1)
            leg.hung_up = True
            leg.media.close("staff-hangup")
            return
        silence = b"\0" * 320
        with contextlib.suppress(ConnectionError):
            while not leg.media.closed.is_set():  # the staff phone's own audio
                if not await leg.media.send(aso.audio(silence)):
                    break
                await asyncio.sleep(0.02)
