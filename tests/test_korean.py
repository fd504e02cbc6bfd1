"""dashboard/korean.py: Korean particles chosen from the word before them, as a Korean reader writes them."""

import pytest

from dashboard.i18n import translate
from dashboard.korean import particles


@pytest.mark.parametrize("text, expected", [
    ("'가격'은(는) 숫자가 아닙니다", "'가격'은 숫자가 아닙니다"),  # 격: a final consonant
    ("'나이'은(는) 숫자가 아닙니다", "'나이'는 숫자가 아닙니다"),
    ("지역이(가) 없습니다", "지역이 없습니다"), ("도시이(가) 없습니다", "도시가 없습니다"),
    ("모델을(를) 저장", "모델을 저장"), ("파일을(를) 저장", "파일을 저장"), ("데이터을(를) 저장", "데이터를 저장"),
    ("서울(으)로 바꿈", "서울로 바꿈"), ("부산(으)로 바꿈", "부산으로 바꿈"), ("대구(으)로 바꿈", "대구로 바꿈"),
    ("값 3은(는) 큽니다", "값 3은 큽니다"), ("값 2은(는) 큽니다", "값 2는 큽니다"), ("값 10은(는)", "값 10은"),
    ("7(으)로", "7로"), ("6(으)로", "6으로"), ("**연도**을(를)", "**연도**를"),
    ("'price'은(는) 숫자가 아닙니다", "'price'은(는) 숫자가 아닙니다"),  # a Latin word: both forms stay
])
def test_particles_follow_the_last_syllable(text, expected):
    assert particles(text) == expected


def test_pages_resolve_particles_in_korean_and_leave_english_alone():
    template = ("The target column {target!r} is not numeric (e.g. {example!r} on line {line}). A regressor predicts "
                "numbers: choose a numeric column.")
    params = {"example": "없음", "line": 3}
    assert translate(template, "ko", target="가격", **params).startswith("타깃 열 '가격'이 숫자가 아닙니다")
    assert translate(template, "ko", target="도시", **params).startswith("타깃 열 '도시'가 숫자가 아닙니다")
    assert translate(template, "ko", target="price", **params).startswith("타깃 열 'price'이(가) 숫자가 아닙니다")
    assert translate(template, "en", target="가격", **params).startswith("The target column '가격' is not numeric")
