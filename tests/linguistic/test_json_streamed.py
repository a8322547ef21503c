"""JSON Lines written utterance batch by utterance batch equal the one-line-per-text writer."""

from __future__ import annotations

import json

from annotations.linguistic.formats import json as json_format
from tests.linguistic.factory import corpus


def test_streamed_lines_equal_whole_text_lines_for_any_batch() -> None:
    texts = corpus()
    whole = "".join(json_format.dumps(texts))

    for batch in (1, 2, 1000):
        chunks = list(json_format.dumps_streamed(((t, iter(t.utterances)) for t in texts), batch))
        assert "".join(chunks) == whole
    assert [json.loads(line) for line in whole.splitlines()] == [t.to_doc() for t in texts]
    assert [t.to_doc() for t in json_format.loads(whole.encode())] == [t.to_doc() for t in texts]


def test_streamed_text_without_utterances_is_valid_json() -> None:
    [text] = corpus()[:1]

    [line] = "".join(json_format.dumps_streamed([(text, [])])).splitlines()

    assert json.loads(line) == {**text.to_doc(), "utterances": []}
