"""A serving worker's garbage collector is settled once the app is built (service/app.py
`settle_collector`): start-up objects frozen, the young generation's threshold raised. Checked in a fresh
interpreter, as uvicorn's worker builds it, so the test process's own collector is left alone."""

from __future__ import annotations

import os
import subprocess
import sys

from service.app import GC_THRESHOLDS


def test_the_worker_factory_settles_the_collector() -> None:
    probe = ("import gc; from service.app import app_from_env; app_from_env(); "
             "print(gc.get_threshold(), gc.get_freeze_count())")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60,
                          env={**os.environ, "DATABASE_URL": "postgresql://lextime@127.0.0.1:1/unused", "LEXTIME_LOG_LEVEL": "warning"})
    thresholds, frozen = done.stdout.strip().rsplit(" ", 1)
    assert thresholds == str(GC_THRESHOLDS)
    assert int(frozen) > 10_000, "the modules and the app built at start-up are frozen"
