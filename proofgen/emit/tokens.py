"""Token counts with an offline tokenizer.

`bpe-openai` ships OpenAI's cl100k_base vocabulary inside its wheel, so
nothing is downloaded at run time; every manifest names the tokenizer.
Without the package, counting is refused with a clear message rather than
guessed.
"""
from __future__ import annotations

TOKENIZER = "cl100k_base"
TOKENIZER_PACKAGE = "bpe-openai"


class TokenCounter:
    def __init__(self, encoding: str = TOKENIZER):
        try:
            from bpe_openai._bindings import tokenizer_for_encoding
        except ImportError as exc:  # pragma: no cover - dependency missing
            raise RuntimeError(f"token counting needs the `{TOKENIZER_PACKAGE}` package "
                               f"(pip install {TOKENIZER_PACKAGE})") from exc
        self.name = encoding
        self._tok = tokenizer_for_encoding(encoding)
        self.count = self._tok.count

    def describe(self) -> dict:
        return self.describe_static(self.name)

    @staticmethod
    def describe_static(name: str = TOKENIZER) -> dict:
        """The tokenizer as a manifest names it (without loading it)."""
        from importlib.metadata import version
        return {"name": name, "package": TOKENIZER_PACKAGE,
                "version": version(TOKENIZER_PACKAGE)}
