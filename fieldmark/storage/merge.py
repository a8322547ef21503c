"""Three-way merge of JSON-like documents: what a stale save becomes instead of a 409.

``merge(base, current, mine)``: ``base`` is the version the client started from, ``current`` what
is stored now (others' saves since), ``mine`` what the client sends. Each part changed on one side
only takes that side's value; a part both changed to different values is a :class:`Clash`, and
any clash makes the whole merge fail (:class:`MergeConflict`), so nothing is half-applied.

Dicts merge key by key. Lists merge element by element when the three have the same length
(the words of an utterance, the morphemes of a word), by identity when a key function is given
for the list's field (affect segments by their interval) or the elements carry an ``id``, and
as "both appended" when the base is a prefix of both; otherwise a list both sides changed is one
clash. Pure functions, no storage: the versioned store calls them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Path = tuple[str | int, ...]
KeyFn = Callable[[Any], Hashable]


class _Missing:
    """An absent key (distinct from a stored ``None``)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Clash:
    path: Path
    base: Any
    current: Any
    mine: Any

    @property
    def element(self) -> str:
        """The clashing element as a dotted path (``words.1.morphemes.0.gloss``)."""
        return ".".join(str(part) for part in self.path) or "(document)"

    def to_json(self) -> dict[str, Any]:
        def shown(value: Any) -> Any:
            return None if value is MISSING else value

        return {"element": self.element, "base": shown(self.base),
                "current": shown(self.current), "mine": shown(self.mine)}  # fmt: skip


class MergeConflict(Exception):
    def __init__(self, clashes: list[Clash]) -> None:
        super().__init__(", ".join(clash.element for clash in clashes))
        self.clashes = clashes


def merge(base: Any, current: Any, mine: Any, *, keys: Mapping[str, KeyFn] | None = None) -> Any:
    """The merged document, or :class:`MergeConflict` naming every clashing element."""
    clashes: list[Clash] = []
    merged = _merge(base, current, mine, (), clashes, keys or {})
    if clashes:
        raise MergeConflict(clashes)
    return merged


def _merge(
    base: Any, cur: Any, mine: Any, path: Path, clashes: list[Clash], keys: Mapping[str, KeyFn]
) -> Any:
    if _same(mine, base):
        return cur
    if _same(cur, base) or _same(cur, mine):
        return mine
    if isinstance(cur, dict) and isinstance(mine, dict) and isinstance(base, dict | _Missing):
        # Both added the same key with different objects: merge them against an empty one.
        start: dict[str, Any] = base if isinstance(base, dict) else {}
        return _merge_dicts(start, cur, mine, path, clashes, keys)
    if isinstance(cur, list) and isinstance(mine, list) and isinstance(base, list):
        return _merge_lists(base, cur, mine, path, clashes, keys)
    clashes.append(Clash(path, base, cur, mine))
    return cur


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down: in Python ``1 == True`` and
    ``{"x": 1} == {"x": True}``, but a change from 1 to True is still a change."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _merge_dicts(
    base: Mapping[str, Any],
    cur: Mapping[str, Any],
    mine: Mapping[str, Any],
    path: Path,
    clashes: list[Clash],
    keys: Mapping[str, KeyFn],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in [*cur, *(k for k in mine if k not in cur), *(k for k in base if k not in cur
                                                             and k not in mine)]:  # fmt: skip
        value = _merge(
            base.get(key, MISSING), cur.get(key, MISSING), mine.get(key, MISSING),
            (*path, key), clashes, keys,
        )  # fmt: skip
        if value is not MISSING:
            out[key] = value
    return out


def _identity(items: Sequence[Any], key: KeyFn | None) -> dict[Hashable, Any] | None:
    """Elements by identity, or None when they have none (or it is not unique)."""
    try:
        if key is not None:
            found = {key(item): item for item in items}
        elif all(isinstance(item, dict) and "id" in item for item in items):
            found = {item["id"]: item for item in items}
        else:
            return None
    except (KeyError, TypeError):
        return None
    return found if len(found) == len(items) else None


def _merge_lists(
    base: list[Any],
    cur: list[Any],
    mine: list[Any],
    path: Path,
    clashes: list[Clash],
    keys: Mapping[str, KeyFn],
) -> list[Any]:
    field = path[-1] if path and isinstance(path[-1], str) else ""
    key = keys.get(field)
    if key is not None or any(isinstance(item, dict) and "id" in item
                              for item in (*base, *cur, *mine)):  # fmt: skip
        by_base, by_cur, by_mine = (_identity(items, key) for items in (base, cur, mine))
        if by_base is not None and by_cur is not None and by_mine is not None:
            return _merge_keyed(by_base, by_cur, by_mine, path, clashes, keys)
    if len(base) == len(cur) == len(mine):
        return [
            _merge(b, c, m, (*path, i), clashes, keys)
            for i, (b, c, m) in enumerate(zip(base, cur, mine, strict=True))
        ]
    n = len(base)
    if _same(cur[:n], base) and _same(mine[:n], base):  # both appended: theirs first, then mine
        return [*cur, *mine[n:]]
    clashes.append(Clash(path, base, cur, mine))
    return cur


def _label(ident: Hashable) -> str:
    """An element's identity in a path: its id, or a key tuple joined (``0-500``)."""
    if isinstance(ident, tuple):
        return "-".join(str(part) for part in ident)
    return str(ident)


def _merge_keyed(
    base: dict[Hashable, Any],
    cur: dict[Hashable, Any],
    mine: dict[Hashable, Any],
    path: Path,
    clashes: list[Clash],
    keys: Mapping[str, KeyFn],
) -> list[Any]:
    """Elements matched by identity; their order is the current one, with elements only I
    added placed after the element that precedes them in my list."""
    out: list[tuple[Hashable, Any]] = []
    for ident, theirs in cur.items():
        value = _merge(
            base.get(ident, MISSING), theirs, mine.get(ident, MISSING),
            (*path, _label(ident)), clashes, keys,
        )  # fmt: skip
        if value is not MISSING:
            out.append((ident, value))
    previous: Hashable | None = None
    for ident, item in mine.items():
        if ident not in cur:
            value = _merge(base.get(ident, MISSING), MISSING, item, (*path, _label(ident)),
                           clashes, keys)  # fmt: skip
            if value is not MISSING:
                placed = [i for i, (other, _) in enumerate(out) if other == previous]
                out.insert(placed[0] + 1 if placed else 0, (ident, value))
        previous = ident
    return [value for _, value in out]
