"""Counted label memories: the floor every model builds on, and its ranked suggestions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from mlworkers.core.types import Label


class Memory:
    """key -> Counter of labels, ranked by count (ties: the label seen first wins)."""

    def __init__(self, table: Mapping[str, Mapping[str, int]] | None = None) -> None:
        self.table: dict[str, Counter[str]] = {k: Counter(v) for k, v in (table or {}).items()}

    def add(self, key: str, label: str, count: int = 1) -> None:
        if key:
            self.table.setdefault(key, Counter())[label] += count

    def __contains__(self, key: str) -> bool:
        return key in self.table

    def best(self, key: str) -> str | None:
        counter = self.table.get(key)
        if not counter:
            return None
        return counter.most_common(1)[0][0]

    def ranked(self, key: str, top_k: int) -> list[Label]:
        counter = self.table.get(key)
        if not counter:
            return []
        total = sum(counter.values())
        return [{"label": label, "p": n / total} for label, n in counter.most_common(top_k)]

    def labels(self, key: str) -> list[str]:
        counter = self.table.get(key)
        return [label for label, _ in counter.most_common()] if counter else []

    def to_json(self) -> dict[str, dict[str, int]]:
        return {k: dict(v.most_common()) for k, v in self.table.items()}

    @classmethod
    def from_json(cls, data: object) -> Memory:
        if not isinstance(data, dict):
            raise ValueError("a memory must be an object of objects")
        table: dict[str, dict[str, int]] = {}
        for key, labels in data.items():
            if not isinstance(key, str) or not isinstance(labels, dict):
                raise ValueError("a memory must be an object of objects")
            table[key] = {str(k): int(v) for k, v in labels.items()}
        return cls(table)


def merged(labels: Iterable[list[Label]], top_k: int) -> list[Label]:
    """Add up the probabilities of several ranked lists and rank again."""
    total: Counter[str] = Counter()
    for ranked in labels:
        for item in ranked:
            total[item["label"]] += item["p"]  # type: ignore[assignment]
    norm = sum(total.values()) or 1.0
    return [{"label": k, "p": float(v) / norm} for k, v in total.most_common(top_k)]
