"""A model version served by someone else's Label Studio ML backend (``/health``, ``/setup``,
``/predict``), adapted to Fieldmark's predictions. What is sent and read back is documented in
docs/models.md ("External models")."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

LABEL_CONFIG = (
    '<View><Text name="text" value="$text"/>'
    '<Choices name="{task}" toName="text" choice="single"/></View>'
)


class ExternalModelError(Exception):
    """The server could not be reached in time, refused, or answered something unreadable."""


class ExternalModel:
    """Speaks the ML-backend protocol; ``predict`` returns the core's prediction shape."""

    def __init__(self, task: str, url: str, token: str = "", timeout: float = 5.0) -> None:
        self.task = task
        self.kind = "external"
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        # Only http(s): the URL is a user's, and urllib would also open file: or ftp: URLs.
        if not self.url.startswith(("http://", "https://")):
            raise ExternalModelError("The URL must start with http:// or https://.")
        request = urllib.request.Request(self.url + path, data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(5_000_001)
        except urllib.error.HTTPError as exc:
            raise ExternalModelError(f"{path} answered HTTP {exc.code}.") from exc
        except TimeoutError as exc:
            raise ExternalModelError(f"{path} did not answer within {self.timeout:g} s.") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise ExternalModelError(
                    f"{path} did not answer within {self.timeout:g} s."
                ) from exc
            raise ExternalModelError(f"{path} could not be reached: {reason}.") from exc
        if len(raw) > 5_000_000:
            raise ExternalModelError(f"{path} answered more than 5 MB.")
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise ExternalModelError(f"{path} did not answer JSON.") from exc

    def check(self) -> dict[str, Any]:
        """``/health`` must say UP and ``/setup`` must accept the task's labelling config."""
        health = self._call("GET", "/health")
        if not isinstance(health, dict) or str(health.get("status", "")).upper() != "UP":
            raise ExternalModelError('/health did not answer {"status": "UP"}.')
        setup = self._call(
            "POST", "/setup", {"project": "fieldmark", "schema": self.label_config()}
        )
        if not isinstance(setup, dict):
            raise ExternalModelError("/setup did not answer a JSON object.")
        return {
            "model_class": str(health.get("model_class", "")),
            "model_version": str(setup.get("model_version", "")),
        }

    def label_config(self) -> str:
        return LABEL_CONFIG.format(task=self.task)

    def predict(self, utterances: Sequence[Any], top_k: int = 3) -> list[dict[str, Any]]:
        tasks = [
            {
                "id": index,
                "data": {
                    "utterance": u.id,
                    "text": " ".join(w.form for w in u.words),
                    "translation": u.translation,
                    "words": [
                        {"form": w.form, "morphemes": [m.form for m in w.morphemes]}
                        for w in u.words
                    ],
                },
            }
            for index, u in enumerate(utterances)
        ]
        answer = self._call(
            "POST", "/predict", {"tasks": tasks, "label_config": self.label_config()}
        )
        results = answer.get("results") if isinstance(answer, dict) else answer
        if not isinstance(results, list) or len(results) != len(utterances):
            raise ExternalModelError(
                f"/predict answered {type(results).__name__} instead of one result per task."
            )
        return [_prediction(u, r, top_k) for u, r in zip(utterances, results, strict=True)]


def _prediction(utterance: Any, result: Any, top_k: int) -> dict[str, Any]:
    if not isinstance(result, dict) or not isinstance(result.get("result"), list):
        raise ExternalModelError('/predict answered a task without a "result" list.')
    ranked: dict[tuple[int, int | None], list[dict[str, Any]]] = {}
    for item in result["result"]:
        try:
            meta = item.get("meta") or {}
            word = int(meta["word"])
            morpheme = None if meta.get("morpheme") is None else int(meta["morpheme"])
            label = str(item["value"]["choices"][0])
            p = float(item.get("score", result.get("score", 0.0)))
        except (AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise ExternalModelError(
                f"/predict answered an unreadable result item: {exc}."
            ) from exc
        if not 0.0 <= p <= 1.0 or word >= len(utterance.words):
            raise ExternalModelError("/predict answered a score or position out of range.")
        ranked.setdefault((word, morpheme), []).append({"label": label, "p": p})
    words = []
    tops: list[float] = []
    for w, word in enumerate(utterance.words):
        own = sorted(ranked.get((w, None), []), key=lambda x: -x["p"])[:top_k]
        morphemes = []
        for m, morph in enumerate(word.morphemes):
            labels = sorted(ranked.get((w, m), []), key=lambda x: -x["p"])[:top_k]
            if labels:
                tops.append(labels[0]["p"])
            morphemes.append({"index": m, "form": morph.form, "labels": labels})
        if own:
            tops.append(own[0]["p"])
        words.append(
            {
                "index": w,
                "form": word.form,
                "labels": own,
                "morphemes": morphemes,
                "segmentations": [],
            }
        )
    return {
        "id": utterance.id,
        "words": words,
        "confidence": sum(tops) / len(tops) if tops else 0.0,
    }
