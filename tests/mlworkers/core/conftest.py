from __future__ import annotations

from pathlib import Path

import pytest

from tests.mlworkers.core.toy import corpus


@pytest.fixture(scope="session")
def encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny BERT-like encoder built from a config (random weights; nothing downloaded)."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("encoder")
    letters = sorted(set("abcdefghijklmnopqrstuvwxyz."))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *letters, *("##" + c for c in letters)]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(str(folder))
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    BertModel(config).save_pretrained(str(folder), safe_serialization=True)
    return folder


@pytest.fixture(scope="session")
def toy_train() -> list:  # type: ignore[type-arg]
    return corpus(60, seed=7)


@pytest.fixture(scope="session")
def toy_dev() -> list:  # type: ignore[type-arg]
    return corpus(15, seed=99)
