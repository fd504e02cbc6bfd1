"""The Train page's transport in AppTest, in Korean: Pause, One step, Resume and Stop on a real run in the server's
worker pool, then "continue for more epochs" as a new run that begins with the earlier one's curves."""

import re
import time

from tests.app.test_train_page import poll, start, train_page


def has_button(at, key: str) -> bool:
    return any(b.key == key for b in at.button)


def paused_at(at) -> int | None:
    """The step the Korean status says the run is paused at, or None."""
    for info in at.info:
        found = re.search(r"단계 ([\d,]+)에서 일시 정지했습니다", info.value)
        if found:
            return int(found.group(1).replace(",", ""))
    return None


def test_pause_step_resume_stop_and_continue_in_korean():
    at = start(train_page("ko"), epochs=500, report=50)
    poll(at, lambda a: has_button(a, "tr_pause"), timeout=120)
    at.button(key="tr_pause").click().run()
    poll(at, lambda a: paused_at(a) is not None)
    assert at.button(key="tr_resume").label == "다시 시작" and at.button(key="tr_step").label == "한 단계"
    held, before = paused_at(at), None  # the last step reported before the press, then the one it held at
    while held != before:
        time.sleep(1.0)
        at.run()
        held, before = paused_at(at), held
    assert held is not None, ([i.value for i in at.info], [s.value for s in at.success], [w.value for w in at.warning])
    at.button(key="tr_step").click().run()
    poll(at, lambda a: paused_at(a) == held + 1)
    at.button(key="tr_resume").click().run()
    poll(at, lambda a: paused_at(a) is None and has_button(a, "tr_pause"))
    at.button(key="tr_stop").click().run()
    poll(at, lambda a: any("후 중지했습니다" in s.value for s in a.success))
    done = int(re.search(r"에폭 (\d+)번 후 중지", next(s.value for s in at.success if "중지" in s.value)).group(1))
    more = next(n for n in at.number_input if n.label == "추가 에폭")
    more.set_value(2)
    next(b for b in at.button if b.label == "이어서 학습").click().run()
    poll(at, lambda a: any(f"완료: 에폭 {done + 2}번." in s.value for s in a.success), timeout=120)
    assert not at.exception
