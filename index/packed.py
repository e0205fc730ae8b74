"""A posting block's values packed into two byte strings, as the index stores them.

Whoosh pickles a block's values (a word's positions in each statement) as a tuple with one
bytes object per posting: reading a common word's positions made 100,000 objects, only for
numpy to join them again. The writer (writer.py) pickles them as PackedValues: the values
joined, and their lengths. Unpickling makes two objects; arrays.py decodes both with numpy;
Whoosh's matchers index it like the tuple (`values[i]`), which is all they do with it.
The class's name is part of the index format: it must stay importable as it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

LENGTH = np.dtype("<u4")


class PackedValues(Sequence[bytes]):
    """A block's values: `joined` end to end, each one's length in `lengths` (<u4)."""

    __slots__ = ("_ends", "joined", "lengths")

    def __init__(self, joined: bytes, lengths: bytes) -> None:
        self.joined = joined
        self.lengths = lengths
        self._ends: list[int] | None = None

    @classmethod
    def of(cls, values: Sequence[bytes]) -> PackedValues:
        return cls(b"".join(values), np.fromiter(map(len, values), LENGTH, len(values)).tobytes())

    def lengths_array(self) -> np.ndarray:
        return np.frombuffer(self.lengths, LENGTH)

    def __reduce__(self) -> tuple[Any, tuple[bytes, bytes]]:
        return (PackedValues, (self.joined, self.lengths))

    def __len__(self) -> int:
        return len(self.lengths) // LENGTH.itemsize

    def _bounds(self) -> list[int]:
        if self._ends is None:
            self._ends = [0, *np.cumsum(self.lengths_array(), dtype=np.int64).tolist()]
        return self._ends

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        ends = self._bounds()
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("value index out of range")
        return self.joined[ends[i] : ends[i + 1]]

    def __iter__(self) -> Iterator[bytes]:
        ends = self._bounds()
        joined = self.joined
        return (joined[a:b] for a, b in pairwise(ends))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedValues):
            return self.joined == other.joined and self.lengths == other.lengths
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]
