"""The lean path keeps one rendering per interval of an act's answer days (service/api/answers.py
`text_answer_days`) and answers every day of the interval from it. Property: for random facts, editions,
text changes and days, the answer so made on a day is byte for byte the one rendered for that day itself
(the slow path: status, edition, nearest editions and units chosen for the day)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from service.api.answers import ActState, text_answer_days, text_body
from service.api.lean import Asked, chosen, interval
from service.api.reader import CachedAct, Reader
from service.api.rendered import Rendered, body_of, rendered, respond
from service.domain.model import Act, Edition, EntryIntoForce, Unit
from service.domain.status import Reason, StatusCode, StatusFacts, UnitPending
from tests.domain.test_status import status_facts

ACT = "01HZX4Q5J8M2V7N3K9P6R1T0WB"
FIRST, LAST = date(2009, 12, 1), date(2013, 1, 31)
DAY = st.dates(min_value=date(2010, 1, 1), max_value=date(2012, 12, 31))
LANGS = ("ru", "kk")


@st.composite
def pending(draw: st.DrawFn) -> tuple[UnitPending, ...]:
    units = []
    for i in range(draw(st.integers(0, 2))):
        since, until = draw(st.none() | DAY), draw(st.none() | DAY)
        if since is not None and until is not None and until < since:
            since, until = until, since
        code = draw(st.sampled_from([StatusCode.NOT_YET_IN_FORCE, StatusCode.SUSPENDED]))
        units.append(UnitPending(f"art_{i}", f"art_{i}", code, since, until, Reason(note=f"unit {i}")))
    return tuple(units)


@st.composite
def cached_acts(draw: st.DrawFn) -> CachedAct:
    facts = draw(status_facts(DAY))
    facts = StatusFacts(facts.commencement, facts.terminations, facts.suspensions, facts.partial_units,
                        draw(pending()))
    languages = tuple(draw(st.lists(st.sampled_from(LANGS), min_size=1, max_size=2, unique=True)))
    act = Act(ACT, "kz", "law", "1", None, None, {"ru": "Закон"}, languages, None, None, EntryIntoForce(), None,
              None)
    starts = sorted(set(draw(st.lists(DAY, max_size=4))))
    editions = [Edition(ACT, start, (f"source-{i}",), tuple(draw(st.lists(st.sampled_from(LANGS), min_size=1,
                                                                         max_size=2, unique=True))),
                        draw(st.sampled_from(["full", "partial"])), recorded_seq=i + 1)
                for i, start in enumerate(starts)]
    state = ActState(act, facts, editions)
    # A language's text changes on some of the days its editions start, and on days of its own (amendments
    # of units between editions).
    change_days = {lang: tuple(sorted({*(e.valid_from for e in editions if lang in e.languages
                                         and draw(st.booleans())), *draw(st.lists(DAY, max_size=2))}))
                   for lang in LANGS}
    answer_days = {lang: text_answer_days(state, change_days[lang]) for lang in state.known_languages}
    return CachedAct(state, change_days, answer_days)


def units_since(lang: str, since: date) -> list[Unit]:
    """The units of `lang` whose text last changed on `since`: one text per change."""
    text = f"{lang} from {since}"
    return [Unit("art_1", "art_1", "article", "1", None, text, True, str(hash(text)))]


def slow(entry: CachedAct, asked: Asked, seq: int) -> tuple[Rendered, bytes]:
    """The answer rendered for the asked day itself: status, edition and units chosen for that day."""
    c = chosen(asked, entry)
    since = None if c.at is None else Reader.text_since(entry, c.lang, c.at)
    units = [] if since is None else units_since(c.lang, since)
    return rendered(asked.fmt, text_body(entry.state, day=c.day, lang=c.lang, status=c.status,
                                         edition=c.edition, units=units), seq)


@settings(max_examples=400)
@given(entry=cached_acts(), first=st.dates(min_value=FIRST, max_value=LAST), offsets=st.lists(
    st.integers(-400, 400), min_size=1, max_size=6), fmt=st.sampled_from(["json", "text"]), lang_of=st.integers(0, 1),
    seq=st.integers(1, 10**6))
def test_every_day_of_an_interval_is_answered_as_the_day_itself(
    entry: CachedAct, first: date, offsets: list[int], fmt: str, lang_of: int, seq: int,
) -> None:
    known = entry.state.known_languages
    lang = known[lang_of % len(known)]
    asked = Asked(ACT, first, lang, fmt)
    key = interval(asked, entry)[2]
    kept = slow(entry, asked, seq)[0]
    for day in (first + timedelta(days=n) for n in offsets):
        other = Asked(ACT, day, lang, fmt)
        if interval(other, entry)[2] != key:
            continue
        own, body = slow(entry, other, seq)
        assert body_of(kept, ACT, day, seq) == body, (first, day)
        # With the headers kept with it (plain text: X-Lextime-Status and the ETag), as a 200 and a 304.
        assert respond(kept, body, seq, None) == respond(own, body, seq, None)
        etag = dict(respond(own, body, seq, None)[1])[b"etag"].decode()
        assert respond(kept, body, seq, etag) == respond(own, body, seq, etag)


@settings(max_examples=60)
@given(entry=cached_acts())
def test_answer_days_hold_every_day_on_which_the_answer_changes(entry: CachedAct) -> None:
    """The converse, checked day by day over the whole range: where the slow answer differs from the day
    before, an interval starts."""
    for lang in entry.state.known_languages:
        starts = set(entry.answer_days[lang])
        day, previous = FIRST, None
        while day <= LAST:
            body = slow(entry, Asked(ACT, day, lang, "json"), 1)[1]
            middle = body[body.index(b'"lang"'):]
            if previous is not None and middle != previous:
                assert day in starts, (lang, day)
            day, previous = day + timedelta(days=1), middle
