"""Coverage-guided fuzzing of the Adilet parser (atheris, libFuzzer): every input must be imported or
refused with an AdiletParseError, never crash, never hang.

    pip install -e '.[fuzz]'
    python -m tests.fuzz.adilet [--strict] [--seconds 60] [--corpus DIR] [libFuzzer flags …]

The seeds are the Adilet documents in ../shared/data/adilet (when there) in the three layouts. A crash is
saved by libFuzzer as crash-<sha1> in the current folder; replay it with `python -m tests.fuzz.adilet FILE`.
With --strict, a refusal that only wraps an internal error ("unreadable document (IndexError: …)") counts
as a crash too: it is not the clear error the importer owes its user.
"""

from __future__ import annotations

import argparse
import html
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SHARED = REPO.parent / "shared" / "data" / "adilet"
# The first byte of an input picks the name the document comes with (the parser reads the layout from it).
FILENAMES = (None, "document.txt", "document.html", "document.md", "document")
INTERNAL = "unreadable document ("

outcomes: Counter[str] = Counter()


class InternalRefusal(Exception):
    """A refusal that wraps an internal error rather than naming what is wrong with the document."""


def check_one(data: bytes, *, strict: bool = False) -> str:
    """Parse one fuzzed input; returns "imported" or "refused", raises on anything else."""
    from service.domain.adilet import AdiletParseError, parse_document

    filename = FILENAMES[data[0] % len(FILENAMES)] if data else None
    try:
        parse_document(data[1:], filename=filename)
    except AdiletParseError as refusal:
        if INTERNAL in str(refusal):
            outcomes["refused (internal error)"] += 1
            if strict:
                raise InternalRefusal(str(refusal)) from refusal
        else:
            outcomes["refused"] += 1
        return "refused"
    outcomes["imported"] += 1
    return "imported"


def seeds() -> list[bytes]:
    """The shared Adilet documents as plain text, as a web page and as Markdown, each with its name byte."""
    found: list[bytes] = [b"\x01", b"\x02<html><body><p>\xd0\xa3\xd0\x9a\xd0\x90\xd0\x97</p></body></html>"]
    for path in sorted(SHARED.glob("*.txt")) if SHARED.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        page = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines()) + "</body></html>"
        found += [bytes([1]) + text.encode(), bytes([2]) + page.encode(), bytes([3]) + text.encode(),
                  bytes([0]) + text.encode("utf-16")]
    return found


def _record(counts_file: Path | None) -> None:
    if counts_file is not None and sum(outcomes.values()) % 50 == 1:
        counts_file.write_text(json.dumps(outcomes))


def _summary(code: int, counts_file: Path) -> str:
    counts = json.loads(counts_file.read_text()) if counts_file.exists() else {}
    parts = ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "none counted"
    verdict = "no crash, no hang" if code == 0 else f"a FINDING (libFuzzer exit {code}): see crash-*/timeout-* above"
    return f"adilet fuzz: about {sum(counts.values())} inputs ({parts}); {verdict}."


def _arguments(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fuzz.adilet",
        description="Coverage-guided fuzzing of the Adilet parser: every input is imported or refused with "
        "an AdiletParseError; a crash or a hang is a finding. Other arguments go to libFuzzer (e.g. "
        "-runs=100000, or a crash file to replay).",
    )
    parser.add_argument("--seconds", type=int, default=60, help="how long to fuzz (default: 60)")
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take (default: 10)")
    parser.add_argument("--corpus", type=Path, help="folder of the corpus, kept between runs (default: a "
                        "temporary one, seeded from ../shared/data/adilet)")
    parser.add_argument("--strict", action="store_true",
                        help="count refusals that wrap an internal error as crashes")
    parser.add_argument("--counts-file", type=Path, help=argparse.SUPPRESS)  # the fuzzing child's tally
    return parser.parse_known_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Fuzz in a child process (libFuzzer ends its process without Python's clean-up), then sum up."""
    raw = sys.argv[1:] if argv is None else argv
    args, _ = _arguments(raw)
    if args.counts_file is not None:
        _fuzz(args, _arguments(raw)[1])
        return 0
    with tempfile.TemporaryDirectory(prefix="lextime-adilet-fuzz-") as work:
        counts_file = Path(work) / "counts.json"
        corpus = [] if args.corpus else ["--corpus", str(Path(work) / "corpus")]  # a corpus of the run's own
        code = subprocess.run([sys.executable, "-m", "tests.fuzz.adilet", *raw, *corpus, "--counts-file",
                               str(counts_file)], cwd=Path.cwd(), check=False).returncode
        print(_summary(code, counts_file), file=sys.stderr)
    return code


def _fuzz(args: argparse.Namespace, libfuzzer: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["service.domain.adilet"]):
        import service.domain.adilet  # noqa: F401 - instrumented for coverage

    replay = [a for a in libfuzzer if not a.startswith("-")]
    if not replay:
        corpus: Path = args.corpus
        corpus.mkdir(parents=True, exist_ok=True)
        for i, seed in enumerate(seeds()):
            (corpus / f"seed-{i}").write_bytes(seed)
        libfuzzer = [f"-max_total_time={args.seconds}", *libfuzzer, str(corpus)]

    def one(data: bytes) -> None:
        check_one(data, strict=args.strict)
        _record(args.counts_file)

    atheris.Setup([sys.argv[0], f"-timeout={args.timeout}", "-rss_limit_mb=2048", *libfuzzer], one)
    atheris.Fuzz()


if __name__ == "__main__":
    sys.exit(main())
