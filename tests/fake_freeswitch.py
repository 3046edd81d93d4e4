"""A fake FreeSWITCH 1.10 built from the captures, over real TCP and UDP on 127.0.0.1.

- ``FakeCall`` places an outbound-socket connection (as `socket ... async full` does) to the
  bridge's listener and answers its commands the way the captures show: the real
  ``connect`` channel-data block, ``+OK Events Enabled``, ``+OK will linger N seconds``,
  ``CHANNEL_EXECUTE_COMPLETE`` with the caller's ``Application-UUID``, ``CHANNEL_HANGUP``, the
  linger and disconnect notices. ``unicast`` binds ``local-ip:local-port`` and sends one
  320-byte L16 datagram every 20 ms from it, and records what comes back. ``record_session
  PATH`` writes both sides, mixed, as a mono 8 kHz WAV at PATH when the call's media ends (as
  the real switch does at hangup or ``stop_record_session``).
- ``FakeSwitch`` serves the inbound ESL port: auth, ``event``, ``api`` (uuid_bridge,
  uuid_kill, uuid_transfer, status), ``bgapi originate`` with ``BACKGROUND_JOB``, and
  ``sendmsg <uuid>`` unicast for the parked staff leg.

Events are the captures' own plain events with the channel UUID (same length) and the few
changed fields swapped in. Nothing here imports the code under test.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import json
import os
import re
import uuid as uuidlib
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from urllib.parse import quote

CAPTURES = Path(__file__).parent / "captures" / "freeswitch"
FRAME = 320
CAPTURE_UUID = "f583d723-8a57-4b1c-a657-f9c65c7e9906"  # the channel in outbound_async_full_linger
STAFF_CAPTURE_UUID = "c5131731-7d34-48c0-a6b2-07bfa508218b"  # staff leg in the summary capture
_BACKGROUND: set[asyncio.Task[None]] = set()  # tasks the fake started on its own
DISCONNECT_BODY = b"Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"


def capture_chunks(name: str) -> list[tuple[str, bytes]]:
    """``(direction, bytes)`` for every chunk of a capture's .jsonl (one char per byte)."""
    chunks = []
    for line in (CAPTURES / f"{name}.jsonl").read_text().splitlines():
        obj = json.loads(line)
        if obj["dir"] in ("C->S", "S->C"):
            chunks.append((obj["dir"], obj["data"].encode("latin-1")))
    return chunks


def capture_stream(name: str, direction: str = "S->C") -> bytes:
    return b"".join(data for d, data in capture_chunks(name) if d == direction)


def split_frames(stream: bytes) -> list[tuple[str, bytes]]:
    """Minimal, independent ESL splitter: ``(header text, body)`` per frame."""
    frames, pos = [], 0
    while pos < len(stream):
        end = stream.index(b"\n\n", pos)
        head = stream[pos:end].decode()
        match = re.search(r"^Content-Length: (\d+)$", head, re.M)
        length = int(match.group(1)) if match else 0
        frames.append((head, stream[end + 2 : end + 2 + length]))
        pos = end + 2 + length
    return frames


def _event_template(capture: str, name: str) -> str:
    for head, body in split_frames(capture_stream(capture)):
        if "text/event-plain" in head and body.startswith(f"Event-Name: {name}\n".encode()):
            return body.decode()
    raise LookupError(f"no {name} event in {capture}")


@dataclass
class _Templates:
    channel_data: str
    events: dict[str, str]
    background_job: str


_templates: _Templates | None = None


def templates() -> _Templates:
    global _templates
    if _templates is None:
        cap = "outbound_async_full_linger"
        head, _ = split_frames(capture_stream(cap))[0]
        events = {
            name: _event_template(cap, name)
            for name in (
                "DTMF",
                "CHANNEL_EXECUTE",
                "CHANNEL_EXECUTE_COMPLETE",
                "CHANNEL_ANSWER",
                "CHANNEL_HANGUP",
            )
        }
        events["CHANNEL_BRIDGE"] = _event_template("warm_transfer_outbound", "CHANNEL_BRIDGE")
        events["CHANNEL_UNBRIDGE"] = _event_template(
            "warm_transfer_summary_outbound", "CHANNEL_UNBRIDGE"
        )
        job = _event_template("warm_transfer_summary_inbound", "BACKGROUND_JOB")
        _templates = _Templates(head + "\n\n", events, job)
    return _templates


