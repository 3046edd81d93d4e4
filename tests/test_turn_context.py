"""The cut-off curve judges each paused line where in its call it is said."""

from __future__ import annotations

from receptionist.app.config import Settings
from receptionist.harness.bench import CONVERSATIONS
from receptionist.harness.bench_calls import TODAY
from receptionist.harness.turn_context import CurveLine, judges_in_context
from receptionist.harness.turn_curve import CONTEXT_LINES, LATER_LINES, paused_lines


async def test_an_answer_is_judged_against_what_the_agent_asked(salon: Settings) -> None:
    opening = CurveLine("Mary | Jones.")
    answer = CurveLine("Mary | Jones.", ("I'd like to book a haircut on Thursday at three.",))
    judges = await judges_in_context([opening, answer], salon.profile, TODAY)
    assert judges[opening][0] == "first words"
    assert judges[answer][0] == "name"
    # "Mary" opens a call and may go on; it answers "What name ...?".
    assert judges[opening][1]("Mary.") == "unsure"
    assert judges[answer][1]("Mary Jones.") == "complete"


async def test_the_calls_lines_carry_the_lines_before_them(salon: Settings) -> None:
    lines = paused_lines(CONVERSATIONS)
    message = next(line for line in lines if line.text.startswith("Please call me back"))
    assert message.before == ("I need to leave a message | for Marco.",)
    judges = await judges_in_context([message], salon.profile, TODAY)
    assert judges[message][0] == "message_text"


async def test_every_answer_line_is_said_where_something_was_asked(salon: Settings) -> None:
    judges = await judges_in_context(list(CONTEXT_LINES), salon.profile, TODAY)
    asked = {line.text: judges[line][0] for line in CONTEXT_LINES}
    assert "first words" not in asked.values() and "" not in asked.values(), asked
    assert asked["It's five five five, | one two three, | four five six seven."] == "phone"
    assert asked["The second one | please."] == "choose_slot"


async def test_the_later_lines_answers_are_said_where_something_was_asked(
    salon: Settings,
) -> None:
    answers = [line for line in LATER_LINES if line.before]
    judges = await judges_in_context(answers, salon.profile, TODAY)
    asked = {line.text: judges[line][0] for line in answers}
    assert "first words" not in asked.values() and "" not in asked.values(), asked
    assert asked["Yes, | at noon please."] == "choose_slot"
    assert asked["Tuesday | at four, please."] == "day"
