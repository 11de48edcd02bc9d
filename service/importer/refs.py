"""The acts a document names, gathered from every citation in it: one ActRef per act, however many times
and in whichever language it is cited. Two citations name one act when type and date agree, numbers agree
where both give one, and titles agree where both give one in the same language."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.domain.adilet.model import ActRequisites, Citation
from service.importer.model import SELF, ActRef, Lines, merge_lines
from service.importer.naming import same_number, same_title


@dataclass
class _Group:
    key: int
    act_type: str
    adopted_on: object
    number: str | None = None
    issuer: str | None = None
    issuer_name: str | None = None
    titles: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    lines: Lines = ()
    issuer_names: dict[str, str] = field(default_factory=dict)

    def accepts(self, c: Citation, language: str) -> bool:
        if c.act_type != self.act_type or c.date != self.adopted_on:
            return False
        if c.number and self.number and not same_number(c.number, self.number):
            return False
        title = self.titles.get(language)
        return not (c.title and title and not same_title(c.title, title))

    def add(self, c: Citation, language: str, line: int) -> None:
        self.number = self.number or c.number
        self.issuer = self.issuer or c.issuer
        self.issuer_name = self.issuer_name or c.issuer_name
        if c.title:
            self.titles.setdefault(language, c.title)
        if c.text:
            self.words.setdefault(language, c.text)
        if c.issuer_name:
            self.issuer_names.setdefault(language, c.issuer_name)
        self.lines = merge_lines(self.lines, ((language, line, line),))

    def freeze(self) -> ActRef:
        return ActRef(self.key, self.act_type, self.adopted_on, self.number, self.issuer,  # type: ignore[arg-type]
                      self.issuer_name, tuple(self.titles.items()), tuple(self.words.items()), self.lines,
                      tuple(self.issuer_names.items()))


class ActRefs:
    """Collects citations; `key_of` answers which ActRef a citation names (None: not an act we can place)."""

    def __init__(self, act: ActRequisites) -> None:
        self._groups: list[_Group] = []
        self._own = _Group(SELF, act.act_type or "", act.adopted_on, act.number, act.issuer, act.issuer_name,
                           dict(act.titles))

    def key_of(self, c: Citation | None, language: str, line: int) -> int | None:
        if c is None or c.act_type is None or c.date is None:
            return None
        if self._own.act_type and self._own.accepts(c, language) and (
                c.number is None or self._own.number is not None):
            return SELF
        for group in self._groups:
            if group.accepts(c, language):
                group.add(c, language, line)
                return group.key
        group = _Group(len(self._groups) + 1, c.act_type, c.date)
        group.add(c, language, line)
        self._groups.append(group)
        return group.key

    def cited(self) -> tuple[ActRef, ...]:
        return tuple(g.freeze() for g in self._groups)