def _encode(value: str) -> str:
    return quote(value, safe="*-_.!~'()")


def plain_event(template: str, fields: dict[str, str], body: str | None = None) -> bytes:
    """The template with ``fields`` replaced (URL-encoded); optionally a new inner body."""
    head, _sep, rest = template.partition("\n\n")
    lines = head.split("\n")
    seen = set()
    for i, line in enumerate(lines):
        name = line.split(": ", 1)[0]
        if name in fields:
            lines[i] = f"{name}: {_encode(fields[name])}"
            seen.add(name)
    lines += [f"{n}: {_encode(v)}" for n, v in fields.items() if n not in seen]
    if body is not None:
        lines = [ln for ln in lines if not ln.startswith("Content-Length: ")]
        lines.append(f"Content-Length: {len(body.encode())}")
        rest = body
    text = ("\n".join(lines) + "\n\n" + rest).encode()
    return f"Content-Length: {len(text)}\nContent-Type: text/event-plain\n\n".encode() + text


def reply(text: str, extra: str = "") -> bytes:
    return f"Content-Type: command/reply\nReply-Text: {text}\n{extra}\n".encode()


def api_response(text: str) -> bytes:
    return f"Content-Type: api/response\nContent-Length: {len(text.encode())}\n\n{text}".encode()


def disconnect_notice(uuid: str | None) -> bytes:
    head = "Content-Type: text/disconnect-notice\n"
    if uuid:
        head += f"Controlled-Session-UUID: {uuid}\nContent-Disposition: disconnect\n"
    return (head + f"Content-Length: {len(DISCONNECT_BODY)}\n\n").encode() + DISCONNECT_BODY


async def read_command(reader: asyncio.StreamReader) -> tuple[str, dict[str, str]] | None:
    try:
        raw = await reader.readuntil(b"\n\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    lines = raw.decode().strip("\n").split("\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return lines[0], headers


class FakeMedia(asyncio.DatagramProtocol):
    """The switch's end of one unicast: sends a frame per 20 ms, records what comes back."""

    def __init__(self, audio: Callable[[int], bytes], speed: float = 1.0) -> None:
        self.audio = audio
        self.period = 0.02 / speed
        self.received: list[bytes] = []
        self.mixed: list[bytes] = []  # both sides, one frame per tick: what a recording holds
        self._unmixed: list[bytes] = []
        self.sources: set[tuple[str, int]] = set()
        self.deaf = False  # one empty datagram and the real switch stops reading us
        self.frames_sent = 0
        self.transport: asyncio.DatagramTransport | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, local: tuple[str, int], remote: tuple[str, int]) -> None:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self, local_addr=local)
        self._task = loop.create_task(self._send(remote))

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.sources.add(addr)
        if not data:
            self.deaf = True
        elif not self.deaf:
            self.received.append(data)
            self._unmixed.append(data)

    async def _send(self, remote: tuple[str, int]) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while self.transport is not None and not self.transport.is_closing():
            frame = self.audio(self.frames_sent)
            self.transport.sendto(frame, remote)
            self.mixed.append(_mix(frame, self._unmixed.pop(0) if self._unmixed else b""))
            self.frames_sent += 1
            next_at += self.period
            await asyncio.sleep(max(next_at - loop.time(), 0))

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self.transport is not None:
            self.transport.close()


def _mix(a: bytes, b: bytes) -> bytes:
    left, right = array.array("h", a), array.array("h", b.ljust(len(a), b"\0")[: len(a)])
    return array.array(
        "h", (max(-32768, min(32767, x + y)) for x, y in zip(left, right, strict=True))
    ).tobytes()


def write_recording(path: str, frames: list[bytes]) -> None:
    """As record_session does; a folder that doesn't exist gets no file (FreeSWITCH logs it)."""
    if not os.path.isdir(os.path.dirname(path) or "."):
        return
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"".join(frames))


