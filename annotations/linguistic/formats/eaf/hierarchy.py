"""Attaching annotations to their parents through the tier hierarchy.

Symbolic references (Symbolic_Subdivision / Symbolic_Association) are followed directly,
time-aligned annotations (Time_Subdivision / Included_In, or independent tiers) are placed by
time; children of one parent are put in order by time or by their PREVIOUS_ANNOTATION chain.
"""

from __future__ import annotations

import bisect

from annotations.linguistic.formats.eaf.document import Ann, Document, Tier
from annotations.xmlsafe import Problem


class Resolver:
    """Finds, for an annotation, the annotation it belongs to on a given (level) tier."""

    def __init__(self, doc: Document, problems: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems
        self._starts: dict[str, tuple[list[float], list[Ann]]] = {}

    def interval(self, ann: Ann) -> tuple[float, float] | None:
        if ann.start is None or ann.end is None:
            return None
        st = self.doc.slot_time
        if ann.start not in st or ann.end not in st:
            return None
        return st[ann.start], st[ann.end]

    def _index(self, tier: Tier) -> tuple[list[float], list[Ann]]:
        if tier.id not in self._starts:
            timed = [(iv, a) for a in tier.anns if (iv := self.interval(a)) is not None]
            timed.sort(key=lambda x: x[0])
            self._starts[tier.id] = ([iv[0] for iv, _ in timed], [a for _, a in timed])
        return self._starts[tier.id]

    def by_time(self, ann: Ann, level: Tier) -> Ann | None:
        iv = self.interval(ann)
        if iv is None:
            return None
        mid = (iv[0] + iv[1]) / 2
        starts, anns = self._index(level)
        i = bisect.bisect_right(starts, mid) - 1
        # Zero-length children sit on a boundary; they belong to the interval that starts there.
        if i >= 0:
            cand = anns[i]
            civ = self.interval(cand)
            if civ is not None and civ[0] <= mid <= civ[1]:
                return cand
        return None

    def owner(self, ann: Ann, tier: Tier, level: Tier) -> Ann | None:
        """Walk up references/time containment from ``ann`` until reaching ``level``."""
        cur_tier, cur = tier, ann
        for _ in range(64):
            if cur_tier.id == level.id:
                return cur
            if cur.ref is not None:
                found = self.doc.by_id.get(cur.ref)
                if found is None:
                    return None
                cur_tier, cur = found
                continue
            parent = self.doc.tiers.get(cur_tier.parent or "")
            if parent is None or not is_below(self.doc, parent.id, level.id):
                return self.by_time(cur, level)
            up = self.by_time(cur, parent)
            if up is None:
                return None
            cur_tier, cur = parent, up
        return None


def is_below(doc: Document, tier_id: str, level_id: str) -> bool:
    seen = set()
    cur: str | None = tier_id
    while cur is not None and cur not in seen:
        if cur == level_id:
            return True
        seen.add(cur)
        t = doc.tiers.get(cur)
        cur = t.parent if t else None
    return False


def in_order(doc: Document, children: list[Ann], res: Resolver) -> list[Ann]:
    """Children of one parent in order: by time if aligned, else by PREVIOUS_ANNOTATION chain."""
    if len(children) < 2:
        return children
    if all(c.start is not None for c in children):
        return sorted(
            children,
            key=lambda a: (res.interval(a) or (0.0, 0.0), doc.slot_index.get(a.start or "", 0)),
        )
    ids = {c.id for c in children}
    nxt = {c.prev: c for c in children if c.prev in ids}
    first = [c for c in children if c.prev not in ids]
    if len(first) != 1:
        return children
    out = [first[0]]
    while out[-1].id in nxt and len(out) <= len(children):
        out.append(nxt[out[-1].id])
    return out if len(out) == len(children) else children


def group_by_owner(
    doc: Document, res: Resolver, tier: Tier, level: Tier, role: str, problems: list[Problem]
) -> dict[str, list[Ann]]:
    """Annotations of ``tier`` grouped by the id of their owner on ``level``, in order."""
    groups: dict[str, list[Ann]] = {}
    linked = is_below(doc, tier.id, level.id)
    for ann in tier.anns:
        if not linked and ann.start is None:
            problems.append(
                Problem(
                    f"tier {tier.id!r} ({role}) is neither below tier {level.id!r} "
                    "nor time-aligned",
                    ann.line,
                    tier.id,
                )
            )
            break
        owner = res.owner(ann, tier, level)
        if owner is None:
            problems.append(
                Problem(
                    f"annotation {ann.id} on tier {tier.id!r} ({role}) has no parent on tier "
                    f"{level.id!r}",
                    ann.line,
                    tier.id,
                )
            )
            continue
        groups.setdefault(owner.id, []).append(ann)
    return {k: in_order(doc, v, res) for k, v in groups.items()}
