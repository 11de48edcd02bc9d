"""Documents the Adilet parser tests write themselves: a small structure model, its rendering into the
three layouts (plain-text export, web page, Markdown) in Kazakh and Russian, the structure the parser
must read back, and hypothesis strategies generating such documents."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from hypothesis import strategies as st

from service.domain.adilet.dates import format_date

NBSP_INDENT = "\u00a0" * 5 + " "
PREFIX = {"part": "part", "chapter": "chp", "subchapter": "subchp", "article": "art", "point": "point",
          "subpoint": "subpoint", "annex": "att"}
HEADING_WORDS = {
    "ru": {"part": "Раздел", "chapter": "Глава", "subchapter": "Параграф", "article": "Статья"},
    "kk": {"part": "бөлім", "chapter": "тарау", "subchapter": "параграф", "article": "бап"},
}

RU_WORDS = (
    "обеспечение", "развитие", "государственного", "органа", "реализации", "мероприятий", "деятельности",
    "Ассамблеи", "народа", "Казахстана", "в", "и", "по", "для", "порядка", "исполнения", "решений",
    "организации", "контроля", "формирование", "политики", "согласия", "единства", "местных", "органов",
)
KK_WORDS = (
    "қамтамасыз", "ету", "мемлекеттік", "органдардың", "іске", "асыру", "және", "бойынша", "жөніндегі",
    "қызметін", "дамыту", "Ассамблеясының", "халқы", "келісім", "бірлікті", "нығайту", "үшін", "осы",
    "жергілікті", "атқарушы", "саясатты", "қалыптастыру", "тәртібі", "бақылау", "шешімдерін",
)


@dataclass
class U:
    """One unit of a document to render: kind, number, heading, own text, children, a footnote after it."""

    kind: str
    num: str | None = None
    heading: str | None = None
    text: str | None = None
    children: list[U] = field(default_factory=list)
    footnote: str | None = None


@dataclass
class Act:
    act_type: str
    date: dt.date
    number: str


@dataclass
class Doc:
    """One language block: title, details (optional), act-level footnotes, body units, annexes."""

    language: str
    title: str
    act: Act
    with_details: bool = True
    repealed_by: Act | None = None
    act_footnotes: list[str] = field(default_factory=list)
    preamble: str | None = None
    body: list[U] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)
    annexes: list[tuple[str, list[U]]] = field(default_factory=list)  # (heading, units)


# -- requisites -------------------------------------------------------------------------------------------

def details_line(act: Act, language: str) -> str:
    d_ru, d_kk = format_date(act.date, "ru_long"), format_date(act.date, "kk_long")
    n = act.number
    return {
        ("ru", "decree"): f"Указ Президента Республики Казахстан от {d_ru} № {n}",
        ("kk", "decree"): f"Қазақстан Республикасы Президентінің {d_kk} № {n} Жарлығы",
        ("ru", "law"): f"Закон Республики Казахстан от {d_ru} № {n}",
        ("kk", "law"): f"Қазақстан Республикасының {d_kk} № {n} Заңы",
        ("ru", "code"): f"Кодекс Республики Казахстан от {d_ru} № {n}",
        ("kk", "code"): f"Қазақстан Республикасының {d_kk} № {n} Кодексі",
        ("ru", "constitutional_law"): f"Конституционный закон Республики Казахстан от {d_ru} № {n}",
        ("kk", "constitutional_law"): f"Қазақстан Республикасының {d_kk} № {n} Конституциялық заңы",
        ("ru", "resolution"): f"Постановление Правительства Республики Казахстан от {d_ru} № {n}",
        ("kk", "resolution"): f"Қазақстан Республикасы Үкіметінің {d_kk} № {n} қаулысы",
        ("ru", "normative_resolution"): f"Нормативное постановление Верховного Суда Республики Казахстан от {d_ru} № {n}",
        ("kk", "normative_resolution"): f"Қазақстан Республикасы Жоғарғы Сотының {d_kk} № {n} нормативтік қаулысы",
        ("ru", "order"): f"Приказ Министра юстиции Республики Казахстан от {d_ru} № {n}. Зарегистрирован в "
                         f"Министерстве юстиции Республики Казахстан {format_date(act.date + dt.timedelta(days=9), 'ru_long')} № 13160",
        ("kk", "order"): f"Қазақстан Республикасы Әділет министрінің {d_kk} № {n} бұйрығы. Қазақстан Республикасының "
                         f"Әділет министрлігінде {format_date(act.date + dt.timedelta(days=9), 'kk_long')} № 13160 болып тіркелді",
    }[(language, act.act_type)]


def repealed_words(by: Act, language: str) -> str:
    if language == "ru":
        return f"Утратил силу указом Президента Республики Казахстан от {format_date(by.date, 'ru_long')} № {by.number}."
    return f"Күші жойылды - Қазақстан Республикасы Президентінің {format_date(by.date, 'kk_long')} № {by.number} Жарлығымен"


def full_details(doc: Doc) -> str:
    line = details_line(doc.act, doc.language) + "."
    return f"{line} {repealed_words(doc.repealed_by, doc.language)}" if doc.repealed_by else line


def stamp_lines(act: Act, language: str) -> list[str]:
    if language == "ru":
        return ["УТВЕРЖДЕНА", "Указом Президента", "Республики Казахстан",
                f"от {format_date(act.date, 'ru_long')} № {act.number}"]
    return ["Қазақстан Республикасы", "Президентінің", format_date(act.date, "kk_long"),
            f"№ {act.number} Жарлығымен", "БЕКІТІЛГЕН"]


def signature_lines(language: str) -> list[str]:
    if language == "ru":
        return ["Президент", "Республики Казахстан", "Н. НАЗАРБАЕВ"]
    return ["Қазақстан Республикасының", "Президенті", "Н.Назарбаев"]


# -- rendering ----------------------------------------------------------------------------------------------

def heading_line(unit: U, language: str) -> str:
    word = HEADING_WORDS[language][unit.kind]
    title = f" {unit.heading}" if unit.heading else ""
    if language == "ru":
        return f"{word} {unit.num}.{title}"
    return f"{unit.num}-{word}.{title}"


def unit_line(unit: U, language: str) -> tuple[str, bool]:
    """(the unit's first line, whether it is a heading)."""
    if unit.kind in HEADING_WORDS["ru"]:
        return heading_line(unit, language), True
    if unit.kind == "point":
        return f"{unit.num}. {unit.text}", False
    if unit.kind == "subpoint":
        return f"{unit.num}) {unit.text}", False
    return unit.text or "", False


def _walk(units: list[U], language: str) -> list[tuple[str, str]]:
    """Lines of units in reading order: ("heading" | "body" | "footnote", text)."""
    out: list[tuple[str, str]] = []
    for unit in units:
        line, is_heading = unit_line(unit, language)
        out.append(("heading" if is_heading else "body", line))
        if unit.kind == "article" and unit.text:
            out.append(("body", unit.text))
        if unit.footnote:
            out.append(("footnote", unit.footnote))
        out += _walk(unit.children, language)
    return out


def _sections(doc: Doc) -> list[tuple[str, list[str]]]:
    """The document as blocks: (role, lines) with roles title, details, footnote, heading, body, stamp,
    annex_heading, signature."""
    blocks: list[tuple[str, list[str]]] = [("title", [doc.title])]
    if doc.with_details:
        blocks.append(("details", [full_details(doc)]))
    blocks += [("footnote", [f]) for f in doc.act_footnotes]
    if doc.preamble:
        blocks.append(("body", [doc.preamble]))
    blocks += [(role, [text]) for role, text in _walk(doc.body, doc.language)]
    if doc.signature:
        blocks.append(("signature", doc.signature))
    for heading, units in doc.annexes:
        blocks.append(("stamp", stamp_lines(doc.act, doc.language)))
        blocks.append(("annex_heading", [heading]))
        blocks += [(role, [text]) for role, text in _walk(units, doc.language)]
    return blocks


def render_text(docs: list[Doc], *, crlf: bool = False, final_newline: bool = False) -> str:
    out: list[str] = []
    for doc in docs:
        for role, lines in _sections(doc):
            indent = NBSP_INDENT if role in ("body", "footnote") else ("\u00a0 " if role == "stamp" else "")
            out.append("\n".join(indent + line if i == 0 else line for i, line in enumerate(lines)))
            out.append("")
    text = "\n".join(out).rstrip("\n") + ("\n" if final_newline else "")
    return text.replace("\n", "\r\n") if crlf else text


def _html_block(role: str, lines: list[str]) -> str:
    body = "<br>".join(html.escape(line, quote=False) for line in lines)
    if role == "title":
        return f"<h1>{body}</h1>"
    if role == "details":
        return f'<div class="document-details"><p>{body}</p></div>'
    if role == "heading":
        return f"<p><b>{body}</b></p>"
    if role == "footnote":
        return f'<p class="note">&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; <i>{body}</i></p>'
    return f"<p>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; {body}</p>"


def render_html(docs: list[Doc], *, badge: str | None = None, table: bool = False) -> str:
    parts = ["<!DOCTYPE html>", "<html><head><title>Әділет</title><script>var x = '<p>no</p>';</script></head>",
             "<body><nav><a href='/'>Басты бет</a></nav>"]
    for doc in docs:
        sections = _sections(doc)
        head = [s for s in sections if s[0] in ("title", "details")]
        rest = [s for s in sections if s[0] not in ("title", "details")]
        parts += [_html_block(role, lines) for role, lines in head]
        if badge:
            parts.append(f'<span class="status-badge">{html.escape(badge)}</span>')
        parts.append("<article>")
        parts += ["\n".join([_html_block(role, lines)]) for role, lines in rest]
        if table:
            parts.append("<table><tr><th>Р/с №</th><th>Атауы</th><th>Ескерту</th></tr>"
                         "<tr><td>1</td><td>Кесте жолы</td><td>Ескерту. Күші жойылды – ҚР 01.02.2020 № 5 Заңымен.</td></tr>"
                         "</table>")
        parts.append("</article>")
    parts.append("<footer>© Әділет</footer></body></html>")
    return "\n".join(parts)


def _md_block(role: str, lines: list[str], footnote_style: str) -> str:
    if role == "title":
        return f"# {lines[0]}"
    if role == "heading":
        return f"## {lines[0]}"
    if role == "footnote":
        text = lines[0]
        return {"quote": f"> {text}", "italic": f"*{text}*", "plain": text}[footnote_style]
    if role in ("stamp", "signature"):
        return "  \n".join(lines)
    if role == "body" and lines[0][:1].isdigit() and ". " in lines[0][:6]:
        num, rest = lines[0].split(". ", 1)
        return f"{num}\\. {rest}"
    return "\n".join(lines)


def render_markdown(docs: list[Doc], *, footnote_style: str = "quote") -> str:
    out: list[str] = []
    for doc in docs:
        out += [_md_block(role, lines, footnote_style) for role, lines in _sections(doc)]
    return "\n\n".join(out) + "\n"


# -- what the parser must read back --------------------------------------------------------------------------

@dataclass(frozen=True)
class Expected:
    eid: str
    kind: str
    num: str | None
    heading: str | None
    text: str | None
    parent: str | None


def _expected_units(units: list[U], parent: str | None, out: list[Expected], footnotes: list[tuple[str | None, str]]) -> None:
    paragraphs = 0
    for unit in units:
        if unit.kind == "paragraph":
            paragraphs += 1
            local = f"para_{paragraphs}"
        else:
            local = f"{PREFIX[unit.kind]}_{unit.num}"
        eid = local if parent is None else f"{parent}__{local}"
        text = unit.text if unit.kind not in ("part", "chapter", "subchapter") else None
        out.append(Expected(eid, unit.kind, unit.num, unit.heading, text, parent))
        if unit.footnote:
            footnotes.append((eid, unit.footnote))
        _expected_units(unit.children, eid, out, footnotes)


def expected(doc: Doc) -> tuple[list[Expected], list[tuple[str | None, str]]]:
    units: list[Expected] = []
    footnotes: list[tuple[str | None, str]] = [(None, f) for f in doc.act_footnotes]
    if doc.preamble:
        units.append(Expected("preamble", "preamble", None, None, doc.preamble, None))
    _expected_units(doc.body, None, units, footnotes)
    if doc.signature:
        units.append(Expected("signature", "signature", None, None, "\n".join(doc.signature), None))
    for i, (heading, annex_units) in enumerate(doc.annexes, start=1):
        eid = f"att_{i}"
        units.append(Expected(eid, "annex", str(i), heading, "\n".join(stamp_lines(doc.act, doc.language)), None))
        _expected_units(annex_units, eid, units, footnotes)
    return units, footnotes


def units_of(parsed_units: tuple[object, ...]) -> list[Expected]:
    return [Expected(u.eid, u.kind, u.num, u.heading, u.text, u.parent) for u in parsed_units]  # type: ignore[attr-defined]


# -- hypothesis strategies -----------------------------------------------------------------------------------

def sentence(language: str, end: str = ".") -> st.SearchStrategy[str]:
    pool = RU_WORDS if language == "ru" else KK_WORDS
    return st.lists(st.sampled_from(pool), min_size=3, max_size=9).map(
        lambda words: " ".join(words)[:1].upper() + " ".join(words)[1:] + end)


def title_words(language: str) -> st.SearchStrategy[str]:
    pool = [w for w in (RU_WORDS if language == "ru" else KK_WORDS) if len(w) > 3]
    return st.lists(st.sampled_from(pool), min_size=2, max_size=5).map(
        lambda words: " ".join(words)[:1].upper() + " ".join(words)[1:])


def numbers(max_count: int) -> st.SearchStrategy[list[str]]:
    """Sequential numbering with occasional inserted numbers ("3", "3-1", "4")."""
    def build(flags: list[bool]) -> list[str]:
        result: list[str] = []
        n = 0
        for inserted in flags:
            if inserted and n > 0 and not result[-1].count("-"):
                result.append(f"{n}-1")
            else:
                n += 1
                result.append(str(n))
        return result
    return st.lists(st.booleans(), min_size=1, max_size=max_count).map(build)


@st.composite
def subpoints(draw: st.DrawFn, language: str) -> list[U]:
    return [U("subpoint", num, text=draw(sentence(language, ";"))) for num in draw(numbers(4))]


@st.composite
def points(draw: st.DrawFn, language: str) -> list[U]:
    result = []
    for num in draw(numbers(5)):
        children = draw(subpoints(language)) if draw(st.booleans()) else []
        text = draw(sentence(language, ":" if children else "."))
        result.append(U("point", num, text=text, children=children))
    return result


@st.composite
def chapters(draw: st.DrawFn, language: str) -> list[U]:
    result = []
    for num in draw(numbers(3)):
        heading = draw(title_words(language))
        if draw(st.booleans()):
            paragraph_units = []
            for _ in range(draw(st.integers(1, 3))):
                children = draw(subpoints(language)) if draw(st.booleans()) else []
                paragraph_units.append(U("paragraph", text=draw(sentence(language, ":" if children else ".")),
                                         children=children))
            children_units = paragraph_units
        else:
            children_units = draw(points(language))
        result.append(U("chapter", num, heading=heading, children=children_units))
    return result


ACT_TYPES = ("decree", "law", "code", "constitutional_law", "resolution", "normative_resolution", "order")


@st.composite
def documents(draw: st.DrawFn, language: str) -> Doc:
    """A document of one language: details line, optional preamble, points or chapters, an annex."""
    act = Act(draw(st.sampled_from(ACT_TYPES)), draw(st.dates(dt.date(1995, 1, 1), dt.date(2030, 12, 31))),
              str(draw(st.integers(1, 2000))))
    body = draw(chapters(language)) if draw(st.booleans()) else draw(points(language))
    doc = Doc(language, draw(title_words(language)), act)
    doc.preamble = draw(st.one_of(st.none(), sentence(language, ":")))
    doc.body = body
    if draw(st.booleans()):
        doc.signature = signature_lines(language)
    if draw(st.booleans()):
        doc.annexes = [(draw(title_words(language)), draw(chapters(language)))]
    return doc


def _mirror_units(units: list[U], language: str, draw: st.DrawFn) -> list[U]:
    mirrored = []
    for unit in units:
        end = (unit.text or ".")[-1]
        text = draw(sentence(language, end)) if unit.text is not None else None
        heading = draw(title_words(language)) if unit.heading is not None else None
        mirrored.append(U(unit.kind, unit.num, heading, text, _mirror_units(unit.children, language, draw)))
    return mirrored


@st.composite
def bilingual(draw: st.DrawFn) -> tuple[Doc, Doc]:
    """A Kazakh document and its Russian twin: the same structure and requisites, Kazakh first."""
    kk = draw(documents("kk"))
    ru = Doc("ru", draw(title_words("ru")), kk.act)
    ru.preamble = draw(sentence("ru", ":")) if kk.preamble else None
    ru.body = _mirror_units(kk.body, "ru", draw)
    ru.signature = signature_lines("ru") if kk.signature else []
    ru.annexes = [(draw(title_words("ru")), _mirror_units(units, "ru", draw)) for _, units in kk.annexes]
    return kk, ru


FOOTNOTE_NAMES = {
    "ru": {"point": "Пункт {n}", "subpoint": "Подпункт {n})", "chapter": "Глава {n}", "article": "Статья {n}"},
    "kk": {"point": "{n}-тармақ", "subpoint": "{n}) тармақша", "chapter": "{n}-тарау", "article": "{n}-бап"},
}
FOOTNOTE_TEMPLATES = {
    "ru": {
        "new_edition": "Сноска. {unit} в редакции Указа Президента РК от {d} № {n}.",
        "amend": "Сноска. {unit} с изменениями, внесенными Указом Президента РК от {d} № {n}.",
        "exclude": "Сноска. {unit} исключен Указом Президента РК от {d} № {n}.",
        "repeal_unit": "Сноска. {unit} утратил силу Указом Президента РК от {d} № {n}.",
    },
    "kk": {
        "new_edition": "Ескерту. {unit} жаңа редакцияда - ҚР Президентінің {d} № {n} Жарлығымен.",
        "amend": "Ескерту. {unit} өзгерістер енгізілді - ҚР Президентінің {d} № {n} Жарлығымен.",
        "exclude": "Ескерту. {unit} алып тасталды - ҚР Президентінің {d} № {n} Жарлығымен.",
        "repeal_unit": "Ескерту. {unit} күші жойылды - ҚР Президентінің {d} № {n} Жарлығымен.",
    },
}


def footnote_for(unit: U, language: str, kind: str, day: dt.date, number: int) -> str:
    name = FOOTNOTE_NAMES[language].get(unit.kind, "").format(n=unit.num)
    template = FOOTNOTE_TEMPLATES[language][kind]
    return template.format(unit=name or "Абзац", d=format_date(day, "numeric"), n=number)


@st.composite
def annotated(draw: st.DrawFn, language: str) -> Doc:
    """A document with footnotes under some of its units and, sometimes, under its title."""
    doc = draw(documents(language))
    stack = list(doc.body) + [u for _, units in doc.annexes for u in units]
    while stack:
        unit = stack.pop()
        stack += unit.children
        if draw(st.integers(0, 3)) == 0:
            kind = draw(st.sampled_from(["new_edition", "amend", "exclude", "repeal_unit"]))
            day = draw(st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)))
            unit.footnote = footnote_for(unit, language, kind, day, draw(st.integers(1, 999)))
    if draw(st.booleans()):
        day = format_date(draw(st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1))), "numeric")
        doc.act_footnotes = [f"Сноска. Утратил силу Указом Президента РК от {day} № 77." if language == "ru"
                             else f"Ескерту. Күші жойылды – ҚР Президентінің {day} № 77 Жарлығымен."]
    return doc
