"""What must happen before numpy and Whoosh are first imported: a cold `hatsugen search` is
mostly imports, and two of them start work that search never uses.

- numpy's OpenBLAS starts a thread pool as it loads (10 ms of a 65 ms import here, and a
  spinning thread per process). hatsugen does no linear algebra, so one thread is enough,
  unless the environment already chose (`OPENBLAS_NUM_THREADS` set before hatsugen runs).
- `whoosh.compat` imports `urllib.request` (http.client, ssl, email: 15–20 ms) only to name
  `urlretrieve`, which Whoosh never calls. It is imported here against a stand-in that
  imports the real function if anything ever calls it.
"""

from __future__ import annotations

import os
import sys
import types
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def _import_whoosh_compat() -> None:
    if "whoosh.compat" in sys.modules or "urllib.request" in sys.modules:
        return
    stand_in = types.ModuleType("urllib.request")
    stand_in.urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    sys.modules["urllib.request"] = stand_in
    try:
        import whoosh.compat  # noqa: F401
    finally:
        # Only whoosh.compat saw it: the next `import urllib.request` loads the real module.
        if sys.modules.get("urllib.request") is stand_in:
            del sys.modules["urllib.request"]


_import_whoosh_compat()
