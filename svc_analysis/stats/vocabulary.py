"""The banking vocabulary the keyword analysis starts from: a user dictionary and a stop list.

Two plain-text files beside this module (package data, one entry a line, ``#`` starts a note):

- ``banking_words.txt``: a jieba user dictionary (``word [freq] [tag]``) of the bank's service
  vocabulary: channels and systems (手机银行, 自助设备), roles (大堂经理), products (理财产品,
  信用卡), transactions (转账汇款, 跨行转账), fees, and the usual complaint phrases (排队等候,
  未充分揭示风险). These stay whole when a text is segmented.
- ``stop_words.txt``: words frequent in complaint and survey texts that say nothing about what
  the customer raised (客户, 反映, 认为, 超过, 小时, forms of address ...).

The office's own additions are parameters (params/complaints.yaml ``text.user_words`` and
``text.stop_words``); callers pass them to svc_analysis.stats.text, which always adds these base
lists.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

DICTIONARY_FILE = "banking_words.txt"
STOP_FILE = "stop_words.txt"


def _lines(name: str) -> tuple[str, ...]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def dictionary_lines() -> tuple[str, ...]:
    """The user dictionary's entries as jieba reads them (``word [freq] [tag]``), notes left out."""
    return _lines(DICTIONARY_FILE)


def banking_words() -> tuple[str, ...]:
    """The words of the user dictionary (without frequency or tag)."""
    return tuple(line.split()[0] for line in dictionary_lines())


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The base stop list."""
    return frozenset(_lines(STOP_FILE))
