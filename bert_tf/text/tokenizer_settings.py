"""`TokenizerSettings`: the tokenizer contract a model travels with (`tokenizer_config.json`).

The one reader and writer of `tokenizer_config.json` in bert_tf run directories: vocabulary
learning, pre-training and fine-tuning outputs and the trained-model bundle all write it through
`write`, and every loader reads it through `read`. It records the vocabulary file (copied
beside it), its SHA-256, the casing (`lower_case`, and HF's `do_lower_case` so HF tools read
it too), the word-length limit and the other `BertTokenizer` options under HF's key names
(`strip_accents`, `tokenize_chinese_chars`, `never_split`, `do_basic_tokenize`). `from_json`
also reads an HF checkpoint's tokenizer_config.json: its added special tokens beyond BERT's
five become `never_split`, and a sane `model_max_length` is kept. Paths go through
`tf.io.gfile` when they are URLs, so `gs://` (or `ram://`) directories work as local ones do.

Example:
    >>> import os; os.makedirs("run_dir", exist_ok=True)
    >>> settings = TokenizerSettings(lower_case=True, max_chars_per_word=100)
    >>> settings.write("run_dir", vocab_source="vocab.txt").vocab_sha256[:8]
    '07eced37'
    >>> TokenizerSettings.read("run_dir").lower_case
    True
    >>> TokenizerSettings.from_json({"do_lower_case": True, "strip_accents": False}).strip_accents
    False
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from typing import Any

from bert_tf.storage import exists, is_url, read_bytes, write_bytes
from bert_tf.text.special_tokens import SPECIAL_TOKENS

CONFIG_FILE = "tokenizer_config.json"
VOCAB_FILE = "vocab.txt"


@dataclasses.dataclass(frozen=True)
class TokenizerSettings:
    """How text becomes ids for one model; see the module docstring.

    Args:
        lower_case: lower-case and strip accents before WordPiece (uncased models).
        max_chars_per_word: longer words become [UNK] (None: the tokenizer's default, 100).
        vocab_file: the vocabulary's file name inside the model directory.
        vocab_sha256: the vocabulary's hash (filled in by `write`).
        strip_accents, tokenize_chinese_chars, special_tokens_in_strings, never_split,
            do_basic_tokenize: the `BertTokenizer` options of the same names.
        model_max_length: HF's longest input the model takes (recorded, not enforced).
    """

    lower_case: bool = True  # uncased models lower-case (and by default strip accents)
    max_chars_per_word: int | None = None  # None: BertTokenizer's default (HF's 100)
    vocab_file: str = VOCAB_FILE  # file name beside tokenizer_config.json
    vocab_sha256: str | None = None  # hash of that vocabulary, recorded by write()
    strip_accents: bool | None = None  # None: strip exactly when lower-casing
    tokenize_chinese_chars: bool = True  # CJK ideographs are words of their own
    special_tokens_in_strings: bool = False  # "[MASK]" in the text is the [MASK] token
    never_split: tuple[str, ...] = ()  # more tokens kept whole in the text
    do_basic_tokenize: bool = True  # False: whitespace-only word splitting
    model_max_length: int | None = None  # HF tokenizer_config.json, when sane

    def __post_init__(self) -> None:
        for name in ("lower_case", "tokenize_chinese_chars", "special_tokens_in_strings",
                     "do_basic_tokenize"):  # fmt: skip
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be true or false, got {getattr(self, name)!r}")
        if self.strip_accents is not None and not isinstance(self.strip_accents, bool):
            raise TypeError(
                f"strip_accents must be null, true or false, got {self.strip_accents!r}"
            )
        if isinstance(self.never_split, str) or not all(
            isinstance(t, str) and t for t in self.never_split
        ):
            raise TypeError(f"never_split must be a list of tokens, got {self.never_split!r}")
        object.__setattr__(self, "never_split", tuple(self.never_split))
        limit = self.max_chars_per_word
        if limit is not None and (isinstance(limit, bool) or not 1 <= int(limit) <= 999):
            raise ValueError(f"max_chars_per_word must be in [1, 999], got {limit!r}")

    def tokenizer_options(self) -> dict[str, Any]:
        """The keyword arguments of `BertTokenizer` these settings stand for."""
        options: dict[str, Any] = {
            "lower_case": self.lower_case,
            "strip_accents": self.strip_accents,
            "tokenize_chinese_chars": self.tokenize_chinese_chars,
            "special_tokens_in_strings": self.special_tokens_in_strings,
            "never_split": self.never_split,
            "do_basic_tokenize": self.do_basic_tokenize,
        }
        if self.max_chars_per_word is not None:
            options["max_chars_per_word"] = self.max_chars_per_word
        return options

    @classmethod
    def from_tokenizer(cls, tokenizer: Any, **fields: Any) -> TokenizerSettings:
        """The settings of a `BertTokenizer` (its options; `fields` override or add)."""
        config = tokenizer.get_config()
        values = {key: config[key] for key in _OPTION_KEYS if key in config}
        values["never_split"] = tuple(values.get("never_split", ()))
        return cls(**{**values, **fields})

    def to_json(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "vocab_file": self.vocab_file,
            "lower_case": self.lower_case,
            "do_lower_case": self.lower_case,  # HF's key for the same setting
        }
        if self.max_chars_per_word is not None:
            values["max_chars_per_word"] = int(self.max_chars_per_word)
        if self.vocab_sha256:
            values["vocab_sha256"] = self.vocab_sha256
        values.update(
            strip_accents=self.strip_accents,
            tokenize_chinese_chars=self.tokenize_chinese_chars,
            special_tokens_in_strings=self.special_tokens_in_strings,
            never_split=list(self.never_split),
            do_basic_tokenize=self.do_basic_tokenize,
        )
        if self.model_max_length is not None:
            values["model_max_length"] = self.model_max_length
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any], source: str = "tokenizer_config.json"):
        """Settings from a bert_tf or an HF tokenizer_config.json object."""
        lower_case = values.get("lower_case", values.get("do_lower_case", True))
        if not isinstance(lower_case, bool):
            raise ValueError(f"{source}: lower_case must be true or false, got {lower_case!r}")
        limit = values.get("max_chars_per_word")
        try:
            return cls(
                lower_case=lower_case,
                max_chars_per_word=None if limit is None else int(limit),
                vocab_file=str(values.get("vocab_file") or VOCAB_FILE),
                vocab_sha256=values.get("vocab_sha256"),
                strip_accents=values.get("strip_accents"),
                tokenize_chinese_chars=values.get("tokenize_chinese_chars", True),
                special_tokens_in_strings=values.get("special_tokens_in_strings", False),
                never_split=_never_split(values),
                do_basic_tokenize=values.get("do_basic_tokenize", True),
                model_max_length=_model_max_length(values.get("model_max_length")),
            )
        except (TypeError, ValueError) as error:
            raise ValueError(f"{source}: {error}") from error

    def write(self, directory: str | os.PathLike, vocab_source: str | os.PathLike | None = None):
        """Writes `tokenizer_config.json` (and copies `vocab_source` to `vocab_file`) into
        `directory`; returns the settings with the vocabulary's hash filled in."""
        directory = os.fspath(directory)
        target = os.path.join(directory, self.vocab_file)
        if vocab_source is not None:
            data = read_bytes(os.fspath(vocab_source))
            same = not is_url(target) and os.path.exists(target)
            if not (same and os.path.samefile(os.fspath(vocab_source), target)):
                write_bytes(target, data)
        else:
            data = read_bytes(target)
        written = dataclasses.replace(self, vocab_sha256=hashlib.sha256(data).hexdigest())
        text = json.dumps(written.to_json(), indent=2) + "\n"
        write_bytes(os.path.join(directory, CONFIG_FILE), text.encode("utf-8"))
        return written

    @classmethod
    def read(cls, directory: str | os.PathLike) -> TokenizerSettings | None:
        """The settings recorded in `directory`, or None when it has no tokenizer_config.json."""
        path = os.path.join(os.fspath(directory), CONFIG_FILE)
        if not exists(path):
            return None
        try:
            values = json.loads(read_bytes(path).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}: not valid JSON ({error})") from error
        if not isinstance(values, dict):
            raise ValueError(f"{path}: expected a JSON object")
        return cls.from_json(values, path)

    def tokenizer(self, directory: str | os.PathLike) -> Any:
        """The `BertTokenizer` of these settings over `directory`'s vocabulary."""
        from bert_tf.text.bert_tokenizer import BertTokenizer

        vocab = os.path.join(os.fspath(directory), self.vocab_file)
        return BertTokenizer(vocab, **self.tokenizer_options())


_OPTION_KEYS = ("lower_case", "max_chars_per_word", "strip_accents", "tokenize_chinese_chars",
                "special_tokens_in_strings", "never_split", "do_basic_tokenize")  # fmt: skip


def _never_split(values: dict[str, Any]) -> tuple[str, ...]:
    """`never_split` plus HF's added special tokens other than BERT's five, in order."""
    tokens = list(values.get("never_split") or [])
    if isinstance(values.get("never_split"), str):
        raise TypeError("never_split must be a list of tokens")
    added = values.get("added_tokens_decoder") or {}
    if not isinstance(added, dict):
        raise TypeError("added_tokens_decoder must be an object")
    for _, entry in sorted(added.items(), key=lambda item: int(item[0])):
        if isinstance(entry, dict) and entry.get("special") and entry.get("content"):
            tokens.append(entry["content"])
    tokens += list(values.get("additional_special_tokens") or [])
    unique = dict.fromkeys(t for t in tokens if t not in SPECIAL_TOKENS)
    return tuple(unique)


def _model_max_length(value: Any) -> int | None:
    """HF's `model_max_length`, or None where it is missing or HF's 'no limit' (1e30)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value >= 1_000_000:
        return None
    return int(value)
