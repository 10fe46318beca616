"""A word-level tokenizer: Metamath symbols and labels are separated by
whitespace, so a word is a token.  Line breaks are kept as a token of their
own (a `steps` row ends with one), other whitespace is not."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

PAD, UNK, BOS = "<pad>", "<unk>", "<s>"
SPECIALS = (PAD, UNK, BOS)
NEWLINE = "\n"
_WORD = re.compile(r"\n|[^\s]+")


def words(text: str) -> list[str]:
    """The text's tokens before the vocabulary: words and line breaks."""
    return _WORD.findall(text)


def normalized(text: str) -> str:
    """What decoding gives back for `text` when every word is known: words
    joined by one space, line breaks kept."""
    return join(words(text))


def join(ws: Sequence[str]) -> str:
    out: list[str] = []
    for w in ws:
        if w == NEWLINE:
            out.append(w)
        elif out and out[-1] != NEWLINE:
            out.append(" " + w)
        else:
            out.append(w)
    return "".join(out)


class WordTokenizer:
    """Ids: the specials, then the words seen at least `min_count` times
    (most frequent first, ties by the word), at most `max_size` in all.
    Everything else is `<unk>`."""

    def __init__(self, vocab: Sequence[str]):
        if tuple(vocab[:len(SPECIALS)]) != SPECIALS:
            raise ValueError(f"a vocabulary starts with {SPECIALS}")
        self.vocab = list(vocab)
        self.index = {w: i for i, w in enumerate(self.vocab)}
        if len(self.index) != len(self.vocab):
            raise ValueError("a vocabulary lists each word once")
        self.pad, self.unk, self.bos = (self.index[s] for s in SPECIALS)

    @classmethod
    def fit(cls, texts: Iterable[str], min_count: int = 2, max_size: int = 8192) -> "WordTokenizer":
        counts: Counter = Counter()
        for t in texts:
            counts.update(words(t))
        for s in SPECIALS:              # a text that spells a special is still a word
            counts.pop(s, None)
        kept = sorted((w for w, c in counts.items() if c >= min_count),
                      key=lambda w: (-counts[w], w))
        return cls(list(SPECIALS) + kept[:max(0, max_size - len(SPECIALS))])

    def __len__(self) -> int:
        return len(self.vocab)

    def encode_words(self, ws: Sequence[str]) -> list[int]:
        get, unk = self.index.get, self.unk
        return [get(w, unk) for w in ws]

    def encode(self, text: str, bos: bool = False) -> list[int]:
        ids = self.encode_words(words(text))
        return [self.bos] + ids if bos else ids

    def decode(self, ids: Sequence[int]) -> str:
        return join([self.vocab[i] for i in ids if i not in (self.pad, self.bos)])

    def to_json(self) -> dict:
        return {"vocab": self.vocab}
