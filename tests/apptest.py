"""Opening the app in Streamlit's AppTest, as the page tests share it."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "dashboard" / "app.py")
DEFAULT_PAGE = "views/tensors.py"


def open_page(page=None, lang="en", query=None, timeout=60):
    """The app in a fresh session, in ``lang``, with ``query`` in its URL, showing ``page``."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page and page != DEFAULT_PAGE:
        at.switch_page(page)
        at.run()
    return at
