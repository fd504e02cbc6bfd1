"""Korean particles chosen from the word before them, once a sentence is filled in: ``'가격'은(는)`` becomes
``'가격'은``, ``서울(으)로`` becomes ``서울로``. The catalog writes both forms because the word (a column name, a value)
is only known when the page runs.

The rule is the final consonant (받침) of the last syllable, read from the Unicode Hangul block; numbers are read as
Korean reads them (3 삼, 10 십, 2 이). Where the word ends in Latin letters or other signs whose reading is not
certain, both forms stay, as Korean writing does when it cannot know.
"""

import re

_PAIRS = {"은(는)": ("은", "는"), "이(가)": ("이", "가"), "을(를)": ("을", "를"), "과(와)": ("과", "와"),
          "(으)로": ("으로", "로"), "(이)라": ("이라", "라")}
_PATTERN = re.compile("|".join(re.escape(p) for p in _PAIRS))
_SKIPPED = set("'\"`*)]}’”」』 ")  # quotes, brackets and emphasis around the word
_DIGIT_FINAL = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}  # 영 일 이 삼 …
_RIEUL = 8  # ㄹ: takes 로, not 으로


def _final(before: str) -> int | None:
    """The final consonant's index (0: none) of the word ``before`` ends with, or None where it is not known."""
    text = before.rstrip("".join(_SKIPPED))
    if not text:
        return None
    last = text[-1]
    if "가" <= last <= "힣":
        return (ord(last) - ord("가")) % 28
    if last.isdigit():
        number = re.search(r"\d+$", text).group()
        zeros = len(number) - len(number.rstrip("0"))
        if number.strip("0") and zeros:  # 10 십, 100 백, 1000 천, 10000 만: each ends in a consonant
            return 17 if zeros == 1 else 1 if zeros == 2 else 4
        return _DIGIT_FINAL[last]
    return None


def particles(text: str) -> str:
    """``text`` with every dual particle resolved where the word before it says which one."""
    def choose(match: re.Match) -> str:
        final = _final(text[:match.start()])
        if final is None:
            return match.group()
        with_consonant, without = _PAIRS[match.group()]
        if match.group() == "(으)로":
            return without if final in (0, _RIEUL) else with_consonant
        return with_consonant if final else without

    return _PATTERN.sub(choose, text)