def silence(_index: int) -> bytes:
    return bytes(FRAME)


async def _start_unicast(
    headers: dict[str, str], audio: Callable[[int], bytes], busy: set[int], speed: float = 1.0
) -> FakeMedia | None:
    port = int(headers["local-port"])
    if port in busy:
        return None  # the real switch answers +OK and logs the bind failure
    media = FakeMedia(audio, speed)
    try:
        await media.start(
            (headers["local-ip"], port), (headers["remote-ip"], int(headers["remote-port"]))
        )
    except OSError:
        return None
    return media


class FakeCall:
    """One caller, reaching the bridge through `socket ... async full`."""

    def __init__(
        self,
        switch: FakeSwitch,
        caller_id: str = "5551234",
        audio: Callable[[int], bytes] = silence,
    ) -> None:
        self.switch = switch
        self.uuid = str(uuidlib.uuid4())
        self.caller_id = caller_id
        self.audio = audio
        self.commands: list[tuple[str, dict[str, str]]] = []
        self.media: FakeMedia | None = None
        self.unicasts = 0
        self.answered = asyncio.Event()
        self.media_started = asyncio.Event()
        self.closed = asyncio.Event()
        self.hung_up = asyncio.Event()
        self.hangup_cause = ""
        self.bridged_to = ""
        self.transferred_to = ""
        self.variables: dict[str, str] = {}  # set by uuid_setvar
        self.after_bridge = ""  # "hung up" or "dialplan": what the channel did when staff left
        self.linger: int | None = None
        self.recording = ""  # record_session's path, written when the media ends
        self.reject_apps: dict[str, str] = {}  # app -> -ERR text
        self.hold_apps: set[str] = set()  # +OK, but the test sends the completion itself
        self.silent_apps: set[str] = set()  # no reply at all (a switch that stopped answering)
        self.media_delay_s = 0.0  # between the unicast command and the first datagram
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None

    def _sub(self, text: str) -> str:
        return text.replace(CAPTURE_UUID, self.uuid)

    @property
    def played(self) -> list[bytes]:
        """Frames the caller got from us (what the switch turned into RTP)."""
        return self.media.received if self.media is not None else []

    async def dial(self, host: str, port: int) -> None:
        reader, self._writer = await asyncio.open_connection(host, port)
        self.switch.calls[self.uuid] = self
        self._task = asyncio.get_running_loop().create_task(self._serve(reader))

    def write(self, data: bytes) -> None:
        if self._writer is not None and not self._writer.is_closing():
            self._writer.write(data)

    def event(self, name: str, **fields: str) -> None:
        self.write(plain_event(self._sub(templates().events[name]), fields))

    async def _serve(self, reader: asyncio.StreamReader) -> None:
        try:
            while (command := await read_command(reader)) is not None:
                self.commands.append(command)
                if await self._handle(*command):
                    break
        finally:
            self._end_media()
            if self._writer is not None:
                self._writer.close()
            self.closed.set()

    async def _handle(self, line: str, headers: dict[str, str]) -> bool:
        t = templates()
        if line == "connect":
            data = self._sub(t.channel_data).replace(
                "Caller-Caller-ID-Number: caller\n", f"Caller-Caller-ID-Number: {self.caller_id}\n"
            )
            self.write(data.encode())
        elif line == "myevents":
            self.write(reply("+OK Events Enabled"))
        elif line.startswith("linger"):
            parts = line.split()
            self.linger = int(parts[1]) if len(parts) > 1 else -1
            self.write(
                reply(
                    f"+OK will linger {parts[1]} seconds" if len(parts) > 1 else "+OK will linger"
                )
            )
        elif line == "exit":
            self.write(reply("+OK bye") + disconnect_notice(self.uuid))
            return True
        elif line == "sendmsg":
            await self._sendmsg(headers)
        else:
            self.write(reply("-ERR command not found"))
        return False

    async def _sendmsg(self, headers: dict[str, str]) -> None:
        command = headers.get("call-command")
        if command == "execute":
            app, arg = headers["execute-app-name"], headers.get("execute-app-arg", "")
            if app in self.reject_apps:
                self.write(reply(self.reject_apps[app]))
                return
            if app in self.silent_apps:
                return
            self.write(reply("+OK"))
            if app in self.hold_apps:
                return
            fields = {
                "Application": app,
                "Application-Data": arg,
                "Application-UUID": headers.get("Event-UUID", ""),
            }
            if app == "transfer":
                self.transferred_to = arg
                self._end_media()
            if app == "record_session":
                self.recording = arg
            if app == "stop_record_session":
                self._write_recording()
            await asyncio.sleep(0.005)
            self.event("CHANNEL_EXECUTE", **fields)
            if app == "answer":
                self.event("CHANNEL_ANSWER")
                self.answered.set()
            self.event("CHANNEL_EXECUTE_COMPLETE", **fields, **{"Application-Response": "_none_"})
        elif command == "unicast":
            self.write(reply("+OK"))  # whatever happens: the real switch says +OK
            self.unicasts += 1
            # captured (unicast_misc): after a failed bind a new unicast works; while one
            # is active a second one gets nothing
            if self.media is None and self.hangup_cause == "":
                if self.media_delay_s:
                    await asyncio.sleep(self.media_delay_s)  # a busy switch: ms, not μs
                self.media = await _start_unicast(
                    headers, self.audio, self.switch.busy_ports, self.switch.speed
                )
                if self.media is not None:
                    self.media_started.set()
        elif command == "hangup":
            self.write(reply("+OK"))
            await self.hang_up(headers.get("hangup-cause", "NORMAL_CLEARING"))
        else:
            self.write(reply("-ERR invalid command"))  # wording not captured

    def _end_media(self) -> None:
        if self.media is not None:
            self.media.stop()
        self._write_recording()

    def _write_recording(self) -> None:
        if self.recording and self.media is not None:
            write_recording(self.recording, self.media.mixed)
            self.recording = ""

    async def press(self, digit: str) -> None:
        self.event("DTMF", **{"DTMF-Digit": digit, "DTMF-Duration": "1440"})

    async def hang_up(self, cause: str = "NORMAL_CLEARING") -> None:
        """The channel ends: unicast just stops, then CHANNEL_HANGUP and the linger notice."""
        if self.hung_up.is_set():
            return
        self._end_media()
        self.hangup_cause = cause
        self.hung_up.set()
        self.event("CHANNEL_HANGUP", **{"Hangup-Cause": cause, "Answer-State": "hangup"})
        if self.linger is not None:
            self.write(
                f"Content-Type: text/disconnect-notice\nControlled-Session-UUID: {self.uuid}\n"
                f"Content-Disposition: linger\nChannel-Name: sofia/internal/caller@127.0.0.1\n"
                f"Linger-Time: {self.linger}\nContent-Length: 0\n\n".encode()
            )
            if self.linger > 0:
                asyncio.get_running_loop().call_later(self.linger, self._linger_over)
        else:
            self._linger_over()

    def _linger_over(self) -> None:
        self.write(disconnect_notice(self.uuid))
        if self._writer is not None:
            self._writer.close()

    def drop(self) -> None:
        """The TCP connection dies without a word (switch restart, network)."""
        if self._writer is not None:
            self._writer.transport.abort()
        self._end_media()

    def bridge(self, staff: FakeStaff) -> None:
        self._end_media()
        self.bridged_to = staff.uuid
        self.event("CHANNEL_BRIDGE", **{"Other-Leg-Unique-ID": staff.uuid})

    def staff_hang_up(self) -> None:
        """Staff hang up after the bridge: the caller's channel is unbridged. With
        ``hangup_after_bridge`` set, the switch hangs it up; without, the real switch went on
        to the dialplan's next action after `socket` (the shipped one sends the caller to the
        front desk, which rang again). Here that is only noted in ``after_bridge``."""
        self.event("CHANNEL_UNBRIDGE", **{"Other-Leg-Unique-ID": self.bridged_to})
        if self.variables.get("hangup_after_bridge") == "true":
            self.after_bridge = "hung up"
            self._spawn_hangup()
        else:
            self.after_bridge = "dialplan"

    def _spawn_hangup(self) -> None:
        task = asyncio.get_running_loop().create_task(self.hang_up())
        _BACKGROUND.add(task)
        task.add_done_callback(_BACKGROUND.discard)


