"""Long sentences reach Piper a clause at a time, so the caller hears the first one sooner;
every word is still said, in order, and fixed sentences are still made only once."""

from __future__ import annotations

import asyncio

import pytest

from receptionist.app.runtime import Runtime
from receptionist.media.local_leg import LocalLeg
from receptionist.media.speaker import Speaker
from receptionist.media.tts import speech_pieces, split_clauses

READ_BACK = (
    "You're booked for a haircut on Thursday November 26 at 3 PM, under the name John Smith."
)


def test_a_long_sentence_is_cut_at_its_comma() -> None:
    assert speech_pieces(READ_BACK) == [
        "You're booked for a haircut on Thursday November 26 at 3 PM,",
        "under the name John Smith.",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Sure, what day would you like?",  # short: whole
        "I can book a haircut for you on Thursday afternoon or on Friday morning.",  # no comma
    ],
)
def test_short_sentences_and_sentences_without_commas_stay_whole(sentence: str) -> None:
    assert split_clauses(sentence) == [sentence]


def test_no_piece_is_a_lone_word_or_two() -> None:
    sentence = "Sure, of course, I have Thursday at 3 PM, Thursday at 4 PM, or Friday at 10, okay?"
    pieces = split_clauses(sentence)
    assert len(pieces) > 1
    assert all(len(p.split()) >= 4 for p in pieces), pieces
    assert " ".join(pieces) == sentence  # every word, in order


def test_sentences_then_clauses_keep_every_word_in_order() -> None:
    text = "Thank you. " + READ_BACK + " Is there anything else I can help you with?"
    assert " ".join(speech_pieces(text)) == text


async def test_the_caller_hears_every_piece_in_order(runtime: Runtime) -> None:
    leg = LocalLeg([], speed=8.0, hangup_after_ms=None, first_wait_ms=60000)
    leg.start()
    speaker = Speaker(leg, runtime.models.tts)
    speaker.start()
    heard: list[str] = []
    speaker.on_first_frame = lambda utterance, speech, frame: heard.append(utterance.text)
    last = speaker.say(READ_BACK)
    assert await asyncio.wait_for(last.done, 60)
    await speaker.stop()
    await leg.close()
    assert heard == speech_pieces(READ_BACK)
    assert len(leg.log.agent_frames) * 0.02 > 3.0  # the whole read-back was played


def test_warming_a_fixed_long_sentence_caches_the_pieces_a_speaker_asks_for(
    runtime: Runtime,
) -> None:
    tts = runtime.models.tts
    sentence = "For the rest, I'm afraid I don't have that information, but I can take a message."
    assert len(speech_pieces(sentence)) == 2
    tts.warm([sentence], 8000)
    for piece in speech_pieces(sentence):
        assert tts.cached(piece, 8000) is not None, piece
