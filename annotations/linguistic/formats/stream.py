"""What streamed corpus readers yield: a ``Text`` head (its ``utterances`` empty), then the
utterances of that text one by one, then the next head, and so on."""

from __future__ import annotations

from collections.abc import Iterable

from annotations.linguistic.model import Text, Utterance

Item = Text | Utterance


def gather(items: Iterable[Item]) -> list[Text]:
    """Whole texts from a stream of heads and utterances (for small inputs and tests)."""
    texts: list[Text] = []
    for item in items:
        if isinstance(item, Text):
            texts.append(item)
        else:
            texts[-1].utterances.append(item)
    return texts