@dataclass
class StaffPhone:
    """How a staff extension behaves when the receptionist rings it."""

    answer: bool = True
    cause: str = "NO_ANSWER"  # when not answering
    ring_s: float = 0.05
    press: str | None = None  # digit pressed once the summary has been heard
    hang_up_after_frames: int | None = None  # hangs up mid-summary, after this many frames


@dataclass
class FakeStaff:
    uuid: str
    extension: str
    media: FakeMedia | None = None
    killed: bool = False
    bridged_to: str = ""
    heard: list[bytes] = field(default_factory=list)


class FakeSwitch:
    """The inbound event socket (port 8021 on a real box) plus the registry of channels."""

    def __init__(self, password: str = "ClueCon", speed: float = 1.0) -> None:
        self.password = password
        self.speed = speed  # the 20 ms media clock runs this many times faster (tests)
        self.calls: dict[str, FakeCall] = {}
        self.staff: dict[str, FakeStaff] = {}
        self.phones: dict[str, StaffPhone] = {}
        self.busy_ports: set[int] = set()
        self.api_log: list[str] = []
        self.port = 0
        self._server: asyncio.Server | None = None
        self._conns: list[asyncio.StreamWriter] = []
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for call in list(self.calls.values()):
            call.drop()
        for staff in self.staff.values():
            if staff.media is not None:
                staff.media.stop()
        for writer in self._conns:
            writer.transport.abort()
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            if task is not asyncio.current_task() and "_serve" not in repr(task.get_coro()):
                task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2)

    def drop_inbound(self) -> None:
        for writer in self._conns:
            writer.transport.abort()

    def _spawn(self, coro: object) -> None:
        task = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._conns.append(writer)
        writer.write(b"Content-Type: auth/request\n\n")
        authed = False
        while (command := await read_command(reader)) is not None:
            line, headers = command
            if not authed:
                if line == f"auth {self.password}":
                    authed = True
                    writer.write(reply("+OK accepted"))
                    continue
                writer.write(reply("-ERR invalid") + disconnect_notice(None))
                break
            if line == "exit":
                writer.write(reply("+OK bye") + disconnect_notice(None))
                break
            if line.startswith("event "):
                writer.write(reply(f"+OK event listener enabled {line.split()[1]}"))
            elif line.startswith("api "):
                self.api_log.append(line[4:])
                writer.write(api_response(self._api(line[4:])))
            elif line.startswith("bgapi "):
                job = headers.get("Job-UUID") or str(uuidlib.uuid4())
                writer.write(reply(f"+OK Job-UUID: {job}", f"Job-UUID: {job}\n"))
                self.api_log.append(line[6:])
                self._spawn(self._bgapi(writer, line[6:], job))
            elif line.startswith("sendmsg "):
                await self._staff_sendmsg(writer, line.split()[1], headers)
            else:
                writer.write(reply("-ERR command not found"))
        writer.close()

    def _api(self, command: str) -> str:
        # The +OK bodies and "Command not found!" are as captured; the wording of the
        # "no such channel" errors is not in the captures (only their -ERR prefix matters).
        words = command.split()
        if words[0] == "status":
            return "UP 0 years, 0 days, 0 hours, 0 minutes, 56 seconds\nFreeSWITCH is ready\n"
        if words[0] == "uuid_bridge" and len(words) == 3:
            call, staff = self.calls.get(words[1]), self.staff.get(words[2])
            if call is None or staff is None or staff.killed or call.hung_up.is_set():
                return "-ERR no such channel\n"
            if staff.media is not None:
                staff.media.stop()
            staff.bridged_to = call.uuid
            call.bridge(staff)
            return f"+OK {staff.uuid}\n"
        if words[0] == "uuid_setvar" and len(words) >= 3:
            call = self.calls.get(words[1])
            if call is None or call.hung_up.is_set():
                return "-ERR No such channel!\n"
            call.variables[words[2]] = " ".join(words[3:])
            return "+OK\n"
        if words[0] == "uuid_kill" and len(words) >= 2:
            staff = self.staff.get(words[1])
            if staff is not None:
                staff.killed = True
                if staff.media is not None:
                    staff.media.stop()
                return "+OK\n"
            return "-ERR No such channel!\n"
        if words[0] == "uuid_transfer" and len(words) >= 3:
            call = self.calls.get(words[1])
            if call is None:
                return "-ERR No such channel!\n"
            call.transferred_to = words[2]
            call._end_media()
            return "+OK\n"
        return f"-ERR {words[0]} Command not found!\n"

    async def _bgapi(self, writer: asyncio.StreamWriter, command: str, job: str) -> None:
        match = re.fullmatch(r"originate \{(.*)\}user/(\S+) &park\(\)", command)
        if match is None:
            body = "-ERR INVALID_ARGS\n"  # only user/<ext> dial strings are modelled
        else:
            variables = dict(v.split("=", 1) for v in match.group(1).split(","))
            extension = match.group(2)
            phone = self.phones.get(extension)
            await asyncio.sleep(phone.ring_s if phone else 0.02)
            if phone is None:
                body = "-ERR NORMAL_TEMPORARY_FAILURE\n"  # nobody registered (captured)
            elif not phone.answer:
                body = f"-ERR {phone.cause}\n"
            else:
                staff = FakeStaff(variables["origination_uuid"], extension)
                self.staff[staff.uuid] = staff
                body = f"+OK {staff.uuid}\n"
        event = templates().background_job.replace(STAFF_CAPTURE_UUID, "")
        writer.write(
            plain_event(
                event,
                {
                    "Job-UUID": job,
                    "Job-Command": "originate",
                    "Job-Command-Arg": command[len("originate ") :],
                },
                body,
            )
        )

    async def _staff_sendmsg(
        self, writer: asyncio.StreamWriter, uuid: str, headers: dict[str, str]
    ) -> None:
        staff = self.staff.get(uuid)
        if staff is None or staff.killed:
            writer.write(reply(f"-ERR invalid session id [{uuid}]"))  # wording not captured
            return
        writer.write(reply("+OK"))
        if headers.get("call-command") == "unicast" and staff.media is None:
            staff.media = await _start_unicast(headers, silence, self.busy_ports, self.speed)
            if staff.media is not None:
                self._spawn(self._staff_listens(writer, staff))

    async def _staff_listens(self, writer: asyncio.StreamWriter, staff: FakeStaff) -> None:
        """Once the summary stops arriving, the staff member reacts as their phone says."""
        phone = self.phones[staff.extension]
        assert staff.media is not None
        last, quiet_since = -1, asyncio.get_running_loop().time()
        while not staff.killed and not staff.bridged_to:
            await asyncio.sleep(0.02)
            count = len(staff.media.received)
            now = asyncio.get_running_loop().time()
            if count != last:
                last, quiet_since = count, now
            elif count > 0 and now - quiet_since > 0.15:
                break
            if phone.hang_up_after_frames is not None and count >= phone.hang_up_after_frames:
                break
        if staff.killed or staff.bridged_to:
            return
        staff.heard = list(staff.media.received)
        template = templates().events["DTMF"].replace(CAPTURE_UUID, staff.uuid)
        if phone.press:
            writer.write(plain_event(template, {"DTMF-Digit": phone.press}))
        if phone.hang_up_after_frames is not None:
            staff.killed = True
            staff.media.stop()
            hangup = templates().events["CHANNEL_HANGUP"].replace(CAPTURE_UUID, staff.uuid)
            writer.write(plain_event(hangup, {"Hangup-Cause": "NORMAL_CLEARING"}))


@contextlib.asynccontextmanager
async def running_switch(password: str = "ClueCon", speed: float = 1.0):  # type: ignore[no-untyped-def]
    switch = FakeSwitch(password, speed)
    await switch.start()
    try:
        yield switch
    finally:
        await switch.stop()
