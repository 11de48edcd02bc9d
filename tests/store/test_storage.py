"""What migration 0010 changed in storage: ledger payloads large enough to be compressed are compressed with lz4
and read back exactly as recorded (the chain verifies over them)."""

from __future__ import annotations

from service.domain.ledger import verify_chain
from service.store.db import create_pool
from service.store.ledger import entry_from_row, record


def _payload(i: int, words: int) -> dict[str, object]:
    title = " ".join(f"слово{i}-{k}" for k in range(words))
    return {"act": {"id": f"01JSTORAGE{i:04d}".ljust(26, "0"), "jurisdiction": "kz", "type": "decree",
                    "number": str(i), "adopted_on": "2020-01-01", "issuing_body": None, "titles": {"ru": title},
                    "languages": ["ru"], "publication": {"date": None, "source": None},
                    "entry_into_force": {"date": None, "rule": None, "earliest": None}, "expires_on": None,
                    "akn_uri": None, "external_ids": []}}


async def test_large_payloads_are_stored_lz4_compressed_and_read_back_exactly(database: str) -> None:
    pool = await create_pool(database, min_size=1, max_size=2)
    try:
        written = [await record(pool, actor="t", operation="create_act", payload=_payload(i, words))
                   for i, words in enumerate((3, 400, 2000))]
        stored = await pool.fetch("SELECT seq, pg_column_compression(payload) AS method, "
                                  "pg_column_size(payload) AS size, octet_length(payload::text) AS raw "
                                  "FROM ledger ORDER BY seq")
        rows = await pool.fetch("SELECT * FROM ledger ORDER BY seq")
        # lz4 where the server has it (Debian's PostgreSQL does); a server built without it keeps pglz.
        column = await pool.fetchval("SELECT attcompression FROM pg_attribute "
                                     "WHERE attrelid = 'ledger'::regclass AND attname = 'payload'")
        has_lz4 = await pool.fetchval("SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                                      "WHERE name = 'default_toast_compression'")
    finally:
        await pool.close()
    method = "lz4" if has_lz4 else "pglz"
    assert column == (b"l" if has_lz4 else b"\x00")
    assert [r["method"] for r in stored] == [None, method, method]  # under the 2 kB threshold nothing is
    assert all(r["size"] < r["raw"] / 2 for r in stored[1:])
    entries = [entry_from_row(r) for r in rows]
    assert [e.payload for e in entries] == [w.payload for w in written]
    assert verify_chain(entries) is None
