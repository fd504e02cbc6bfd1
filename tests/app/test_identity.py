"""Whose checkpoints are whose: a browser keeps its saved models across page reloads, and no other browser sees them."""

import secrets

from dashboard.identity import browser_id


def cookie(token: bytes, mask: bytes | None = None, timestamp: int = 1_764_000_000) -> str:
    """Streamlit's XSRF cookie as the server sets it: the same token, masked afresh on every page load."""
    mask = mask or secrets.token_bytes(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
    return f"2|{mask.hex()}|{masked.hex()}|{timestamp}"


def test_the_same_browser_is_the_same_owner_after_a_reload():
    token = secrets.token_bytes(16)
    first, again = cookie(token), cookie(token, timestamp=1_764_000_900)
    assert first != again  # what the browser sends differs on every load
    assert browser_id(first) == browser_id(again) == browser_id(f'"{again}"')


def test_different_browsers_are_different_owners():
    assert browser_id(cookie(secrets.token_bytes(16))) != browser_id(cookie(secrets.token_bytes(16)))


def test_the_id_is_a_folder_name_that_reveals_nothing_of_the_cookie():
    token = secrets.token_bytes(16)
    owner = browser_id(cookie(token))
    assert owner.isalnum() and len(owner) == 32 and token.hex() not in owner


def test_no_or_malformed_cookie_gives_no_id():
    for bad in (None, "", "garbage", "2|zz|00|1", "2|00000000|00|1", "1|abcd|abcd|1", "2|a|b", "2|../..|x|1"):
        assert browser_id(bad) is None, bad
