"""What the caller wants and how they answer: intents (book, cancel, move, message, question,
person, status, robot), a service the business does not offer, yes and no, a change of mind, a
choice among offered slots, and questions the profile can't answer. Rules as data: the words
that mean each thing, tried on the whole turn."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from receptionist.dialog import matching
from receptionist.dialog.matching import (
    profile_words,
    services_as_bookings,
    staff_as_one_word,
    staff_patterns,
    staff_words,
)
from receptionist.dialog.names import find_name, is_first_name
from receptionist.dialog.numbers import find_phone
from receptionist.dialog.when import find_day, find_window, read_clock, week_part
from receptionist.domain.profile import BusinessProfile, StaffMember

if TYPE_CHECKING:
    from receptionist.dialog.understand import Understanding

INTENTS = ("book", "cancel", "move", "message", "question", "person", "status", "robot")
_APPOINTMENT = r"(?:appointment|appt|booking|reservation|slot|time|spot|haircut|cut|session)"
# "I'd like the same as last time", "my usual please", "same again": a booking of what the
# caller had last time (the service is their last visit's)
_SAME_AS_BEFORE = (
    r"(?:(?:the )?same (?:thing )?as (?:last time|before|usual|always|my last (?:visit|"
    r"appointment))|same again|(?:my|the) usual(?! (?:time|day|hours?|price))|"
    r"what i (?:had|got) last time)"
)
SAME_AS_BEFORE = re.compile(r"\b" + _SAME_AS_BEFORE + r"\b")
_BOOK = re.compile(
    r"\b(?:(?:book|booking|appointment|schedule|reserve|reservation)\b|"
    r"make an? (?:appointment|booking)|come in|get in|pop in|stop by|drop in|"
    r"fit (?:me|us|him|her|them) in|squeeze (?:me|us|him|her|them) in|set up an? |"
    r"(?:i'd|i would|we'd|we would) like to (?:come|get|have|make|see)|"
    r"(?:i|we) (?:want|need) to (?:come|get in|make an?|see)|"
    r"(?:any|have) (?:openings?|availability|slots?|spots?|space|room)|"
    # "Have you had any cancellations today?": others' cancellations are free times
    r"(?:any|had|been|are|were|get|got) (?:\w+ )?cancellations|"
    r"do you have (?:anything|something)|availability|available|free (?:slots?|time|spots?)|"
    r"what (?:have you got|you(?:'ve| have) got|you have (?:free|open|available|on|left)|"
    r"do you have(?! charged?\b)|times do you have|"
    r"is (?:free|open|available))|"
    r"(?:be|are you|is (?!it\b|that\b|this\b)\w+) (?:free|available)|"
    r"is there (?:anything|something|a slot|a spot|an opening|room)|"
    r"put (?:me|us|him|her|them) (?:down|in)(?! as\b)|pencil (?:me|us|him|her|them) in|"
    + _SAME_AS_BEFORE
    + r")"
)
_LIKE_ONE = re.compile(
    r"\b(?:i'd|i would|we'd|we would) like (?:a|an|one|two)\b|"
    # "Can I get a haircut on Friday, and how long will it take?"
    r"\b(?:can|could|may) (?:i|we) (?:get|have|grab) (?:a|an|one|two)\b"
    r"(?![^.?!]{0,30}\b(?:cheaper|discount|for less|for free|deal|refund)\b)|"
    r"\b(?:i|we) (?:need|want) (?:a|an|one|two)\b|\b(?:i'm|i am|we're) after (?:a|an|one)\b"
)
_BOOK_AGAIN = re.compile(
    r"\b(?:book|(?<!n't )(?<!not )(?<!cannot )make|schedule) (?:a|an|another|new|me|us|it)\b"
)  # not "I can't make it"
_DAY_WORDS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tomorrow|tonight|this|next|the \d"
# "I can't come before Friday", "can't come in until 3", "can't come in the mornings": when
# the caller can come, not a booking called off
_NOT_UNTIL = (
    r"(?!\s+(?:in\s+)?(?:before|until|till|til|earlier|any earlier|after|(?:in )?the (?:morning|"
    r"afternoon|evening)s?|mornings|afternoons|evenings|weekdays|during)\b)"
)
_CANCEL = re.compile(
    # "cancellations" are others' (free times, or the waiting list), not the caller's own
    r"\b(?:cancel\w*(?<!\bcancellations)(?! (?:policy|fee|charge|rules|list|lists))|call off|"
    r"calling off|"
    # "I can't make it after 4, haircut Thursday please": when they can come, no cancel
    r"(?:can'?t|cannot|can not) make it" + _NOT_UNTIL + r"|"
    # "I can't make Friday anymore", "can't make my 10 o'clock" (not "can't make Friday at 3,
    # what else have you got?" said of times offered: see _OFFERED_WHEN)
    r"(?:can'?t|cannot|won'?t be able to) make (?:my |the |our )?(?:(?:mon|tues|wednes|thurs|"
    r"fri|satur|sun)day|tomorrow|today|appointment|booking)\b(?! at\b)|"
    r"won'?t (?:be able to )?make it|(?:not|won'?t) be able to (?:make it|come|come in)"
    + _NOT_UNTIL
    + r"|"
    r"unable to (?:make it|come)|scrap (?:my|the)|drop (?:my|the) " + _APPOINTMENT + r"|"
    r"(?:need|have|want|got) to scrap (?:it|that)|"  # "Friday's haircut, I need to scrap it"
    r"get rid of (?:my|the|our|his|her|their|that) (?:\w+ )?" + _APPOINTMENT + r"|"
    r"(?:can'?t come|cannot come|can not come)(?: in)?"
    + _NOT_UNTIL
    + r"|won'?t be coming|not coming|can'?t go|"
    r"(?:not|n't) (?:gonna|going to) (?:be able to )?make it|"
    r"can'?t make (?:my|our|the|his|her|their) (?:\w+(?:'s)? )?(?:appointment|booking|\w+)|"
    r"take (?:me|us|him|her|it|that|my name) off (?:the|your) (?:list|books|schedule|calendar)|"
    # "take me off for Friday", "take me off Friday's list" (not "off hold", "off speaker")
    r"take (?:me|us|him|her|my name) off (?:for |on )?(?:" + _DAY_WORDS + r")|"
    r"(?:won'?t|can'?t|cannot) be there|something(?:'s| has)? (?:come|came) up|"
    # "Friday's not going to work for my haircut" (with another time asked: a move)
    r"(?:doesn't|does not|won't|will not|isn't going to|is not going to|not going to|not gonna|"
    r"no longer) (?:really )?work (?:for|with) (?:my|our) (?:\w+ )?(?:appointment|booking|"
    r"reservation|haircut|cut|trim|colour|color)|"
    r"(?:won'?t|will not|not going to|not gonna) (?:be able to )?make (?:my|our|the) "
    r"(?:\d[\w:]*|(?:[\w']+ )?(?:appointment|booking|reservation|slot|session|haircut|cut|trim|"
    r"colour|color|o'?clock)))\b"
)
# Questions of when that a "can't make it ..." answers as a new time, not as a booking held
_OFFERED_WHEN = frozenset({"choose_slot", "day", "time", "confirm"})
# Another business or someone's office calling: "I'm calling from Dr. Smith's office",
# "this is Jim from Chase bank", "calling on behalf of the school", "This is Mercy Hospital
# calling about ..."
_FROM_ELSEWHERE = re.compile(
    r"\b(?:calling|ringing|phoning|call) (?:you )?(?:from|on behalf of) (?!(?:home|work|my|a "
    r"(?:mobile|cell|landline|payphone)|the (?:car|road|airport|train|bus))\b)|"
    r"^\W*(?:(?:hi|hello|hey|good \w+)\W+)*this is [a-z' ]{2,40}\b(?:from|with|at) (?:the )?[a-z' ]"
    r"{2,40}\b(?:office|practice|clinic|hospital|pharmacy|lab|laboratory|insurance|company|bank|"
    r"school|surgery|agency|council|department)\b|"
    r"^\W*(?:(?:hi|hello|hey|good \w+)\W+)*this is [a-z' ]{2,40}\b(?:office|practice|clinic|"
    r"hospital|pharmacy|lab|laboratory|insurance|company|bank|school|surgery|agency|council|"
    r"department) calling\b"
)
# A staff member asked for on a booking held: "Can I have Marco for my Friday appointment?"
_STAFF_FOR_HELD = re.compile(
    r"\b(?:have|get|see|with|switch to|change to|swap to) (\w+) (?:for|on|at|instead of \w+ "
    r"for) (?:my|our) (?:\w+ )?(?:appointment|booking)\b"
)
_PRICE_OF_HELD = re.compile(
    r"\b(?:my|our) (?:\w+ )?(?:appointment|booking|one)\b|\b(?:do|will|would|shall) (?:i|we) owe\b|"
    # "I'm booked in on Friday, can you tell me how much it'll be?"
    r"\b(?:i'm|i am|we're|we are) (?:booked|down)\b"
)
_AND_CANCEL_IT = re.compile(
    r"\band (?:please |can you |could you |you can |just )?cancel (?:it|that|my \w+|the \w+)"
)
_EXPLICIT_CANCEL = re.compile(
    r"\bcancel\w*\b(?<!\bcancellations)(?! (?:policy|fee|charge|rules|list))|\bcall(?:ing)? off\b"
)
_MOVE = re.compile(
    r"\b(?:re-?schedul\w*|re-?book\w*|postpone\w*|re-?arrang\w*|"
    r"push(?:ing)? (?:it|that|this|my \w+|the \w+|my \w+ \w+)? ?(?:back|forward|later|earlier|"
    r"out|to)|"
    # "Any way I could come in earlier than my 10 o'clock Friday?"
    r"(?:earlier|later|sooner) than (?:my|our) (?:\w+ )?(?:\w+day|appointment|booking|\d|one|two|"
    r"three|four|five|six|seven|eight|nine|ten|eleven|twelve)|"
    # "move my daughter's kids cut from Saturday to the following Saturday"
    r"(?:move|moving|shift|shifting|switch|change|changing|reschedule|bump|push) (?:my|our|his|"
    r"her|the) (?:[\w']+ ){0,3}?(?:appointment|booking|cut|haircut|colou?r|trim|one) (?:from|"
    r"on|to|till|until)\b|"
    # "My Friday appointment, can we do 11 instead of 10?"
    r"(?:my|our) (?:\w+ )?(?:appointment|booking|reservation|haircut|cut|colou?r|trim|one)\b"
    r"[^.?!]{0,40}?\binstead of (?:the |my )?(?:\d{1,2}(?::\d\d)?|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve)\b|"
    # "I booked in for Friday at 10 but actually I meant Saturday, can you fix that?"
    r"(?:booked|booking)\b[^.?!]{0,40}\bi meant(?: to (?:say|book))? (?:on |for )?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|today|the \d)|"
    # "I've got a haircut booked for Friday and I need to push it?"
    r"(?:need|want|have|like) to (?:push|move|shift|bump) (?:it|that|this)\W*$|"
    r"bring(?:ing)? (?:it|that|my \w+|the \w+) (?:forward|earlier)|"
    # "I need to move it forward a bit", "can I move my 10 o'clock on Friday to the afternoon?"
    r"(?:move|moving|shift|shifting|bump|bumping) (?:it|that|this|my \w+|the \w+) "
    r"(?:forward|back|up|along)\b|"
    r"(?:move|moving|change|changing|shift|shifting|switch|switching|bump|push) (?:my|our|the) "
    r"(?:\d{1,2}(?::\d\d)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"(?: ?(?:o'?clock|am|pm|a\.m\.|p\.m\.|thirty|fifteen|forty[- ]five))?(?: one| appointment)?\b|"
    # "Could we bump my Friday to Saturday?", "can we change Friday to next Thursday?": a
    # booking named by its day alone
    r"(?:move|moving|change|changing|switch|switching|shift|shifting|bump|bumping|swap|"
    r"swapping|trade) (?:my |our |"
    r"the )?(?:mon|tues|wednes|thurs|fri|satur|sun)day(?:'s)?(?: one| appointment| booking)? "
    r"(?:to|till|until|back|forward|over|for)\b|"  # "swap my Friday for a Saturday"
    # "Could we make my Friday one a bit earlier, like 9?", "move my appointment a bit later"
    r"(?:make|move|push|bring|get) (?:it|that|my (?:\w+ )?(?:appointment|booking|one)) "
    r"(?:a (?:bit|little|touch) |slightly |)(?:earlier|later|sooner)\b|"
    # "Can we do Saturday instead of Friday for my haircut?": the held one's day given up
    r"\binstead of (?:my |the |this |on )?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"tomorrow|today)(?:'s)?\b[^.?!]{0,12}?\b(?:my|our) (?:\w+ )?(?:appointment|booking|"
    r"reservation|haircut|cut|colou?r|trim|one)\b|"
    r"\binstead of (?:my|our) (?!usual|normal|regular)"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day(?:'s)? )?(?:\w+ )?"
    r"(?:appointment|booking|reservation|haircut|cut|colou?r|trim|one)\b|"
    # "Instead of Friday can I come Saturday morning?": the day held, given up for another
    r"\binstead of (?:my |the |this |on )?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"tomorrow|today)\b[^.?!]*\b(?:can|could) (?:i|we) (?:come|do|have|make it|move|go)\b|"
    # "the appointment I have on Friday, can I make it 30 minutes later?"
    r"(?:make|move|push|bring) (?:it|that|my (?:\w+ )?(?:appointment|booking)) (?:an?|half an?|"
    r"\d+|one|two|three|ten|fifteen|twenty|thirty|forty five|a couple of|a few) (?:hours?|"
    r"minutes?|mins?) (?:earlier|later|sooner)|"
    r"(?:move|moving|change|changing|switch|switching|shift|bump|swap) (?:my|the|our|his|her|"
    r"their) (?:\w+ ){0,2}(?:appointment|booking|reservation|time|slot|day|haircut|colour|color|"
    r"cut|trim)|(?:move|change|switch|shift|bump) (?:it|that|this) from|"
    r"(?:different|another|new) (?:time|day|date) for (?:my|the|our) |"
    # "Can you make my Friday appointment 10:30 instead?"
    r"(?:make|have) (?:my|our|the) (?:\w+ ){0,2}(?:appointment|booking|reservation|one)\b"
    r"[^.?!]{1,30}?\binstead\b(?! of)|"
    r"(?:move|change|switch|shift|push|bump) (?:it|that|this|them) (?:to|till|until|over)\b|"
    r"(?:can|could) (?:we|i|you) (?:move|change|switch|shift) (?:it|that|this)\b|"
    # "Could you move me from Friday to Saturday?", "switch us over to Thursday"
    r"\b(?:move|moving|switch|switching|shift|shifting|bump|swap|change) (?:me|us|him|her|them)"
    r"(?: over| across)? (?:from|to|onto|till|until)\b|"
    # "Can I come an hour earlier on Friday?": one's own booking, moved by that much (without
    # an amount, "could I come in later today?" is a booking)
    r"(?:can|could|may) (?:i|we) (?:come|come in|get in|arrive|be seen) (?:in )?(?:an?|half an?|"
    r"\d+|one|two|three|ten|fifteen|twenty|thirty|forty five|a couple of|a few) (?:hours?|"
    r"minutes?|mins?)(?: or so)? (?:earlier|later|sooner)|"
    # "Could I move my 3 o'clock to 4?": a booking named by its time
    r"(?:move|change|switch|shift|bump|push) (?:my|our|the) (?:\d{1,2}(?::\d\d)?|one|two|three|"
    r"four|five|six|seven|eight|nine|ten|eleven|twelve)(?: ?o'? ?clock| ?[ap]\.?m\.?| thirty)?"
    r"(?= to\b| till\b| until\b| back\b| forward\b| later\b| earlier\b| appointment\b| booking\b))"
)
# A call back still waited for ("I've been waiting for a call back since Monday"), lost
# property ("I left my scarf there", "I found an earring in my bag after my cut")
_FOR_THE_DESK_WORDS = (
    r"(?:(?:waiting|waited) (?:for|on) (?:a |my |your |the )?(?:call ?back|call|reply|response)|"
    r"(?:nobody|no one|no-one|nobody's|no one's) (?:has )?(?:ever )?(?:called|rang|rung|phoned|"
    r"got back|picks? up|answers?|answered|picked up)|"
    r"(?:third|fourth|fifth|\w+ times?) (?:time )?(?:i've|i have) (?:called|rung|phoned|tried)|"
    r"(?:never|still haven't|haven't|didn't) (?:got|get|had|heard) (?:a |my |the |anything )?"
    r"(?:call ?back|back from|reply|response)|"
    # "I phoned earlier and left a message, has anyone picked it up?": a call back waited for
    r"(?:left|leaving) (?:a|my|an?) (?:message|voicemail)\b[^.?!]{0,15}[.?!,]?[^.?!]{0,30}?"
    r"\b(?:picked|got|heard|listened|gotten|get back|call(?:ed)? (?:me )?back)|"
    r"(?:has|did|have) (?:anyone|anybody|someone|somebody|you) (?:got|gotten|picked up|listened to|"
    r"heard) my (?:message|voicemail)|"
    # "Can you text me a reminder for Friday?": nothing here sends texts; the desk can
    r"(?:text|send|email|message) (?:me|us) (?:a |the |an )?(?:reminder|confirmation)|"
    r"(?:i|we) (?:think (?:i|we) )?(?:left|lost|dropped) (?:my|our|a|an|the|some) (?!appointment|"
    r"booking|time|number)\w+|(?:i|we) found (?:an?|the|some|someone's|somebody's) \w+)"
)
# The waiting list: "put me on the cancellation list", "let me know if anything opens up"
_WAITLIST_WORDS = (
    r"(?:(?:put|add|have|get|go|be|stick|pop|join)(?: me| us| him| her)?(?: on| to| onto)? "
    r"(?:the |a |your )?(?:cancellation|waiting|wait) ?list|waitlist me|"
    r"(?:let me know|call me|ring me|text me|give me a (?:call|ring|shout)) if (?:there's|there "
    r"is|there are|there's been|you get|you have|anything|something|any|a|one|someone|somebody))"
)
_MESSAGE = re.compile(
    r"\b(?:leave (?:a |an |the |my |him a |her a |them a )?(?:message|note|voicemail)|"
    r"take a message|"
    r"pass (?:on |along )?(?:a |the )?message|pass (?:it|this|that) (?:on|along)|"
    r"give (?:him|her|them|\w+) a message|message for|tell (?:him|her|them)|"
    r"let (?!me\b|us\b|you\b|it\b)(?:\w+|the \w+(?: \w+)?|whoever[\w' ]{0,20}?) know\b|"
    r"(?:can|could) you tell(?! me\b)|call me back|"
    r"tell (?!me\b|us\b|you\b)\w+ (?:that|i|i'm|i've|i'll|i was|we|to call|to ring)|ring me back|"
    # "ask the owner to ring me", "have your manager call me"
    r"have (?:him|her|them|\w+|(?:the|your) \w+) (?:call|ring|phone)|"
    r"ask (?:him|her|them|\w+|(?:the|your) \w+) to (?:call|ring|phone)|"
    r"get (?!me\b|us\b)(?:\w+|(?:the|your) \w+) to (?:call|ring|phone|text|give me a (?:call|ring|"
    r"bell))|"
    r"get back to me|(?:leave|give) (?:some |a bit of )?feedback|"
    # "just wanted to say thanks to Marco for the great cut yesterday"
    r"(?:say|pass on|send|give) (?:a (?:big |huge )?)?(?:thanks|thank you) to\b|"
    r"\b(?:say|pass on|send|give) (?:my |our )?(?:thanks|thank you)\b|"
    # "I need someone to call me about a group booking"
    r"(?:need|want|like|ask for) (?:someone|somebody|one of you|\w+) to "
    r"(?:call|ring|phone|get back to) (?:me|us)\b|pass on (?:a )?compliments?|"
    # for the front desk: a call back waited for, lost property, the waiting list
    + _FOR_THE_DESK_WORDS
    + "|"
    + _WAITLIST_WORDS
    + "|"
    # "Can Marco give me a call back?" (heard "and Marco give me a call back"), "could she ring me?"
    r"give (?:me|us) a (?:call|ring|bell) ?back|"
    r"(?:can|could|would|will) (?:\w+|someone|somebody) (?:give me a (?:call|ring|bell)|"
    # "Can Dr. Chen call me about my cleaning?" (the service read as "my cleaning
    # appointment"), not "will you call me about my appointment?"
    r"(?:call|ring|phone) me(?<!you call me)(?<!you ring me)(?<!you phone me)|"
    r"(?:call|ring|phone) me(?! about (?:my|the|a) (?:\w+ )?(?:booking|appointment))))\b"
)
# A detail of a booking held changed or added ("change the phone number on my booking", "add
# a note to my appointment"): no new booking, and nothing the calendar can do here; the
# front desk can, from a message with the caller's words.
_BOOKING_DETAILS = re.compile(
    r"\b(?:change|changing|update|updating|correct|correcting|fix|fixing|add|adding|put|"
    r"spell|edit)\b.{0,24}?\b(?:phone|number|name|email|e-mail|address|contact|note|notes|"
    r"details?|spelling|info|information)\b.{0,12}?\b(?:on|for|to|in|with|under) (?:my|the|"
    r"our|his|her|their|that) (?:\w+ )?(?:booking|appointment|reservation|appt)s?\b|"
    # "My phone number has changed", "I've got a new number": the caller's details for it
    r"\b(?:my|our) (?:\w+ )?(?:number|phone|mobile|email|e-mail|address|surname|last name)\b"
    r".{0,12}?\b(?:has changed|have changed|changed|is different now)\b|"
    r"\b(?:i|we)(?:'ve| have)? (?:got )?(?:a )?new (?:phone |mobile |cell )?(?:number|email|"
    r"e-mail)\b"
)
# "A message, please.", "Yes, a message." (to "a message, or someone to talk to?")
_JUST_A_MESSAGE = re.compile(
    r"^\W*(?:(?:yes|yeah|ok|okay|just|um|uh|er)\W+)*(?:a |the )?message,?(?: please| then)?\W*$"
)
_PERSON = re.compile(
    # "to" may go unheard: "I'd like to speak the person, please" (tiny.en, flite awb)
    r"\b(?:(?:speak|talk|chat) (?:(?:to|with) )?(?:a |an |the |some |your )?"
    r"(?:real |actual |live )?"
    r"(?:person|human|someone|somebody|some one|some body|anyone|anybody|manager|owner|staff|"
    r"receptionist|front desk|reception|representative|agent|operator|people|"
    r"\w+ (?:please|directly|now))|"
    r"transfer me|put me through|connect me|get me (?:someone|somebody|a (?:person|human|real|"
    r"manager)|the (?:manager|owner|boss|front desk|receptionist|person))|"
    r"operator|representative|human being|real person|live person|actual person|"
    r"(?:a|an) (?:person|human)(?! or)|somebody real|someone real|"
    r"(?:get|put) (?:\w+ )?on the (?:phone|line)|"
    r"(?:have|had) a (?:quick |brief )?(?:word|chat) with|"
    r"(?:speak|talk|chat) (?:to|with) (?:whoever|the person who|someone who|somebody who)|"
    r"(?:anyone|anybody|someone|somebody) (?:i|we) (?:can|could) (?:speak|talk|chat) (?:to|with))\b"
)
# "Agent.", "Reception, please.": the whole turn.
_STAFF_NAME_ALONE = re.compile(
    r"^\W*(?:(?:hi|hello|hey|oh|yes|yeah|um|uh|er|erm)\W+)*(?:is (?:that|this|it) )?[a-z][a-z'\-]+"
    r"(?:\W+(?:please|there))?\W*$"
)
_PERSON_ALONE = re.compile(
    r"^\W*(?:an? |the )?(?:agent|customer service|reception|front desk)(?:,? please)?\W*$"
)
_ROBOT = re.compile(
    r"\b(?:(?:am i|are we|i'm|is this|is that|are you|you're|you are|this is)\s+(?:just\s+)?"
    r"(?:(?:talking|speaking|chatting) (?:to|with) )?(?:a |an )?(?:real |actual |live )?"
    r"(?:robot|machine|bot|computer|ai|a\.?i\.?|artificial|automated|recording|"
    r"answering machine|answering service|person|human|real)|"
    r"are you (?:guys |even )?(?:real|human|alive|an? (?:person|human|robot|machine|bot|ai)|"
    r"a real person)|who am i (?:speaking|talking) (?:to|with)|who(?:'s| is) this\b|"
    r"what are you\b|"
    r"you sound like a (?:robot|machine|computer)|"
    r"(?:talking|speaking|chatting) (?:to|with) (?:a |an )?(?:real |actual )?"
    r"(?:robot|machine|bot|computer|ai|recording))\b|"
    # As Whisper writes "Are you an AI?" and "am I talking to a robot?" from voices not ours:
    # "are you and I?", "Are you an I?", "am I talking to ro.", "am I speaking to a dot?"
    r"\bare you (?:an? |and )i\b\W*$|"
    # "Sorry, is there some machine names here?" (is this a machine answering here?)
    r"\bis (?:there|this|that|it) (?:some|a|an) (?:kind of |sort of )?(?:machine|robot|computer|"
    r"bot)\b(?!\s+(?:i|we|you|that|which|for|to|where|in|at|on)\b)|"
    r"\bam i (?:talking|speaking|chatting) (?:to|with) (?:an? )?(?:ro|rob|robo|dot|bought|"
    r"rule dot|a dot|god|bud)\b\W*$"
)
_TALK_TO = re.compile(
    r"\b(?:speak|talk|chat)\s+(?:to|with)\b|"
    # "Is Sarah available?" (now, on the phone; "on Friday" is a question about her days)
    r"^\W*(?:(?:hi|hello|hi there|yes|um|oh)\W+)*is \w+ (?:available|free|there|around|about|in)"
    r"(?: to (?:talk|speak|chat))?(?: (?:now|at the moment|right now))?(?:\W*$|\s*\?)|"
    # "I just want a quick word", "could I have a word with Marco"
    r"\b(?:a|quick) (?:quick )?(?:word|chat)\b(?! (?:about|for|on|to say)\b)|"
    # "Put Sarah on", "get Marco on for me" (not "put me on the list", "put it on hold")
    r"\b(?:put|get) (?!me\b|us\b|it\b|that\b|this\b|them\b)\w+ on\b(?! (?:the|a|an|my|hold|"
    r"for (?!me\b)|at|to)\b)|"
    r"\b(?:trying to|want to|need to|like to) (?:reach|get hold of|get through to|catch)\b|"
    # "This is Dave, returning Sarah's call": the one who called wants them
    r"\b(?:returning|returned|return) (?:\w+'s|your|her|his|their|a|the) (?:phone )?call\b|"
    r"\b(?:looking for|after)\s+\w+,? (?:is|are) (?:he|she|they) (?:in|around|there|free|about)\b|"
    # "Hi, it's Marco's wife, is he there?": someone of theirs, for them
    r"\b[A-Z]?[a-z]+'s (?:wife|husband|partner|mum|mom|mother|dad|father|sister|brother|son|"
    r"daughter|friend|girlfriend|boyfriend)\b[^.?!]*\b(?:is|are) (?:he|she|they) (?:in|around|"
    r"there|free|about|available)\b"
)
_ASKS_FOR = re.compile(r"\b(?:can|could|may|let) (?:i|me)\b|\bi (?:want|need|'d like)")
_PLAIN_HOURS = re.compile(r"\bhours\b|\bwhat time do you (?:open|close)")
_STARTS_NO = re.compile(r"^\W*no\b")
_ANOTHER_TIME = re.compile(
    r"\b(?:instead|another (?:day|time)|different (?:day|time)|can (?:we|i) do|could (?:we|i) do|"
    r"how about|what about|move|reschedule|change)\b"
)
_SERVICE_QUESTION = re.compile(
    r"\b(?:do|can|could) you (?:guys )?(?:do|offer|provide|cut|colou?r|dye|trim|style|work with|"
    r"have (?!any(?:thing)? (?:free|open|available|time|slots?|openings?|availability)|"
    r"(?:(?:some|a|any|an) )?(?:some|a|any)?(?:thing|time|slots?|openings?|availability|room|"
    r"space|spot|appointments?)\b))|"
    r"\b(?:does|do) (?:anyone|anybody|someone|he|she|they) (?:there )?do\b"
)
_DURATION = re.compile(
    r"\bhow long (?:does|do|will|would|is|are|it|for)\b|\bhow much time\b|"
    r"\b(?:take|takes|last|lasts) (?:long|about how long)\b|"
    r"\bhow long (?:a|an|the|my|your) [^?.,]*\b(?:takes?|lasts?)\b"  # how long a colour takes
)
_STATUS = re.compile(
    # "I have a question about my appointment.": nothing else said yet; its details first
    r"^\W*(?:(?:hi|hello|hey|yes|yeah|um|uh|so|well|oh)\W+)*(?:i|we)(?: have|'ve got| got)? "
    r"an? (?:quick |small |little )?(?:question|problem|issue|query) (?:about|with|regarding) "
    r"(?:my|our) (?:\w+ )?(?:booking|appointment|reservation)"
    r"(?: (?:on|for) \w+| tomorrow| today)?\W*$|"
    r"\b(?:(?:did|has|have|was|is) (?:my|the|our) (?:booking|appointment|reservation) "
    r"(?:go|gone|went|get|been|come|made|actually|still|really|confirmed|booked|through|on\b)|"
    # "Is my appointment tomorrow at 3 still on?": its day or time between
    r"(?:did|has|was|is) (?:my|the|our) (?:\w+ )?(?:booking|appointment|reservation)\b"
    r"[^.?!]{1,30}?\b(?:still on|still happening|still going ahead|going ahead|still booked|"
    r"(?:go|gone|went) through|confirmed)\b|"
    # "I'm calling about my booking tomorrow": about one already made, asking nothing else
    r"(?:calling|ringing|phoning|it's|this is) (?:just )?(?:about|regarding|re) (?:my|our) "
    r"(?:\w+ )?(?:booking|appointment|reservation)\b|"
    r"do (?:i|we) (?:still )?have (?:an?|my|the) (?:appointment|booking|reservation)|"
    # "What appointments do I have?", "what have I got booked?"
    r"what (?:appointments?|bookings?|reservations?) (?:do|have) (?:i|we) (?:got|have)|"
    r"what (?:have|do) (?:i|we) (?:got |have )?(?:booked|on the books|coming up)|"
    # "Can you tell me if my appointment is still on for tomorrow?"
    r"(?:my|our) (?:\w+ )?(?:appointment|booking|reservation)(?:'s| is|s) (?:still |all )?(?:on|"
    r"confirmed|booked|happening|going ahead|set|sorted)\b|"
    # "Do I have anything booked?", "Have I got any appointments coming up?"
    r"(?:do (?:i|we)|have (?:i|we) got|(?:if|whether) (?:i|we)(?:'ve| have)?(?: got)?) "
    r"(?:still )?(?:have )?(?:anything|any (?:appointments?|"
    r"bookings?|reservations?)|an? (?:appointment|booking|reservation)) "
    r"(?:booked|on|coming up|scheduled|in|with you|for)|"
    r"(?:when|what time|what day)(?:'s| is| was| are) (?:my|our|the) (?:\w+ )?"
    r"(?:appointment|booking|reservation)|"
    # "What time am I in on Friday?", "who's doing my hair on Friday?", "is my appointment
    # with Sarah or Marco?"
    r"(?:what time|when|what day) (?:am i|are we|i'm|i am|we're|we are) (?:in|booked|coming in|"
    r"down|due|scheduled)\b|"
    # "I've got 2 appointments I think, can you check?"
    r"\b(?:i've got|i have|i've|i got|we've got|we have) (?:\d|two|three|a couple of|a few|some) "
    r"(?:appointments|bookings)\b|"
    r"who(?:'s| is) (?:doing|cutting|colou?ring|seeing) (?:my|our) \w+|"
    # "Can you tell me who I'm booked in with on Friday?"
    r"who (?:am i|i'm|i am|are we|we're|we are) (?:booked|booked in|down|in|seeing|with)\b|"
    r"is (?:my|our) (?:\w+ )?(?:appointment|booking|haircut|cut|colou?r|trim) with\b|"
    # "What's the date of my appointment?", "what time's my booking for?"
    r"(?:what(?:'s| is| was)?|tell me|know|remind me(?: of)?) the (?:date|time|day) (?:of|for|on) "
    r"(?:my|our) (?:\w+ )?(?:appointment|booking|reservation)|(?:what|which) (?:date|time|day)"
    r"(?:'s| is) (?:my|our) (?:\w+ )?(?:appointment|booking|reservation)|"
    r"confirm (?:my|our|the|(?:to|yester)?day's|tomorrow's|\w+day's) (?:\w+ )?(?:booking|"
    r"appointment|reservation)|"
    # "My appointment is tomorrow at 3, I just want to check it's with Sarah"
    r"(?:check|confirm|make sure|know) (?:that |if |whether )?(?:it's|it is|it was|that's) "
    r"(?:with|still|booked|on)\b|"
    # "I think I'm booked for Friday?", "I think I've got an appointment tomorrow"
    r"\bi think (?:i'm|i am|we're|we are|i've got|i have|i've) (?:booked|down|an? (?:appointment|"
    r"booking))\b|"
    # "Can you check if there's a booking under Martha Jones?"
    r"(?:check|see|know|tell me) (?:if|whether) (?:there's|there is|you have|you've got|i have) "
    r"(?:a|an|any) (?:booking|appointment|reservation)s?\b|"
    # "I'd like to know if my booking for the 27th is still on"
    r"(?:my|our) (?:\w+ )?(?:appointment|booking|reservation)\b[^.?!]{1,30}?\b(?:is|'s) "
    r"(?:still )?(?:on|happening|going ahead|booked|confirmed)\b|"
    # "I got a text reminder about an appointment but I don't remember booking one"
    r"(?:text|reminder|message|email|call) (?:reminder )?(?:about|for|of) (?:an?|my|our) "
    r"(?:\w+ )?(?:appointment|booking)|(?:don't|do not|can't) remember (?:booking|making)\b|"
    # "Did my husband John book anything for Thursday?"
    r"did (?:my|our) \w+(?: \w+)? (?:book|make) (?:anything|something|an? \w+|me)\b|"
    r"check(?:ing)? (?:on |that |whether |if )?(?:my|our) (?:\w+ )?(?:booking|appointment|"
    r"reservation)|"
    r"(?:am i|are we|was i|were we) (?:still )?"
    r"(?:booked|scheduled|down|on the books|in the system)|"
    r"do you have me (?:down|booked|in)|"
    # "I think my husband booked me in for something this week, could you check?"
    r"\b(?:booked|has booked|have booked|'s booked|made) (?:me|us) (?:in|an? (?:appointment|"
    r"booking))\b(?=.*\b(?:check|confirm|what time|what day|which day|when|remind)\b)|"
    # "My appointment on Friday, is it with Marco?": a booking held, then a question of it
    r"^\W*(?:(?:hi|hello|hey|yes|yeah|um|uh|so|oh|sorry|quick question)\W+)*(?:my|our) "
    r"(?:\w+ )?(?:appointment|booking|reservation|haircut|cut|trim|colou?r)\b[^.?!]{0,25}?"
    r"[,.]?\s*(?:is it|is that|was it|will it be|does it)\b|"
    # "Did I book for 10 or 10:30 on Friday?", "what time did I book for?"
    r"(?:did|have) (?:i|we) (?:book|booked)(?: (?:it|one|in))? (?:for|at|on)\b|"
    r"^\W*(?:(?:hi|hello|um|so|oh|sorry)\W+)*did (?:i|we) (?:book|make) (?:a|an|my|the)\b|"
    r"what (?:time|day) did (?:i|we) book\b|"
    # "Could you remind me what time I'm booked for?", "just checking I'm booked in this week"
    r"(?:what time|what day|which day|checking|check|confirm|make sure|see|know) "
    r"(?:that |if |whether )?(?:i'm|i am|we're|we are) (?:still )?(?:booked|scheduled|down "
    r"for|in the (?:system|diary|book)|on the books)\b|"
    r"is my (?:\w+ )?(?:appointment|booking|reservation) (?:still )?(?:on|confirmed|booked|set)|"
    # "Is my appointment at 10 or at 10:30?", "is my haircut on Friday or Saturday?"
    r"^\W*(?:(?:hi|hello|hey|yes|yeah|um|uh|so|oh|sorry|quick question)\W+)*is (?:my|our) "
    r"(?:\w+ )?(?:appointment|booking|reservation|haircut|cut|trim|colou?r) (?:at|on|for|this|"
    r"next|tomorrow|today)\b|"
    # "I've got a haircut booked Friday, can you tell me who it's with?"
    r"\bwho (?:it's|it is|is it|i'm|i am|am i|we're|we are|are we)(?: booked)? with\b|"
    r"\bwho(?:'s| is) (?:my|our) (?:\w+ )?(?:appointment|booking|haircut|cut|colou?r) with\b|"
    # "I've got a haircut this week but I can't remember which day"
    r"(?:forg[eo]t(?:ten)?|lost|misplaced) (?:my|the|our) (?:\w+ )?(?:appointment|booking) "
    r"(?:time|day|date|card|details|confirmation)|"
    r"(?:(?:can't|cannot|can not|don't|do not) (?:quite )?remember|forg[eo]t(?:ten)?) (?:which|"
    r"what) (?:day|time|date)\b(?! (?:you|you're|you are|the salon|the shop|it opens|it closes))|"
    r"make sure (?:it|that|my \w+|the \w+|we|i) (?:went through|is booked|is confirmed|got booked|"
    r"(?:are|am) booked|is in)|(?:it|that|my booking|my appointment) went through|"
    r"double[- ]check (?:my|the|that|on)|"
    r"(?:did|has|have) (?:my|our|the) (?:\w+ )?(?:booking|appointment|reservation)"
    r"(?: (?:for|on) \w+)? (?:go|gone|went) through|"
    r"(?:checking|check|confirm|confirming|make sure) (?:that )?(?:my|our|the) "
    r"(?:\w+(?:'s)? )?(?:appointment|booking|reservation)(?:'s| is| are)? "
    r"(?:all |still |definitely )?(?:booked|set|confirmed|on|in|ok|okay|fine)|"
    r"(?:(?:am i|are we) (?:definitely |still |all |really )?|"
    r"(?:i'm|im|we're) (?:definitely|still|all|really) )"
    r"(?:booked|booked in|scheduled|down for|on the list)|"
    r"(?:when|what time|what day) (?:is |was )?(?:my|our|the|his|her) "
    r"(?:\w+(?:'s|s)? )?(?:appointment|booking|reservation))\b"
)
# "I booked a colour for Thursday, I just wanted to check what time it was": a booking the
# caller holds, and a question about it.
_HOLDS = re.compile(
    r"\b(?:i|we)(?:'ve| have)? (?:already )?(?:booked|made (?:a|an|my|our) (?:\w+ )?"
    r"(?:booking|appointment|reservation))\b|"
    # "my wife booked me in for Friday"
    # ("Put me down for Friday 3:15" asks for one: it was "I can't do that over the phone")
    r"\bbooked (?:me|us) (?:in|down)\b|\b(?:i|she|he|they|we|wife|husband|partner|mum|mom|dad|"
    r"friend|someone|somebody) (?:already )?put (?:me|us) (?:in|down)\b|"
    # "I have a problem with my booking on Friday", "a question about my appointment"
    r"\b(?:question|problem|issue|query|concern) (?:about|with|regarding|on|for) (?:my|our) "
    r"(?:\w+ )?(?:booking|appointment|reservation)\b|"
    r"\b(?:i|we)(?:'ve| have)? (?:have|had|got) (?:a|an|my|our) (?:\w+ )?"
    r"(?:booking|appointment|reservation)\b|"
    # "Hello, my Friday appointment, can you make it Saturday instead?": named first
    r"^\W*(?:(?:hi|hello|hey|yes|yeah|um|uh|so|oh|sorry|right)\W+)*(?:my|our) (?:[\w'-]+ ){0,3}?"
    r"(?:appointment|booking|reservation)\b(?: (?:on|for|at) [\w:]+(?: at [\w:]+)?)?\W*,"
)
# "I've got a haircut on Friday", "I have a colour booked": one held, named by its service.
_HOLDS_ONE = re.compile(
    r"\b(?:i|we)(?:'ve| have)? (?:have|had|got) (?:a|an|my|our) (?:[\w']+ ){1,4}?"
    r"(?:booked|scheduled|on (?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|today)\b|"
    # "I'm booked in Friday at 10", "I'm meant to be in on Friday", "we booked a colour"
    r"\b(?:i'm|i am|we're|we are|i was|we were) (?:booked|scheduled|(?:meant|supposed|due) to "
    r"(?:be|come)|due)\b|\b(?:i|we) (?:booked|made) (?:a|an|my|our|in)\b|"
    # "my son has a kids cut booked Friday", "my wife's got a colour on Saturday"
    r"\b(?:my|our) (?:\w+ )?\w+ (?:has|had|'s got|has got) (?:a|an|his|her|their) (?:[\w']+ ){1,4}?"
    r"(?:booked|scheduled|on (?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|today)\b|"
    # "I have something with you Friday", "I've got a slot on Thursday"
    r"\b(?:i|we)(?:'ve| have)? (?:have|had|got) (?:something|a (?:slot|spot|time)) "
    r"(?:with you|booked|in|on|for|this|next|tomorrow|today)\b"
)
_GOT_ONE_A_DAY = re.compile(
    r"\b(?:i|we)(?:'ve| have)? (?:have|had|got) (?:a|an|my|our) (?:[\w'-]+ ){1,3}?"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
)
# "have you got anything", "is there a slot": another time asked for (a move's new time, no
# caller running late)
ANY_TIME_ASKED = (
    r"(?:have you got|do you have|is there|you got|got) (?:anything|something|a (?:slot|time))"
)
_WHEN_WORD = (
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tomorrow|\d+|noon|morning|afternoon|"
    r"evening|next week|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
)
# Another day or time asked for in place of the one held: "can I come at 11 instead?",
# "could I swap to Saturday?" ("I'd rather do a colour instead" names no day or time).
_ANOTHER_WHEN = re.compile(
    rf"\b(?:instead|swap|switch|rather)\b[^.?!]*?\b{_WHEN_WORD}\b|"
    rf"\b{_WHEN_WORD}\b[^.?!]{{0,15}}\binstead\b|"
    # "I'm booked in Friday at 10 but I'll be stuck at work, have you got anything after 5?"
    r"\b" + ANY_TIME_ASKED + r" (?:after|before|later|earlier|around|else)\b"
)
# A booking held and another service asked in its place: "I booked a haircut for Friday but
# I'd rather do a colour instead", "could you change it to a colour instead of a cut?".
_ANOTHER_SERVICE = re.compile(
    r"\b(?:instead|rather|swap|switch)\b|\b(?:make|change|turn) it (?:in)?to an?\b|"
    r"\b(?:make|change) it an?\b(?![\w ]{2,25}\b(?:as well|too|also)\b)|"
    r"\band (?:then )?(?:book|get|have|do) (?:me )?an?\b|"
    # "Can I change my haircut on Friday to a colour?"
    r"\b(?:change|switch|swap|turn|make) (?:my|our|the) (?:\w+ ){1,4}?(?:in)?to an? (?!time\b|"
    r"day\b|later\b|earlier\b|different\b|new\b|another\b)"
)
# Someone else to come in the caller's place: who the booking is for changes, not when.
_SOMEONE_ELSE_INSTEAD = re.compile(
    r"\b(?:can|could|will|would|may)\s+(?:she|he|they|my \w+|(?!i\b|we\b|you\b)\w+)\s+"
    r"(?:have|take|use|come|go)"
    r"\b(?:(?! (?:on|at|for) )[^.?!])*\binstead\b|"
    r"\b(?:she|he|they|my \w+) (?:will|'ll|can|could) (?:come|go|take it|have it)"
    r"(?: in)? (?:instead|in my place)\b"
)
_AND_BOOK = re.compile(
    r"\band (?:then )?(?:re-?book|book|make|get|schedule)\b|"
    # "Can I cancel my haircut and just do a beard trim instead?"
    r"\band (?:just |then )?(?:do|have|get) an? [\w ]{2,25}?\binstead\b"
)
_CHANGE_IT = re.compile(
    # "My appointment on Friday, can you make it Saturday?", "... can we do Saturday?" (a
    # booking held named first, then when it should be)
    rf"\b(?:make it|(?:can|could) (?:we|i|you) (?:do|make it)|how about|what about) (?:on |at "
    rf"|for )?(?:the )?{_WHEN_WORD}\b|"
    r"\b(?:make|have|do) it (?:(?:a (?:bit|little|touch)|an hour|half an hour|slightly) )?"
    r"(?:later|earlier|another day|a different (?:day|time))\b|"
    r"\b(?:make|change) it (?:to|for|on|at)\b|"
    # "I'm booked at 10, could I come in a bit earlier?"
    r"\b(?:come|get|be)(?: in)? (?:(?:a (?:bit|little|touch)|an hour|half an hour|slightly) )?"
    r"(?:later|earlier|sooner)\b"
)
# "What time is my haircut on Friday?": a service the caller holds, named by its service.
_WHEN_IS_MY = re.compile(
    r"(?:\b(?:when|what time|what day)(?:'s| is| was) (?:my|our|his|her)\b"
    # "Can you tell me what time my haircut is on Friday?"
    r"|\b(?:when|what time|what day) (?:my|our|his|her) (?:[\w']+ ){1,2}?(?:is|was)\b)"
    # not "When is my daughter free for a kids cut?" (when she can come)
    r"(?![^.?!]*\b(?:free|available)\b)"
)
_ASKS_ABOUT_IT = re.compile(
    r"\b(?:what time|when|what day|which day)(?: exactly)? (?:is|was|it's|is it|was it|am i|"
    r"was i|it was|it is|i'm|i am|we're)\b|\b(?:check|confirm|remind me|forgot|forget)\b|"
    # "I booked online but I never got a confirmation"
    r"\b(?:confirmation|confirmed)\b|\bstill (?:on|happening|booked|going ahead)\b|"
    r"\b(?:can't|cannot|don't) remember\b|"
    # "I've got a cleaning Thursday, is it with Maria?": who it is with
    r"\b(?:is|was) (?:it|that|this|she|he) (?:with|booked with|going to be with)\b|"
    r"\bwho(?:'s| is| was) (?:it|that) with\b"
)
_PRICE = re.compile(
    r"\b(?:how much|prices?|pricing|cost|costs|(?<!in )charge|charges|rates?|expensive|cheap|"
    r"cheaper|dearer|fee|fees|what do you charge|"
    # "What's the damage for a colour?", "what would that set me back?", "a ballpark?"
    r"(?:what's|what is|what'll be|what will be) the damage|set (?:me|us|you) back|ballpark|"
    r"what (?:would|will|am) (?:i|we) (?:be )?looking at|"
    # "Is a beard trim included with a haircut?": what is paid for
    r"(?:is|are) (?:an? |the )?(?:\w+ ){1,3}?(?:included|part of)|"
    # "what do you have charged for a haircut?" (what do you charge, as Whisper wrote it)
    r"what (?:do|does|did|would|will) (?:you|it|they)(?: \w+)? charged? for|"
    r"(?:is|are|does|do|cost|costs|charge) (?:\w+ ){0,3}?extra|"
    r"what(?:'s| is| would be| will be) the total|"
    r"(?:is|was|will) (?:it|that|this) (?:still |about |around )?"
    r"(?:[$£€]\d+|(?:\d+|[a-z]+(?:[- ][a-z]+)?) (?:dollars|bucks|pounds|quid|euros)))\b"
)
# How the business works, which the profile doesn't say: asked, not requested ("How much
# notice do you need to cancel?" was a price list and a cancellation).
_POLICY = re.compile(
    r"\bhow much notice\b|\bcancell?ation (?:policy|fee|charge)s?\b|"
    # where we are: the profile has no address ("I was booked in for a colour today but I
    # can't find your address, where are you?" offered colours)
    r"\bwhere are you(?: guys)?(?: based| located)?\b(?! (?:free|available|open))|"
    r"\bwhere(?:'s| is) (?:the|your) (?:salon|shop|place|office|clinic|practice|surgery|"
    r"studio|building)\b|"
    r"\b(?:what's|what is|what was) (?:your|the) (?:address|postcode|zip code)\b|"
    r"\bhow do (?:i|we) (?:find|get to) (?:you|your (?:office|clinic|practice|place|salon|shop|"
    r"surgery))\b|\b(?:can't|cannot|can not) find (?:you|your (?:address|place|salon|shop|"
    r"office|clinic|practice))\b|"
    # "I'd like to register as a new patient": the front desk's paperwork
    r"\b(?:taking|accepting|take|accept|seeing|see) (?:on |any )?new (?:patients|clients|"
    r"customers)\b|"
    r"\b(?:register|registering|sign up|signing up|enrol|enroll|enrolling|join|joining)"
    r"(?: with you| with the practice| here)?(?: as)? (?:a )?new (?:patient|client|customer|"
    r"member)\b|"
    # "I'm a hairdresser looking for work, are you hiring?": a job, not a service
    r"\b(?:are you|you guys|is (?:the salon|anyone)) (?:hiring|recruiting|taking on)\b|"
    r"\blooking for (?:a )?(?:work|job|position|chair to rent)\b|\bvacanc(?:y|ies)\b|"
    r"\bjobs? (?:openings?|going|available|opportunit\w+)\b|\bchair rental\b|\brent a chair\b|"
    r"\b(?:charge|fee) (?:for|to|if (?:i|you|we)) cancel|"
    r"\b(?:do|take|accept|allow|have)(?: you)?(?: guys)?(?: do| take| accept)? walk[- ]?ins?\b|"
    r"\b(?:need|take|want|require) a deposit\b|\bno[- ]show (?:fee|charge|policy)\b|"
    # "How far in advance do I need to book?"
    r"\bhow (?:far|long|much|many (?:days|weeks)) (?:in advance|ahead|before(?:hand)?)\b|"
    # how to come prepared: "Do I need to bring anything for my colour?", "should I wash my
    # hair before?" (the profile says nothing of it: a person or a message)
    r"\b(?:do|should|must) (?:i|we) (?:need to |have to )?(?:bring|wash|prepare|arrive early|"
    r"come early)\b|\bwhat (?:should|do) (?:i|we) (?:need to )?bring\b|"
    # "How early should I arrive for my appointment?", "what time should I get there?"
    r"\bhow (?:early|long before) (?:should|do|must) (?:i|we) (?:need to |have to )?(?:arrive|"
    r"get there|be there|turn up|come in|get in)\b|"
    r"\bwhat time (?:should|do|must) (?:i|we) (?:arrive|get there|be there|turn up|come in)\b|"
    # what must come first: "Do I need a patch test?", "do I have to get a consultation
    # before a colour?" (asked, not a request for one; "do I need to book?" leads to a booking)
    r"\b(?:do|would|will|should|must) (?:i|we) (?:need|have to|require)(?: to)?(?: (?:get|have|"
    r"do))? (?:a |an )?(?:patch[- ]?test|skin test|strand test|allergy test|"
    r"consult(?:ation)?)s?\b|"
    r"\b(?:do|would|will|should|must) (?:i|we) (?:need|have to|require)(?: to)?(?: (?:get|have|"
    r"do))? (?:a |an )?(?!(?:to )?(?:book|make|appointment)\b)[a-z\- ]{2,24}? (?:first|beforehand|"
    r"before (?:a|an|the|my|it|hand|that|then))\b"
)
_QUESTION_ABOUT = re.compile(
    r"\b(?:i have|i've got|i got|got|i had) an? (?:quick |small |little )?(?:question|query|"
    r"problem|issue|concern|enquiry|inquiry) (?:about|regarding|with|on|for) "
    r"(?:my |the |a |an |your |our )?([a-z' ]{2,40}?)\s*(?:[.?!,]|$)"
)
_STAFF_IN = re.compile(
    r"\b(?:is|will|does|are)\s+[a-z]+\s+(?:be\s+)?(?:in|working|work|around|there|available|free|"
    r"on|about|off)\b|"
    # "... and if Marco's in Saturday?"
    r"\b[a-z]+'s (?:in|working|around|off)\b(?=[^.?!]*\?)"
)
# "Price" or "Cost" as Whisper writes a surname: after a first name, or after "it's", "I'm",
# "name's", "under", "Mr" (capitalised, where a question about prices is not)
_SURNAME_PRICE = re.compile(
    r"\b(?:[A-Z][a-z]+|(?i:it's|its|i'm|name's|name is|names|under|mr\.?|mrs\.?|ms\.?|dr\.?))"
    r",?\s+(?:Price|Cost)\b"
    # ... or spelt out after it: "Price, P R I C E"
    r"|\b(?:Price|Cost)\b(?=[\s,.]+(?:that's\s+)?[A-Za-z](?:[\s.,\-]+[A-Za-z]){2,}\b)"
)
_ROTA_ASKED = re.compile(
    r"\b(?:what|which) days? (?:does|do|is|are|will) [a-z]+ (?:work|be in|in|working|on)\b|"
    # "Is Marco in that day?" (not "Is Marco available Friday?": free times, which we answer)
    r"\b(?:is|will|does) (?:he|she|they|[a-z]+) (?:be )?(?:in|working|work|around|there)\b"
    r"[^.?!]*\?"
)
# "Who's working on Friday?", "Which stylists are in tomorrow?", "Who's on today?": the rota,
# which the profile doesn't hold, as "Is Marco in today?".
_WHO_IS_IN = re.compile(
    r"\b(?:who(?:'s| is| are| will be|'ll be)|which (?:stylists?|barbers?|hairdressers?|staff|"
    r"people|of you)(?: are| is| will be)?)\s+(?:\w+\s+)?(?:in|working|on|around|there|about|"
    r"off|available)\b(?!\s+(?:the phone|the line|this call)\b)"
)
# "anything in two hours?", "for an hour": a length of time, not the opening hours.
_HOURS_AWAY = re.compile(
    r"\b(?:in|for|within) (?:about |around |roughly |maybe |like |say |another |just )?"
    r"(?:an?|one|two|three|four|five|a couple of|a few|\d+)(?: and a half)? (?:hours?|hrs?)\b|"
    r"\bhours?(?:'s|s')? (?:from now|time)\b"
)
_HOURS = re.compile(
    r"\b(?:hours|opening times|what time do you|when do you (?:open|close|shut)|"
    r"(?:what|which) (?:days?|time) (?:you're|you are|you) (?:open|closed|close|shut)|"
    r"late(?: night)? opening|(?:do you|you) (?:have|do|open) (?:any )?late nights?\b|"
    r"are you (?:guys )?(?:open|closed)|is the (?:salon|shop|store|office) (?:open|closed)|"
    # "Just wanted to check if you're open on the 25th", "whether you'll be open Boxing Day"
    r"(?:if|whether) (?:you're|you are|you'll be|you will be|you guys are) (?:open|closed)|"
    r"you (?:guys )?open (?:on|at|till|until|today|tomorrow|this)|until what time|how late|"
    r"how early|what days|when are you (?:open|closed)|do you (?:open|close)|closing time|"
    r"opening time|open on (?:sundays?|mondays?|saturdays?|weekends?)|open late|"
    # "what are your opening ...": hours or times, whatever Whisper made of the last word
    # ("opening nowers", heard in the suite); "any openings" stays a request for a slot.
    r"what are (?:your|the) opening \w+)\b"
)
# "Actually yes", "Hmm, let me think. OK, no": a yes or a no after a moment's thought
_THOUGHT = (
    r"(?:(?:hmm+|um+|uh+|er+|erm|well|oh|ok|okay|so|right|actually|you know what|"
    r"on second thoughts?|let me (?:think|see)(?: about it)?)\W+)*"
)
_YES = re.compile(
    r"^\W*" + _THOUGHT + r"(?:yes|yeah|yea|yep|yup|ya|yah|sure|correct|that's right|that is right|"
    r"that's correct|that is correct|absolutely|definitely|certainly|of course|exactly|"
    r"affirmative|indeed|uh[- ]?huh|mm[- ]?hmm|mhm|you got it|i do|i would|please do|go ahead|"
    r"spot on|bang on|that's the one|you've got it|"
    r"that works|sounds good|sounds great|sounds perfect|that's fine|that is fine|book it|"
    r"do it|i guess so|i suppose so|guess so)\b"
    r"|\b(?:that works|works for me|sounds (?:good|great|perfect|fine)|go ahead|"
    r"that's (?:right|correct|perfect|fine|great)|that is (?:right|correct)|that'd be (?:great|"
    r"perfect|fine)|that would be (?:great|perfect|fine)|yes,? please|let's do (?:it|that)|"
    r"i'll (?:take|have) (?:it|that)|book me in|go on then|go for it)\b"
)
_NEGATED = re.compile(r"\b(?:can't|cannot|can not|don't|won't|not|no|neither)\b")
# Either of the times offered will do: the first is taken. "That'll do", a no to "anything
# else?", takes what was offered.
_ANY_OFFERED = re.compile(
    r"\b(?:either|whichever|any (?:one|of them|of those))(?: one| of them| of those| is| one is|"
    r" will do|'s| works)?(?: (?:is |are )?(?:fine|good|ok|okay|great))?\W*$|"
    r"^\W*that'?ll do\b(?! it)|"
    # "Whatever you've got", "whatever works"
    r"^\W*(?:\w+\W+)?whatever(?: you(?:'ve| have)? got| you have| works| suits(?: you)?|"
    r"'s (?:free|easiest|going)| is (?:free|easiest))?\W*$|"
    r"\b(?:that|this|either) one'?s? (?:is )?fine\b"
)
# Acknowledgements that are a yes only when they are (nearly) all that was said.
_YES_SHORT = re.compile(
    r"^\W*(?:ok|okay|alright|all right|right|please|fine|good|great|perfect|excellent|lovely|"
    r"brilliant|wonderful|cool|nice|grand)\b\W*(?:(?:thanks|thank you|then|yes|sure|"
    r"thanks so much|thank you so much)\b\W*)?$"
)
_NO = re.compile(
    r"^\W*" + _THOUGHT + r"(?:no(?! problem| worries| rush)|nope|nah|neither|not really|"
    r"not quite|not exactly|"
    r"that's it|"
    r"not (?:at the moment|right now|just now|for now)(?! but)|"
    r"that is it|that'?ll do|"
    r"no thanks|no thank you|that's all|that is all|that's everything|that'll be all|"
    r"nothing else|i'm good|i am good|i'm fine|i'm all set|all good|that's wrong|"
    r"that's not right|that is not right|that's incorrect|incorrect|wrong|negative|"
    r"don't|do not|i don't|leave it|hold off|don't bother)\b"
)
# What was offered turned down in so many words, wherever it stands in the turn ("Ah no, those
# don't work for me" heard as "Anna, those don't work for me"): a no. "Those work" is not.
_WONT_SUIT = re.compile(
    r"\b(?:(?:those|these|that|them|they|it|either|\w+day|mornings?|afternoons?|evenings?|"
    r"\d{1,2}(?::\d\d)?(?:\s*[ap]\.?m\.?)?)(?:\s+(?:ones?|times?|slots?|days?))?\s+"
    r"(?:don't|doesn't|won't|wouldn't|do not|does not|will not|would not|isn't|aren't)\s+"
    r"(?:really\s+)?(?:work|suit|fit|do\s+(?:it\s+)?for\s+me)"
    r"|(?:neither|none)(?:\s+of\s+(?:those|them|these|the two|the times))?"
    r"(?:\s+(?:one|ones|times?))?"
    r"\s+(?:works?|suits?|fits?|is good|are good|is any good|will do)"
    r"|(?:i\s+)?(?:can't|cannot|can not|couldn't)\s+(?:do|make)\s+(?:those|these|either|"
    r"(?:any|either|one)\s+of\s+(?:those|them|these))"
    r")\b"
)
_GOODBYE = re.compile(
    r"\b(?:bye|goodbye|good bye|bye bye|that's all|that is all|that's everything|that's it|"
    r"that'll be all|nothing else|have a (?:good|great|nice|lovely) (?:day|one|evening|night|"
    r"afternoon|weekend)|take care|see you|talk to you later|cheers)\b|"
    # "that's all" as Whisper writes it from voices not ours: "catch all", "pets all"
    r"\b(?:catch|pets|sets|cats) all\b(?=\W*(?:time|thanks|thank you)?\W*$)|"
    # and from espeak-ng's voices: "No, that's oil.", "nice oil", "next all", "No, not soil.",
    # "I saw all thanks." (the whole turn, as the others)
    r"^\W*(?:no\W+)?(?:i )?(?:(?:that's|thats|nice|next|saw) (?:all|oil|soil)|not soil)\b"
    r"(?=\W*(?:thanks|thank you)?\W*$)|"
    # Whisper's "bye" at the end of a farewell: "never mind then, by.", "okay thanks by"
    r"\b(?:then|okay|ok|thanks|thank you|cheers|mind|right|alright|great|lovely|fine),? by"
    r"(?=\W*$)"
)
# Words that may follow a farewell in the same breath ("goodbye, and thanks for your help",
# "that's all I needed, see you then"): the turn still ends the call.
_CLOSING_WORDS = frozenset(
    "and thanks thank you so much very for your all the help now then again bye okay ok "
    "great good lovely nice day have a take care see later soon i needed wanted it that's "
    "everything cheers really appreciate guys everyone folks sir madam ma'am mate".split()
)
_REQUEST_AFTER_FAREWELL = 3  # words after the last farewell that are not closing words
# A whole turn that says the caller is leaving without a farewell word: "Okay, I'll think
# about it", "Alright, I'll call back later".
_LEAVING = re.compile(
    r"^\W*(?:(?:ok|okay|alright|all right|right|fine|no|well|hmm|actually|never mind|you know "
    r"what)\b\W*)*(?:i'll|i will|let me|i'm going to|i'm gonna|i might|i may|maybe i'll|i'd better)"
    r"\s+(?:just |probably |maybe |have to |need to |try and |try to )*(?:have a )?(?:think about "
    r"it|think it over|(?:call|ring|phone|give you a (?:call|ring))(?: you)?(?: back| again)?"
    r"(?: later(?: on)?| another time| tomorrow| next week| in a bit| in a while)?|"
    r"call another time|try (?:again )?later|check (?:my|the) (?:diary|calendar|schedule) and "
    r"(?:call|ring|get) back(?: to you)?)"
    r"\W*(?:(?:then|thanks|thank you|bye)\b\W*)*$"
)


def leaves_without_farewell(lowered: str) -> bool:
    """ "Okay, I'll think about it", "I'll call back later": the whole turn. Asked for a
    message, the same words are the message."""
    return bool(_LEAVING.match(lowered))


# A caller going on past the end of the call: "Wait, ...", "Actually, ...", "One more thing".
_GOES_ON = re.compile(
    r"\b(?:wait|hold on|hang on|actually|one more|another (?:thing|question)|before you go|"
    r"oh and|i forgot|i also|can i also|could i also)\b",
    re.I,
)


def goes_on(text: str) -> bool:
    """Does ``text`` carry on a call that was ending ("Wait, one more thing")?"""
    return bool(_GOES_ON.search(text))


def says_goodbye(lowered: str) -> bool:
    """Does the turn take leave? A farewell must end it: a turn that goes on after one with
    a request ("Bye, I'd like to book...", a "Hi" misheard, or half a sentence cut at a
    pause; "That's it? How much is a colour?") is not a goodbye, whatever it opened with."""
    if leaves_without_farewell(lowered):
        return True
    farewells = list(_GOODBYE.finditer(lowered))
    if not farewells:
        return False
    after = re.findall(r"[a-z']+", lowered[farewells[-1].end() :])
    return sum(w not in _CLOSING_WORDS for w in after) < _REQUEST_AFTER_FAREWELL


# Asking to hear the last thing again: the whole turn is such a request, with its politeness
# ("Sorry, could you say that again please?"), and nothing else ("Sorry, I meant Thursday").
_SAY_AGAIN = re.compile(
    r"\b(?:pardon(?: me)?|excuse me|come again|what was that|what did you (?:just )?say|"
    r"(?:say|read|repeat) (?:that|it|those|them|the \w+(?: \w+)?)(?: (?:again|back))?|"
    r"repeat(?: yourself)?|say again|one more time|"
    r"i (?:didn't|did not|couldn't|could not|can't|cannot) (?:catch|get|hear|understand) "
    r"(?:that|it|you|what you said|the \w+(?: \w+)?)|"
    # "Sorry, what was the second time?", "what were the times again?", "what were those
    # again?", "what times did you say?", "can you go over them again?"
    r"what (?:was|were|is|are) (?:the |those |these |they |that |it )?(?:first |second |other |"
    r"last |two |2 )?(?:times?|ones?|options?|days?|dates?)?(?: again)?|"
    r"what (?:times?|days?|dates?) (?:did|was|were) (?:you|they|that|it|those)(?: just)?"
    r"(?: say| offer| give)?(?: again)?|"
    r"(?:go|run) (?:over|through) (?:that|it|those|them|these|the \w+)(?: (?:by me|for me))?"
    r"(?: again)?|run (?:that|it|those|them) by me(?: again)?|"
    r"i missed (?:that|it|the \w+(?: \w+)?)|sorry|what|huh|"
    # "Sorry, did you say 4 or 5?", "was that Thursday?"
    r"did you (?:just )?say(?: [\w:]+(?: (?:or|and) [\w:]+)?)?|"
    r"(?:was (?:that|it)|is that) (?:the )?(?:\d[\w:]*|(?:mon|tues|wednes|thurs|fri|satur|sun)"
    r"day)(?: (?:am|pm|a\.m\.|p\.m\.))?(?: (?:or|and) (?:the )?[\w:]+)?(?= *\?))\b"
)
_SAY_AGAIN_POLITE = frozenset(
    "i'm im i am so sorry oh um uh and please can could would will you say that again "
    "mind just a bit the last part hello hi there yeah yes those these they them "
    # "wait, what was the time you said?", "sorry, can you repeat those times?"
    "wait hang hold on said times ones options for me".split()
)


# Words of asking for a message or a call back, which say nothing for the message itself
_ASKING_WORDS = frozenset(
    "hi hello hey i i'd i'm would like to want wanted need please can could someone somebody "
    "anyone you me a an the just yes yeah ok okay um uh so oh thanks thank for message leave "
    "left get have ask give pass on call back ring phone return my number is this it's".split()
)


def says_more_than_asking(lowered: str) -> bool:
    """Does a request for a message or a call back say something for the message too ("we
    need to reschedule Thursday's delivery, can someone call me back?"), not only ask ("I'd
    like to leave a message please")?"""
    rest = re.findall(r"[a-z0-9']+", _MESSAGE.sub(" ", lowered))
    return sum(word not in _ASKING_WORDS for word in rest) >= 3


# The name on a booking just made put right: what says it is wrong ("No, no, it's Don",
# "Sorry, I said Don", "..., not Jon", "with a K", "it's spelt ...", "should be") ...
_PUTS_RIGHT = re.compile(
    r"^\W*(?:no|nope|sorry|actually|wait|oops|hang on|hold on|oh|um|uh|er)\b|\bnot \w+|"
    r"\bi said\b|\bspel(?:t|led|ling|l)\b|\bwith an? [a-z]\b(?!\w)|\bshould be\b|"
    r"\bwrong name\b|\bmisspel|\bit's actually\b|\bput it under\b"
)
# ... and what says it is the name: the word "name", letters spelt out, or a word of the name
# booked ("No, no, it's Don. Don Price." for Jon Price)
_ABOUT_A_NAME = re.compile(r"\bname\b|\bwith an? [a-z]\b(?!\w)|\bspel|\b(?:[a-z][ .-]+){2,}[a-z]\b")


def corrects_the_name(lowered: str, booked_name: str) -> bool:
    """Does the turn put right the name a booking was just made under ("No, no, it's Don. Don
    Price." once told "... under the name Jon Price")? Not a farewell ("No, that's all")."""
    if not _PUTS_RIGHT.search(lowered):
        return False
    named = any(
        re.search(rf"\b{re.escape(part)}\b", lowered)
        for part in booked_name.lower().split()
        if len(part) > 1
    )
    return named or bool(_ABOUT_A_NAME.search(lowered))


def asks_to_say_again(lowered: str) -> bool:
    """Is the turn a request to hear what we said again ("Sorry?", "Pardon?", "Could you
    repeat that?", "I didn't catch the times")?"""
    if not _SAY_AGAIN.search(lowered):
        return False
    rest = re.findall(r"[a-z']+", _SAY_AGAIN.sub(" ", lowered))
    return all(word in _SAY_AGAIN_POLITE for word in rest)


_CHANGE = re.compile(
    r"\b(?:actually|instead|rather|make it|make that|change (?:it|that)|changed my mind|"
    r"move it|switch|i meant|i mean|scratch that|on second thought|wait|hold on|no,? no|"
    r"sorry,? (?:i meant|not|make)|i said|not \w+,? but|correction|oops|"
    # "Thursday at 11, sorry, 12": a bare hour after "sorry" puts the time right
    r"sorry,? (?:at )?(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"(?![\w:])|"
    # "for Thursday, no sorry, Wednesday, at 11": a weekday after "no" or "sorry" puts it right
    r"(?:, ?no|sorry),? (?:sorry,? )?(?=(?:on |for )?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)"
    r"day|tomorrow|today)\b))"
)
_CHOICE = re.compile(
    r"\b(?:the )?(first|1st|second|2nd|third|3rd|fourth|last|earlier|earliest|later|latest|"
    r"former|latter|other)(?: one| option| slot| time| of those| of them| choice)?\b"
)
_CHOICE_WORDS = {
    "first": 0, "1st": 0, "earlier": 0, "earliest": 0, "former": 0, "second": 1, "2nd": 1,
    "third": 2, "3rd": 2, "fourth": 3, "last": -1, "later": -1, "latest": -1, "latter": -1,
}  # fmt: skip
_OPTION_INDEX = {"one": 0, "1": 0, "two": 1, "2": 1, "three": 2, "3": 2, "four": 3, "4": 3}
_NOT_A_CHOICE_AFTER = re.compile(
    # "What's the latest you have?": a question about the day, not the later one offered
    r"\s*(?:you(?:'ve)? (?:have|got|can|do)\b|available\b|possible\b|"
    r"of\b|thing|name|week|month|year|visit|appointment ever|thought|"
    r"time (?:i|we|here|coming|calling)|day|floor)"
)
# "Anything later?", "something a bit earlier", "later in the day": times other than those
# offered, not the later or earlier of them.
_OTHER_TIMES = re.compile(
    r"\b(?:anything|something|any|nothing|else|a bit|a little|bit|little|much|slightly|"
    r"times?|slots?|even|still)\s+(later|earlier)\b"
    r"|\b(later|earlier) (?:in the (?:day|morning|afternoon)|on\b|than (?:that|those|them|these)|"
    r"still\b)"
)


def other_times_asked(lowered: str) -> str | None:
    """ "later" or "earlier" where the caller asks for times past those offered ("what else
    is there?": the ones after them)."""
    match = _OTHER_TIMES.search(lowered)
    if match is None:
        return "later" if _WHAT_ELSE.search(lowered) else None
    return match.group(1) or match.group(2)


# "I can't do 9, what else is there?", "any other times?"
_WHAT_ELSE = re.compile(
    r"\bwhat else (?:is there|have you got|do you have|have you|you got|is free|is available|"
    r"is open|can you do)\b|\b(?:any|some) other (?:times?|slots?)\b"
    # "Anything at all?", "Anything else?", "Any others?" to the times offered
    r"|\banything (?:else )?at all\b|\b(?:anything|any) (?:else|others?)\W*$"
)


_EITHER = re.compile(
    r"\b(?:either|whichever|any of (?:them|those)|(?:it )?doesn'?t matter|don'?t mind|"
    r"whatever(?:'s| is)? (?:works|suits|fine|easiest|best)|i'?m (?:easy|flexible)|"
    r"(?:both|any|either one) (?:is|are|would be) (?:fine|good|ok|okay))\b"
)
_DATE_NAMED = re.compile(
    r"\b(?:january|february|march|april|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b|\bmay (?:the )?\w+(?:st|nd|rd|th)\b|"
    r"\d/\d|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day|\btomorrow\b|\btoday\b"
)
_EXPLICIT_CHOICE = re.compile(
    r"\b(?:first|second|third|last|1st|2nd|3rd) (?:one|option|slot|choice)\b"
)
_ON_THE = re.compile(r"\b(?:on|for|by|until|till) the\b")
_OPTION_NUMBER = re.compile(r"\b(?:option|number|choice) (one|two|three|four|1|2|3|4)\b")
_QUESTION_START = re.compile(
    r"^\W*(?:(?:and|so|also|oh|hi|hello|hey|ok|okay|yes|yeah|um|uh|sorry|quick one|"
    r"quick question|just a quick one|one more thing|one question)[\s,]+)*"
    r"(?:what|what's|where|where's|when|when's|which|who|who's|whom|why|how|how's|"
    r"do|does|did|can|could|would|will|is|are|was|were|may|should|have|has|"
    r"i was wondering|i wonder|just wondering|wondering|i'd like to know|do you know|"
    r"i'm wondering|i am wondering|i'm just wondering|i wanted to ask|i want to ask|"
    r"i'd like to ask|i just wanted to ask|"
    r"can you tell me|could you tell me|tell me)\b",
    re.I,
)
_SMALL_TALK = re.compile(
    # "Oh, that's taken? What about 3:30 then": the caller echoing what they heard
    r"^\W*(?:(?:oh|so|ah|really|hmm|um)\W+)*(?:that's|that is|it's|it is|is it|is that|thats) "
    r"(?:\w+ )?(?:taken|booked|gone|full|busy|not free|not available|closed)\W*$|"
    r"\b(?:how are you|how's it going|how you doing|can you hear me|are you there|"
    r"(?:do|have) you (?:got |have )?(?:a (?:minute|moment|sec|second)|time) for a (?:quick )?"
    r"question|can i ask (?:you )?a (?:quick )?question|"
    r"hello\?|sorry\?|pardon|excuse me|what was that|what did you say|come again|"
    r"say (?:that|it) again|repeat (?:that|it)|could you repeat|what\?$|huh)\b"
)
_ASK_WORDS = frozenset(
    """what what's which who who's whom why how how's do does did can could would will is are
    was were may should have has i you we they it this that there the a an your you're our my
    me to of for in on at any anything some something is it's tell know wondering wonder just
    please if whether guys about and so also oh hi hello hey ok okay yes yeah um uh sorry like
    id i'd be get with from by or""".split()
)
# Nouns that say "an appointment" or something other than a service after "get a", "book a".
_NOT_A_SERVICE = frozenset(
    """appointment appointments appt booking bookings reservation reservations slot slots time
    times spot spots day date opening openings availability session one something anything
    message word note person human someone somebody anyone manager owner minute moment second
    sec refund money receipt confirmation confirmation text call callback missed reminder email
    quote
    price prices estimate idea chance hold bit deal deals discount discounts special specials
    promotion promotions offer offers coupon coupons voucher vouchers student students
    senior seniors number question answer help problem query issue concern enquiry inquiry
    cancellation cancellations waitlist
    ride table lot couple few little while look break favour favor new different earlier
    later sooner better good nice quick chair seat place room space way hand thing things
    pen paper clue sense feeling copy record name phone line transfer parking car park street
    bus train directions address location card cash payment toilet bathroom wifi gift dog
    wheelchair access ramp lift online website web internet app extra another second third
    other same usual regular proper full""".split()
)
_ARTICLE = r"(?:a|an|some|my|me a|me an|us a|us an|one|the|any|his|her|our)"
# Who a booking is for, said where a service might be ("book my mother in for ...")
_PEOPLE_WORDS = (
    r"(?:mother|mum|mom|father|dad|husband|wife|partner|brother|sister|friend|boss|grandma|"
    r"grandmother|grandpa|grandfather|grandad|nan|nana|gran|aunt|auntie|uncle|niece|nephew|"
    r"cousin|fianc\w*|girlfriend|boyfriend|hubby|missus|colleague|neighbou?r|family|mother-in-law|"
    r"father-in-law|self|myself|wife's|husband's|son|daughter|kid|child|children|boy|girl|"
    r"baby|toddler|teen|teenager|grandson|granddaughter|grandchild|grandkid|stepson|"
    r"stepdaughter)s?"
)
# What introduces a service the caller wants: the article is optional after the first group,
# required after the second ("get a manicure", not "get back to me").
_SERVICE_TRIGGER = re.compile(
    # "book my dad in for a shave" (first: "book my" alone is who, not what)
    r"\b(?:(?:book|booking|put|get|pop)\s+(?:\w+\s+){1,2}in for\s+(?:a|an|some)\s+|"
    r"(?:book(?: me| us)?(?: in)?(?: for)?|do (?:you|u|ya) (?:guys )?(?:do|offer|provide)|"
    r"(?:if|whether) (?:you|u) (?:guys )?(?:do|offer|provide)|"
    r"(?:does|do) (?:anyone|anybody|someone|he|she|they) (?:there )?do|you guys do|"
    r"(?:appointment|booking|slot|time) for|looking for|interested in|"
    r"how much (?:is|are|for|does|do|would|will)(?: it (?:be|cost) (?:for|to get))?|"
    r"price (?:of|for)|cost of|cost for|(?:can|could) you (?:do|guys do)|schedule|"
    rf"offer|offering)\s+(?:{_ARTICLE}\s+)?"
    rf"|(?:get|getting|need|want|like|have|had|do)\s+{_ARTICLE}\s+)"
)
_BARE_SERVICE = re.compile(
    r"(?:\W*(?:um|uh|oh|well|so|yeah|yes|just|only|i'd like|i want|i need|i'll have|i'll take|"
    r"can i get|could i get|maybe|probably|please|a|an|some|the|my|it's|it is|a quick|and|"
    r"what about|how about|or|do you do|you do)\b)*\W*"
)
# Answers to "which service?" that name none: "the usual", "not sure".
_NOT_A_SERVICE_ANSWER = frozenset(
    "usual same normal regular not don't dunno whatever anything nothing no yes sorry what "
    "thanks thank cheers bye goodbye okay ok never lovely great brilliant perfect cool nice grand "
    "fine good wonderful excellent alright right nope nah yep yeah yup actually um uh erm "
    "hmm well oh wait hang hold forget".split()
)
_SERVICE_STOP = frozenset(
    """on at for with this next tomorrow today tonight please and or but to in done doing
    him her them me us myself himself herself themselves
    the a an it that those these there here now then if so because about by from of up off
    out when around sometime some time later soon again too also as well maybe possibly
    appointment booking instead come coming go going get getting over via through online
    by phone""".split()
)


def _sentences(text: str) -> list[str]:
    """The sentences of a turn, and a question joined on with "and" or "also" ("Can I book a
    haircut Friday at 2, and do you take cards?") as one of its own."""
    split = re.split(
        r"(?<=[.?!])\s+|,\s*(?:and|also|oh and|and also)\s+(?=(?:do|does|is|are|will|would|can "
        r"you|could you)\b)|"
        # "How much is a kids cut and is there parking nearby?": no comma, a question of its own
        r"\s+and\s+(?:also\s+)?(?=(?:is there|are there|do you|does it|can you|could you|will "
        r"you|would you|do i|can i|could i|should i|whether|if (?:i|we|you) can)\b[^,.?!]*\?\s*$)|"
        # "... a haircut for my dad, he's 80, does he get a discount?": the question at the end
        r",\s*(?=(?:does|do) (?:he|she|they|i|we|you)\b[^,.?!]*\?\s*$)",
        text,
        flags=re.I,
    )
    return [s.strip() for s in split if s.strip()]


def find_unknown_service(lowered: str, profile: BusinessProfile, bare: bool = False) -> str | None:
    """What the caller asked for after "book a", "can I get a", "do you do" ..., when it is
    none of the profile's services: "a manicure" -> "manicure". ``bare``: "which service?" was
    just asked, so the whole answer may be the service ("Manicure, please.")."""
    starts = [m.end() for m in _SERVICE_TRIGGER.finditer(lowered)]
    if bare:
        starts.append(_BARE_SERVICE.match(lowered).end())  # type: ignore[union-attr]
    for start in starts:
        found = _service_words(lowered[start:], profile, bare)
        if found:
            return found
    return None


def _service_words(rest: str, profile: BusinessProfile, bare: bool) -> str | None:
    _, service_words = profile_words(profile)
    staff = staff_words(profile) | {m.role.lower() for m in profile.staff}
    words: list[str] = []
    tokens = re.findall(r"[a-z][a-z'\-]*|\S", rest)
    for word in tokens[:3]:
        if not word[0].isalpha():
            break
        if word in _SERVICE_STOP or word in _NOT_A_SERVICE or word in staff or _is_when(word):
            break
        words.append(word)
    if not words or words[0] in _ASK_WORDS or words[0] in _NOT_A_SERVICE_ANSWER:
        return None
    if re.fullmatch(_PEOPLE_WORDS, words[0]):
        return None  # "book my mother in": who it is for (it was "we don't offer mother")
    if bare and len(tokens) > len(words) + 2:
        return None  # a sentence, not the name of a service
    head = words[-1]
    if head in service_words or head.rstrip("s") in service_words:
        return None  # "my hair done": the business does hair
    if any(_is_name_like(w) for w in words):
        return None
    return " ".join(words)


_WHEN_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays
    thursdays fridays saturdays sundays january february march april june july august september
    october november december morning afternoon evening night noon midday week weekend one two
    three four five six seven eight nine ten eleven twelve oclock o'clock am pm earliest latest
    first last next soon asap""".split()
)


def _is_when(word: str) -> bool:
    return word in _WHEN_WORDS


def _is_name_like(word: str) -> bool:
    return is_first_name(word) and len(word) > 3 and not word.endswith(("ing", "ure", "ment"))


_AS_EARLY_AS = re.compile(
    r"\b(?:as )?(early|soon|late)(?:ly)? as (?:possible|poss|you can|you've got|you have|"
    r"there is|you do)\b"
)


def _choice(lowered: str, expecting: str | None) -> int | None:
    """Which of the offered slots: an index into them (0 the first, -1 the last)."""
    offered = expecting == "choose_slot"
    if offered and _WONT_SUIT.search(lowered):
        # "Neither of those works, I'll try later", "I can't do either of those": no choice,
        # unless another is named outright ("that doesn't work, the second one?").
        match = _EXPLICIT_CHOICE.search(_WONT_SUIT.sub(" ", lowered))
        return _CHOICE_WORDS[match.group(0).split()[0]] if match else None
    if offered and _EITHER.search(lowered):
        return 0  # "either is fine": the first offered
    as_can = _AS_EARLY_AS.search(lowered) if offered else None
    if as_can is not None:
        # "Early as possible" to the times offered: the first (it offered them again)
        return -1 if as_can.group(1) == "late" else 0
    match = _OPTION_NUMBER.search(lowered)
    if match:
        return _OPTION_INDEX[match.group(1)]
    for match in _CHOICE.finditer(lowered):
        word, whole = match.group(1), match.group(0)
        if word == "other" or _NOT_A_CHOICE_AFTER.match(lowered, match.end()):
            continue
        pointed = whole.endswith(("one", "option", "slot", "choice"))  # "the second one"
        if word in ("earliest", "latest"):
            if offered:
                return _CHOICE_WORDS[word]
        elif word in ("earlier", "later"):
            if other_times_asked(lowered) and not pointed:
                continue  # "anything later in the day?": other times, not the later one
            if offered or pointed or whole.endswith("time"):
                return _CHOICE_WORDS[word]
        elif offered or pointed or whole.startswith("the"):
            return _CHOICE_WORDS[word]
    return None


def _asks_other(
    sentences: list[str], profile: BusinessProfile, handled: tuple[re.Pattern[str], ...]
) -> str | None:
    """The topic of a question the profile can't answer: "do you have parking?" -> "parking"."""
    from receptionist.dialog.about_the_call import asks_if_we_are  # it reads this module

    for sentence in sentences:
        lowered = sentence.lower()
        if not (sentence.endswith("?") or _QUESTION_START.search(sentence)):
            continue
        if asks_if_we_are(lowered, profile.name):
            continue  # "Is that the hairdresser's? I was wondering ...": yes, and the request
        if _SMALL_TALK.search(lowered):
            continue
        if any(p.search(lowered) for p in handled) and not _PREPARING.search(lowered):
            continue
        if matching.find_services(sentence, profile) or matching.find_staff(sentence, profile):
            continue
        if find_day(lowered, date(2000, 1, 3)) or read_clock(lowered)[0] or find_phone(sentence):
            continue

        if week_part(lowered):
            continue  # "And on a weekday?": when (the hours, or a booking's days)
        if _ABOUT_THEN.search(lowered):
            continue  # "Ten-ish?" to the times offered: a time
        if find_name(sentence) or find_unknown_service(lowered, profile):
            continue
        words = [w for w in re.findall(r"[a-z][a-z'\-]*", lowered) if w not in _ASK_WORDS]
        words = [w for w in words if w not in _QUIET]
        if find_window(lowered) and all(w in _PART_OF_DAY for w in words):
            continue  # "Like, late afternoon?": a part of the day, said as a time
        if words:
            return " ".join(words[:6])
    return None


_PART_OF_DAY = frozenset(
    "late early mid midday noon afternoon afternoons morning mornings evening evenings lunch "
    "lunchtime ish first last thing sometime".split()
)


# "I need to book a haircut but I use a wheelchair, is that OK?": whether something told of is
# all right, which the profile can't say (a time asked "is that OK?" is checked, not this)
_IS_THAT_OK = re.compile(
    r",\s*(?:is|will|would) (?:that|it|this) (?:be )?(?:ok|okay|alright|all right|a problem|an "
    r"issue|possible|fine)\s*\?\s*$",
    re.I,
)


def _whether_all_right(said: str, profile: BusinessProfile) -> str | None:
    for sentence in _sentences(said):
        asked = _IS_THAT_OK.search(sentence)
        if asked is None:
            continue
        told = re.split(r",|\bbut\b|\bthough\b", sentence[: asked.start()])[-1].strip()
        lowered = told.lower()
        if not told or matching.find_services(told, profile) or find_day(lowered, date(2000, 1, 3)):
            continue
        if read_clock(lowered)[0] or find_window(lowered) or re.search(r"\d", told):
            continue
        return told
    return None


# How to come to a visit: "Do I need to come in with clean hair?", "Should I bring anything?"
# (a question we can't answer, not a booking, for all its "come in")
_PREPARING = re.compile(
    r"\b(?:do|will|would|should|must) (?:i|we|he|she|they) (?:need to |have to )?"
    r"(?:come in |come |arrive |turn up )?(?:with|early|bring|wash|wear|prepare|do anything)\b"
)
_ABOUT_THEN = re.compile(
    r"\b(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon)[\s-]?ish\b"
)
_QUIET = frozenset(
    "right okay ok fine good correct alright true possible really there back that's thats "
    "it's its if".split()
)
# What the dialog answers itself: a question saying any of these is no "other" question.
_HANDLED = (
    _BOOK, _CANCEL, _MOVE, _MESSAGE, _PERSON, _ROBOT, _STATUS, _PRICE, _HOURS, _DURATION,
    re.compile(r"\b(?:earliest|latest|available|free|open|opening|openings|spell|name|number)\b"),
    re.compile(r"\bweek (?:after|later)\b"),  # "what about the week after?" (conversation)
)  # fmt: skip


# A visit that has happened: "I got a haircut yesterday and ...", "I had a colour last week".
_PAST_VISIT = re.compile(
    r"(?:\b(?:i|we|my \w+|he|she)(?: just)? (?:got|had|came in for|came in|was in|were in|"
    r"was there|went)|"
    # "the colour Sarah did last week", "the cut Marco gave me yesterday"
    r"\b(?:the|my|his|her|our) (?:\w+ ){1,2}?(?:she|he|they|\w+) (?:did|gave (?:me|him|her|us)))"
    r"\b[^.?!]{0,40}?\b(?:yesterday|last (?:week|time|month|night|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)|the other day|earlier today|this morning|"
    r"(?:a|two|three|a few|couple of) (?:days|weeks) ago|on (?:mon|tues|wednes|thurs|fri|satur|"
    r"sun)day (?:and|but))\b|"
    r"\b(?:yesterday|last week|the other day)\b[^.?!]{0,30}?\b(?:i|we) (?:got|had|came)\b|"
    r"\byou (?:cut|coloured|colored|dyed|did|gave|charged|burned|burnt)\b|"
    # "Your stylist cut my ear!", "she burnt my scalp" (not "can she cut my hair?")
    r"(?<!can )(?<!could )(?<!would )(?<!will )\b(?:stylist|barber|hairdresser|colou?rist|she|he)"
    r" (?:cut|nicked|burned|burnt|dyed|coloured|colored|messed up|ruined) (?:my|his|her|our)\b"
)


def about_a_past_visit(u: Understanding) -> bool:
    """Does the caller speak of a visit that has happened ("I got a haircut yesterday and I'm
    not happy") and ask for no new booking or anything else we do?"""
    lowered = u.text.lower()
    visit = _PAST_VISIT.search(lowered)
    if visit is None:
        return False
    # "she came in last month ... Friday?": a day said besides the visit's asks for one; the
    # visit's own ("I came in on Saturday and ...") does not
    rest = lowered[: visit.start()] + " " + lowered[visit.end() :]
    when_said = bool(find_day(rest, date(2000, 1, 3)) or read_clock(rest)[0])
    return (
        not ((u.days or u.time or u.window or u.day) and when_said)
        and set(u.intents) <= {"book"}
        and not _BOOK.search(lowered)
        and not _BOOK_AGAIN.search(lowered)
    )


def about_a_booking_held(u: Understanding) -> bool:
    """Does the caller speak of a booking they already have ("I booked in for Friday", "I've
    got an appointment on Thursday") and ask for nothing we do with one: no cancel, move,
    status or message, no service and no new booking ("book another")?"""
    lowered = u.text.lower()
    if _SOMEONE_ELSE_INSTEAD.search(lowered) and set(u.intents) <= {"book"}:
        # "I booked a haircut for Friday but my husband will come instead"
        return bool(_HOLDS.search(lowered) or _HOLDS_ONE.search(lowered))
    return (
        bool(_HOLDS.search(lowered))
        and set(u.intents) <= {"book"}
        and not u.services
        and not _BOOK_AGAIN.search(lowered)
    )


def cancels(lowered: str) -> bool:
    """Says a booking is off ("cancel", "I can't make it")."""
    return bool(_CANCEL.search(lowered))


@dataclass(frozen=True)
class Wants:
    """What the caller asked for in one turn."""

    intents: tuple[str, ...]
    unknown_service: str | None = None
    asks_price: bool = False
    asks_hours: bool = False
    asks_duration: bool = False
    asks_other: str | None = None
    policy: bool = False  # asks how the business works ("walk-ins?"): no request in it
    price_of_held: bool = False  # "how much will my appointment cost?": its price, looked up


def asks_for_staff(lowered: str, member: StaffMember, profile: BusinessProfile) -> bool:
    """Does a booking request ask for this staff member to do it ("a haircut with Marco",
    "can Marco do my colour", "with the owner"), not only name them ("Marco recommended
    you", "not with Marco")?"""
    who = staff_patterns(profile).get(member.name) or re.escape(member.name.lower())
    if member.role:
        who += rf"|the {re.escape(member.role.lower())}"
    if re.search(rf"\b(?:not|n't|never|rather not|anyone but|anybody but)\b[\w\s']{{0,12}}?"
                 rf"\b(?:with |by )?(?:{who})\b", lowered):  # fmt: skip
        return False
    # "I was in a couple of weeks ago with Marco": a visit told of, not one asked for
    past = re.search(rf"\b(?:was|were|came|had|went|saw|been|last time)\b[^,.;!?]{{0,40}}?"
                     rf"\b(?:with|by|from|see)\s+(?:{who})\b", lowered)  # fmt: skip
    if past is not None:
        lowered = lowered[: past.start()] + lowered[past.end() :]
    return bool(
        # "I was in with Marco last time, can I book with him again?"
        re.search(r"\b(?:with|have|see|get) (?:him|her|them) again\b", lowered)
        or re.search(rf"\b(?:with|by|see|from)\s+(?:{who})\b", lowered)
        or re.search(
            rf"\b(?:can|could|would|will|is|does)\s+(?:{who})\s+(?:do|fit|see|take|"
            rf"be free|be available|free|available|have)\b",
            lowered,
        )  # fmt: skip
        # "I was wondering if Sarah could fit me in"
        or re.search(
            rf"\b(?:if|whether) (?:{who}) (?:could|can|would|might) (?:do|fit|see|take|"
            rf"squeeze)\b",
            lowered,
        )  # fmt: skip
        # "my usual lady is Sarah", "I always see Marco", "Sarah usually does my hair"
        or re.search(
            rf"\bmy (?:usual|regular|normal) (?:\w+ )?(?:is|was) (?:{who})\b|"
            rf"\b(?:i|we) (?:usually|always|normally|tend to) (?:see|have|get|go to|"
            rf"book with) (?:{who})\b|\b(?:{who}) (?:usually|always|normally) "
            rf"(?:does|cuts|colou?rs|sees)\b",
            lowered,
        )  # fmt: skip
        # "a fade, if Marco's free Saturday?", "if Marco is around"
        or re.search(
            rf"\b(?:if|when|whether)\s+(?:{who})(?:'s| is)\s+(?:next\s+)?(?:free|available|"
            rf"around|in|working|about)\b",
            lowered,
        )  # fmt: skip
    )


def changes_booking_details(lowered: str) -> bool:
    """ "Change the phone number on my booking", "add a note to my appointment": a detail of
    a booking held, which the front desk changes from a message."""
    return bool(_BOOKING_DETAILS.search(lowered))


_FOR_THE_DESK = re.compile(r"\b" + _FOR_THE_DESK_WORDS)


def for_the_front_desk(lowered: str) -> bool:
    """A call back still waited for, something left or found at the salon: a message for the
    front desk in the caller's words (no one of the staff to ask for)."""
    return bool(_FOR_THE_DESK.search(lowered))


_WAITLIST = re.compile(r"\b" + _WAITLIST_WORDS + r"\b")


# "add a beard trim to my appointment", "I've got a haircut on Friday, can I add a colour?"
_ADD_ON = re.compile(
    r"\b(?:add|adding|tack on|throw in|also (?:get|have|book|do))\b|"
    # "... could I bring my son along and get him a cut too"
    r"\b(?:get|have|book|do) (?:him|her|them|my \w+|our \w+) (?:a |an )?[\w' ]{2,20}?"
    r"\b(?:too|as well|also)\b|"
    # "I have a haircut on Friday but I'd like to make it a colour as well"
    r"\bmake it an? [\w ]{2,25}?\b(?:as well|too|also)\b|"
    # "... can my son come with me and get his done too?"
    r"\b(?:get|have) (?:his|hers|theirs|his hair|her hair|their hair) (?:done|cut|trimmed)"
    r" (?:too|as well|also|at the same time)\b"
)
_HELD = re.compile(
    r"\b(?:my|our) (?:\w+ )?(?:appointment|booking|reservation|haircut|cut|colou?r|trim|one)\b|"
    r"\b(?:i've got|i have|i've|i got|we've got|we have) (?:an? |my )?(?:\w+ ){0,2}?(?:booked|"
    r"(?:on|for) (?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|today)\b|"
    # "I'm booked for a haircut on Friday, could I add a colour as well?"
    r"\b(?:i'm|i am|we're|we are) (?:already )?(?:booked|booked in|down|in) (?:for|on|at|"
    r"(?=(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|today))\b|"
    # "So I booked a haircut for Friday, but can my son ...?"
    r"\b(?:i|we) (?:already )?(?:booked|made) (?:a|an|my|our) (?:\w+ )?\w+ (?:for|on)\b"
)


def adds_to_a_booking_held(lowered: str) -> bool:
    """A service asked to go with a booking the caller holds ("add a beard trim to my Friday
    appointment"): booked when that one ends."""
    return bool(_ADD_ON.search(lowered) and _HELD.search(lowered))


def services_added(
    text: str, services: tuple[str, ...], profile: BusinessProfile
) -> tuple[str, ...]:
    """Of the services a request to add one names, those to add: the ones said after the word
    that adds ("I'm booked for a haircut on Friday, could I add a colour?": the colour); none
    where no service is said before it."""
    lowered = text.lower()
    add = _ADD_ON.search(lowered)
    said = _HELD.search(lowered[: add.start()]) if add else None
    if add is None or said is None:
        return ()
    # the service of the booking held is said with it ("booked for a haircut", "my haircut")
    words = text[said.start() : min(add.start(), said.end() + 25)]
    held = {found.name for found in matching.find_services(words, profile)}
    rest = tuple(name for name in services if name not in held)
    return rest if held and rest else ()


_REBOOK_LATER = re.compile(
    r"\b(?:i'?ll|i will|i'm going to|i'll just|we'll) (?:re-?book|book (?:again|another|a new one)|"
    r"make (?:another|a new) (?:one|booking|appointment))(?: (?:it|one))?\b[^.?!]{0,12}?"
    r"\b(?:another time|later|some other time|another day|when|once|next week|next month|"
    r"in the new year|myself|online)\b|"
    # "no, I'll call back to rebook"
    r"\b(?:i'?ll|i will|we'll|i can) (?:call|ring|phone|get back to)(?: you)?(?: (?:back|again))?"
    r"(?: later| another time)? (?:to|and) (?:re-?book|book|make)\b"
)


_CANCELLED_BEFORE = re.compile(
    r"\b(?:i|we|he|she) (?:had to cancel|cancell?ed|have cancell?ed|'ve cancell?ed)\b[^.?!]{0,30}?"
    r"\b(?:last (?:week|time|month)|yesterday|earlier|before|the other day|ago)\b"
)


def rebooks_later(lowered: str) -> bool:
    """ "No, I'll rebook another time": a booking the caller will make later, not a move now."""
    return bool(_REBOOK_LATER.search(lowered))


def asks_something_of_staff(lowered: str, profile: BusinessProfile, what: str = r"\w+") -> bool:
    """ "I need a prescription refill from Dr. Patel": something (``what``, a pattern, when
    known) asked of a staff member, which is no service: a message for them."""
    who = "|".join(map(re.escape, staff_words(profile)))
    return bool(re.search(rf"\b{what}\b[^.?!]*?\bfrom (?:{who})\b", lowered))


def asks_for_waitlist(lowered: str) -> bool:
    """A place on the waiting list asked for: a message for the front desk in the caller's
    words (no calendar here keeps one)."""
    return bool(_WAITLIST.search(lowered))


def asks_staff_for_held(lowered: str, profile: BusinessProfile) -> bool:
    """ "Can I have Marco for my Friday appointment instead?": who does a booking held, which
    the front desk changes from a message (the booking's words say what it becomes)."""
    match = _STAFF_FOR_HELD.search(lowered)
    return bool(match and match.group(1) in staff_words(profile))


def says_the_new_details(lowered: str) -> bool:
    """Does a request to change a booking's details say what they become ("... to 555 867
    5309", "... that I have sensitive skin"), not only which detail?"""
    match = _BOOKING_DETAILS.search(lowered)
    if match is None:
        return False
    rest = re.findall(r"[a-z0-9']+", lowered[: match.start()] + " " + lowered[match.end() :])
    return sum(word not in _ASKING_WORDS for word in rest) >= 2 or bool(re.search(r"\d", lowered))


def another_service(lowered: str) -> bool:
    """Asks for a service in place of one held ("a colour instead"), when one is named."""
    return bool(_ANOTHER_SERVICE.search(lowered))


def changes_mind(lowered: str) -> tuple[bool, bool]:
    """(a correction, a move of an existing booking): either says an old value first."""
    return bool(_CHANGE.search(lowered)), bool(_MOVE.search(lowered))


def read_wants(
    said: str,
    lowered: str,
    profile: BusinessProfile,
    services: tuple[str, ...],
    staff: bool,
    expecting: str | None = None,
) -> Wants:
    """The intents of a turn, in a stable order, and the questions it asks. While a message is
    being taken its words are the message: only a wish for a person (or the question whether
    the agent is one) still counts as an intent."""
    lowered = staff_as_one_word(lowered, profile)  # "is dr patel in": "is patel in"
    lowered = services_as_bookings(lowered, profile)  # "my cleaning": "my cleaning appointment"
    # "I've got a haircut on Friday, can I make it a bit later?": a booking held, then changed.
    holds = _HOLDS.search(lowered) or _HOLDS_ONE.search(lowered)
    changes = (
        _CHANGE_IT.search(lowered)
        or _ANOTHER_WHEN.search(lowered)
        or (services and _ANOTHER_SERVICE.search(lowered))
    )
    move = bool(_MOVE.search(lowered) or (holds and changes))
    if rebooks_later(lowered):
        move = False  # "I'll rebook another time": not now
    explicit_cancel = bool(_EXPLICIT_CANCEL.search(lowered))
    cancel = bool(_CANCEL.search(lowered)) and (explicit_cancel or not move)
    if cancel and not explicit_cancel and _ANOTHER_TIME.search(lowered):
        cancel, move = False, True  # "I can't make it Thursday, can we do Friday instead?"
    if _SOMEONE_ELSE_INSTEAD.search(lowered):
        cancel = move = False  # "can my wife have it instead?": the booking's name, not its time
    cancelled_before = bool(_CANCELLED_BEFORE.search(lowered))
    if cancelled_before:
        # "I had to cancel last week and wanted to rebook": that one is gone, a new booking
        cancel = move = False
    if cancel and _AND_BOOK.search(lowered):
        cancel, move = False, True  # "cancel my appointment and book a new one for next week"
    if (
        expecting in _OFFERED_WHEN
        and (cancel or move)
        and not (explicit_cancel or _MOVE.search(lowered) or holds)
    ):
        # "I can't make it Friday, how about Saturday?" to the times offered: no booking held
        # is cancelled or moved; the caller turns those down (it went to a person, as a
        # booking not found).
        cancel = move = False
    status = bool(
        _STATUS.search(lowered)
        or (holds and _ASKS_ABOUT_IT.search(lowered))
        # "I've got a cleaning Thursday, is it with Maria?" (no "on" before the day)
        or (services and _GOT_ONE_A_DAY.search(lowered) and _ASKS_ABOUT_IT.search(lowered))
        or (services and _WHEN_IS_MY.search(lowered))
    )
    # "I'm calling about my appointment on Friday, I'd like to add a beard trim": a booking
    # (after the one held), not only a question of the one held
    adds = bool(services) and adds_to_a_booking_held(lowered)
    status = status and not adds
    details = changes_booking_details(lowered)
    details = details or asks_staff_for_held(lowered, profile)
    message = bool(_MESSAGE.search(lowered) or _JUST_A_MESSAGE.search(lowered) or details)
    if message and cancel and _AND_CANCEL_IT.search(lowered):
        message = False  # "let Marco know I can't make it Friday and cancel it for me": ours
    robot = bool(_ROBOT.search(lowered))
    person = bool(
        _PERSON.search(lowered)
        or _PERSON_ALONE.match(lowered)
        or (staff and _TALK_TO.search(lowered))
        # "Hi, Sarah?", "Marco, please.": a staff member's name alone asks for them
        or (
            staff
            and expecting in (None, "anything_else", "offer_help")
            and bool(_STAFF_NAME_ALONE.match(lowered))
        )
    )
    if robot and not _ASKS_FOR.search(lowered):
        person = False  # "am I talking to a real person?" asks what the agent is
    unknown = (
        find_unknown_service(lowered, profile, expecting == "service") if not services else None
    )
    book_words = bool(_BOOK.search(lowered)) and not _PREPARING.search(lowered)
    if unknown and staff and asks_something_of_staff(lowered, profile, re.escape(unknown)):
        # "I need a prescription refill from Dr. Patel": something from a person, no service
        # ("we don't offer prescription refill"): a message for them
        unknown, message = None, True
    service_question = bool(_SERVICE_QUESTION.search(lowered)) and bool(services or unknown)
    # "name's Jon Price", "It's Price, P R I C E": a surname is no question about prices.
    asks_price = bool(_PRICE.search(_SURNAME_PRICE.sub(" ", said).lower()))
    asks_duration = bool(_DURATION.search(lowered))
    asks_hours = bool(_HOURS.search(_HOURS_AWAY.sub(" ", lowered))) and not (
        book_words and not _PLAIN_HOURS.search(lowered)
    )
    price_of_held = bool(
        asks_price
        and not (services or unknown or cancel or move or message or person or robot)
        and _PRICE_OF_HELD.search(lowered)
    )
    if price_of_held:
        # "How much will my appointment on Friday cost?": the booking held is looked up, and
        # its price said with it (it was the price list and "What would you like to book?")
        status, asks_price = True, False
    busy = cancel or move or status or message
    wants = book_words or (
        bool(services or unknown) and not (asks_price or service_question or asks_duration)
    )
    # "I'd like a colour on Saturday, how long does it take?": asked for, then a question
    wants = wants or bool(services and _LIKE_ONE.search(lowered))
    book = wants and (not busy or (bool(_BOOK_AGAIN.search(lowered)) and not (move or status)))
    book = book or (adds and not (cancel or move or message))
    book = book or (cancelled_before and bool(re.search(r"\bre-?book", lowered)))
    book = book and not details
    asks_other = None if robot or person else _asks_other(_sentences(said), profile, _HANDLED)
    if unknown and asks_other and unknown in asks_other:
        asks_other = None  # "What about keratin treatments?" asked which service: that one
    if asks_other is None and book:
        asks_other = _whether_all_right(said, profile)
    if (
        book
        and holds
        and asks_other
        and not (book_words or changes or adds or _LIKE_ONE.search(lowered))
    ):
        # "I was booked in for a colour today but I can't find your address, where are you?":
        # the booking held is told of, and the question is what is asked (it offered colours)
        book = False
    about = _QUESTION_ABOUT.search(lowered)
    if about and asks_other is None and not (busy or book or robot or person or services):
        asks_other = about.group(1).strip()  # "I have a question about my bill"
    policy = (
        _POLICY.search(lowered)
        or (
            # "Is Marco in today?", "Is Sarah working tomorrow?": the profile has no rota
            _STAFF_IN.search(lowered) if staff and not (book_words or services) else None
        )
        or (_WHO_IS_IN.search(lowered) if not (book_words or services) else None)
    )
    if policy and not (robot or person or message):
        book = cancel = move = status = asks_price = False
        hours = _HOURS.search(lowered)
        if hours is not None and policy.start() <= hours.start() < policy.end():
            asks_hours = False  # "How early do I need to be there?": no question of the hours
        unknown, asks_other = None, policy.group(0)
    rota = _ROTA_ASKED.search(lowered) if staff and book and not (policy or asks_other) else None
    if rota is None and staff and asks_price and not (book or policy or asks_other):
        # "how much a men's cut is, and if Marco's in Saturday?": the price, and the rota
        # passed on (it was dropped)
        rota = _STAFF_IN.search(lowered)
    if rota is not None:
        # "I'd like to book with Marco, what days does he work?": the booking goes on, and the
        # rota, which the profile doesn't hold, is a question passed on (it was dropped)
        asks_other = rota.group(0)
    question = (
        asks_price
        or asks_hours
        or asks_duration
        or bool(asks_other)
        or (service_question and not book_words)
    )
    if (
        expecting in (None, "anything_else", "offer_help")
        and not (book or cancel or move or status or message or person or robot or question)
        and _FROM_ELSEWHERE.search(lowered)
    ):
        # "I'm calling from Dr. Smith's office about a referral", "This is Jim from the bank":
        # another business on the line, nothing to book or look up: a message for the desk
        message = True
    flags = (("book", book and not busy), ("cancel", cancel), ("move", move),
             ("status", status), ("message", message), ("book", book), ("robot", robot),
             ("person", person), ("question", question))  # fmt: skip
    intents = tuple(dict.fromkeys(name for name, on in flags if on))
    if expecting == "message_text":
        intents = tuple(i for i in intents if i in ("person", "robot"))
    return Wants(
        intents=intents,
        unknown_service=unknown,
        asks_price=asks_price,
        asks_hours=asks_hours,
        asks_duration=asks_duration,
        asks_other=asks_other,
        policy=bool(policy and not (robot or person or message)),
        price_of_held=price_of_held,
    )


@dataclass(frozen=True)
class Answer:
    """How the turn answers a question: yes, no, goodbye, a change of mind."""

    yes: bool = False
    no: bool = False
    goodbye: bool = False
    correction: bool = False


# Where something was put to the caller to take or leave: there, "that doesn't work" is a no.
# Asked "anything else?", it is what comes next ("that doesn't work for me, can I do Friday?").
_OFFERED = frozenset(
    {"choose_slot", "confirm", "confirm_cancel", "confirm_move", "next_booking", "offer_help"}
)


def read_answer(
    text: str, lowered: str, asked_for_something: bool, changed: bool, expecting: str | None
) -> Answer:
    """``text``: the words before fillers were dropped ("uh-huh" is a yes)."""
    raw = text.lower().replace("\u2019", "'")
    yes = bool(_YES.search(lowered) or _YES.search(raw)) or bool(
        _YES_SHORT.search(lowered) and not asked_for_something
    )
    no = bool(_NO.search(lowered) or (expecting in _OFFERED and _WONT_SUIT.search(lowered)))
    if (
        expecting in ("choose_slot", "confirm")
        and _ANY_OFFERED.search(lowered)
        and not _NEGATED.search(lowered)  # "I can't do either of those"
    ):
        yes, no = True, False
    if expecting in _OFFERED and _YES_MISHEARD.match(lowered):
        return Answer(yes=True, no=False, goodbye=False, correction=False)
    read_back = expecting in ("confirm", "confirm_cancel", "confirm_move")
    if read_back and _THATS_IT.match(lowered):
        # "Just to check: ... Is that right?" "That's it.": right, not "that's all"
        return Answer(yes=True, no=False, goodbye=False, correction=False)
    return Answer(
        yes=yes and not no,  # "No, that's fine": the first word decides
        no=no,
        goodbye=says_goodbye(lowered),
        correction=bool(_CHANGE.search(lowered) or (no and changed and _STARTS_NO.match(lowered))),
    )


# A whole "yes" or "yep" to a yes-or-no question, as tiny.en writes it from voices not ours on
# the line: "US, please.", "Yet." Only there, and only as the whole turn.
# "You ask." for "Yes." (flite awb, four times in the heard files).
_YES_MISHEARD = re.compile(r"^\W*(?:us|yet|you ask|yes ask)\W*(?:(?:please|thanks|thank you)\W*)?$")
_THATS_IT = re.compile(r"^\W*(?:yes,? |yeah,? |yep,? )?(?:that's it|that is it|that's the one)\W*$")


def read_choice(
    lowered: str, expecting: str | None, day: date | None
) -> tuple[int | None, date | None]:
    """A choice among offered slots, and the day, once "the second" is read as one or the other."""
    choice = _choice(lowered, expecting)
    if choice is None or day is None:
        return choice, day
    if _EXPLICIT_CHOICE.search(lowered):  # "the second one"
        return choice, day if _DATE_NAMED.search(lowered) else None
    if expecting == "day" or _ON_THE.search(lowered) or _DATE_NAMED.search(lowered):
        return None, day  # "on the second", "Thursday the 3rd"
    return choice, None
