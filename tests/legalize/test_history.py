"""The per-file grouping rule (no git, no database): versions, corrections, same-day dates, removals,
checked (hypothesis) against a plain re-statement of the issue's rule over whole histories."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from service.legalize.commits import CommitType, format_message, parse_message
from service.legalize.history import Change, FileHistory, LegalDate, Removed, Walk

KINDS = [*CommitType, None]


def change(n: int, kind: CommitType | None, day: date | None, removed: bool = False, path: str = "pe/L.md") -> Change:
    text = format_message(kind, "L", source_date=day) if kind else f"untyped {n}\n\nSource-Date: {day}\n"
    return Change(f"{n:040x}", path, parse_message(text), removed=removed)


def test_the_rule_on_the_sample_shapes() -> None:
    d93, d18, d26 = date(1993, 12, 30), date(2018, 1, 1), date(2026, 5, 19)
    h = FileHistory("pe/O-R-153-2018.md")
    assert h.add(change(1, CommitType.BOOTSTRAP, d26)) == []
    assert h.add(change(2, CommitType.CORRECTION, d18)) == []  # corrects the date of the open version
    assert h.add(change(3, CommitType.CORRECTION, d18)) == []
    [done] = h.finish()
    assert isinstance(done, LegalDate) and done.date == d18 and done.text_commit == f"{3:040x}"
    assert [c.sha for c in done.versions[0].changes] == [f"{n:040x}" for n in (1, 2, 3)]

    h = FileHistory("pe/CON-1993.md")
    events = [e for n, (k, d) in enumerate([(CommitType.BOOTSTRAP, d93), (CommitType.REFORM, date(2024, 12, 11)),
                                            (CommitType.REFORM, date(2024, 12, 11))]) for e in h.add(change(n, k, d))]
    assert [e.date for e in events if isinstance(e, LegalDate)] == [d93]  # the reform's date is not final yet
    [same_day] = h.finish()
    assert isinstance(same_day, LegalDate) and len(same_day.versions) == 2 and same_day.text_commit == f"{2:040x}"

    h = FileHistory("pe/DLEG-1669-2030.md")
    h.add(change(1, CommitType.BOOTSTRAP, date(2030, 12, 31)))
    [gone] = h.add(change(2, CommitType.CORRECTION, date(2024, 9, 28), removed=True))
    assert isinstance(gone, Removed) and [v.date for v in gone.dropped] == [date(2030, 12, 31)]
    assert h.finish() == []


def _reference(steps: list[tuple[CommitType | None, date | None, bool]]) -> list[list[tuple[date | None, int]]]:
    """The rule restated on a whole history at once: per stretch between removals, the versions (date, text
    commit), consecutive equal dates merged."""
    stretches: list[list[tuple[date | None, int]]] = [[]]
    for n, (kind, day, removed) in enumerate(steps):
        if removed:
            stretches.append([])
            continue
        versions = stretches[-1]
        if kind is not None and kind.opens_version or not versions:
            versions.append((day, n))
        else:
            versions[-1] = (day, n)
    merged = []
    for versions in stretches:
        out: list[tuple[date | None, int]] = []
        for day, n in versions:
            if out and out[-1][0] == day:
                out[-1] = (day, n)
            else:
                out.append((day, n))
        merged.append(out)
    return merged


steps = st.lists(st.tuples(st.sampled_from(KINDS),
                           st.sampled_from([None, date(2000, 1, 1), date(2001, 1, 1), date(2002, 1, 1)]),
                           st.sampled_from([False, False, False, True])), max_size=25)


@given(steps)
def test_the_walk_is_the_rule(history: list[tuple[CommitType | None, date | None, bool]]) -> None:
    walk = Walk()
    events = [e for n, (k, d, r) in enumerate(history) for e in walk.add(change(n, k, d, r))] + walk.finish()
    got: list[list[tuple[date | None, int]]] = [[]]
    for e in events:
        if isinstance(e, Removed):
            dropped: list[tuple[date | None, int]] = []
            for v in e.dropped:
                point = (v.date, int(v.last.sha, 16))
                if dropped and dropped[-1][0] == v.date:
                    dropped[-1] = point
                else:
                    dropped.append(point)
            got[-1] += dropped
            got.append([])
        else:
            got[-1].append((e.date, int(e.text_commit, 16)))
    assert got == _reference(history)
    assert walk.files == {}


def test_files_are_independent() -> None:
    walk = Walk()
    walk.add(change(1, CommitType.NEW, date(2000, 1, 1), path="pe/A.md"))
    walk.add(change(2, CommitType.NEW, date(2000, 1, 1), path="pe/B.md"))
    assert walk.add(change(3, CommitType.CORRECTION, date(2000, 2, 2), path="pe/A.md")) == []
    done = walk.finish()
    assert [(e.path, e.date) for e in done if isinstance(e, LegalDate)] == [("pe/A.md", date(2000, 2, 2)),
                                                                          ("pe/B.md", date(2000, 1, 1))]
