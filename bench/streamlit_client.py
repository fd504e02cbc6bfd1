"""A browser tab's conversation with a Streamlit server, without the browser: for load benchmarks.

Twenty headless Chromium tabs on this 2-core machine spend more CPU drawing than the server spends serving them, so
a benchmark of the server under a class's load measures the browsers. A ``Session`` speaks Streamlit's own
websocket protocol (the ``BackMsg``/``ForwardMsg`` protobufs Streamlit ships) as the page's JavaScript does: it asks
for a page, sets widgets by their labels, presses buttons, and reruns fragments on the timer the server asks for
(``auto_rerun``), so the server does exactly the work a real tab causes, and the client almost none.

Only what the benchmarks need: the widget kinds on the Train and Tensors pages, the text of alerts, headings,
metrics and code blocks as they are drawn, and tables (dataframes). Through a proxy, a tab carries its browser's
cookies and sends the XSRF token as the page's JavaScript does (``cookies``, ``ssl``).
"""

import asyncio
import io
import time

import pyarrow as pa
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = 0  # ForwardMsg.script_finished: a full run ended normally
FINISHED_FRAGMENT = 3  # a fragment run ended normally
# how each widget kind's value travels (Streamlit's register_widget value_type for it)
VALUE_FIELD = {"radio": "string_value", "selectbox": "string_value", "text_input": "string_value",
               "number_input": "double_value", "checkbox": "bool_value", "button": "trigger_value"}
TEXT_KINDS = ("alert", "heading", "markdown", "code", "metric", "progress")


class Session:
    """One tab. ``await Session.open(url, "train")`` draws the page once; ``rerun(...)`` acts and waits for the run."""

    def __init__(self, url: str, page: str, query: str):
        self.url, self.page, self.query = url, page, query
        self.widgets: dict[str, tuple[str, str]] = {}  # shown label -> (widget id, kind), from the latest runs
        self.values: dict[str, object] = {}  # label -> the value this tab holds (sent with every run)
        self.texts: list[tuple[float, str, str]] = []  # (time.perf_counter(), kind, text) drawn since clear_texts()
        self.finishes: list[tuple[float, int]] = []  # (time.perf_counter(), script_finished status)
        self.fragment_runs = 0  # fragment runs asked for on the server's timer
        self.page_hash = ""  # the page's script hash, once the server has said it (the page's JavaScript sends it)
        self.tables: list[tuple[float, object]] = []  # (time.perf_counter(), a DataFrame) drawn since clear_texts()
        self._timers: dict[str, asyncio.Task] = {}
        self._changed = asyncio.Condition()
        self._ws = None
        self._reader = None

    @classmethod
    async def open(cls, url: str, page: str = "", query: str = "lang=en", cookies: dict | None = None,
                   ssl=None) -> "Session":
        """A tab on ``url``'s ``page``; ``cookies`` (name → value) are its browser's, and its XSRF cookie's token
        goes in the handshake as the page's JavaScript sends it; ``ssl``: an SSLContext for an https ``url``."""
        self = cls(url, page, query)
        cookies = cookies or {}
        protocols = ["streamlit"] + ([cookies["_streamlit_xsrf"]] if "_streamlit_xsrf" in cookies else [])
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else None
        self._ws = await websockets.connect(url.replace("http", "ws", 1) + "/_stcore/stream", ssl=ssl,
                                            subprotocols=protocols, max_size=None, ping_interval=None,
                                            additional_headers=headers, origin=url if cookies else None)
        self._reader = asyncio.create_task(self._read())
        await self.rerun()
        return self

    async def close(self):
        for task in self._timers.values():
            task.cancel()
        self._reader.cancel()
        await self._ws.close()

    # --- acting ----------------------------------------------------------------------------------------------------

    async def rerun(self, values: dict | None = None, press: str | None = None, timeout: float = 120.0) -> float:
        """Set widgets (by label), optionally press a button (by label), and wait until the full run that follows
        has finished. Returns the seconds from sending to the run's script_finished."""
        self.values.update(values or {})
        count = len(self.finishes)
        start = time.perf_counter()
        await self._send(press=press)
        await self._wait(lambda: any(s == FINISHED for _, s in self.finishes[count:]), timeout)
        return next(t for t, s in self.finishes[count:] if s == FINISHED) - start

    async def wait_for_text(self, needle: str, kind: str | None = None, timeout: float = 600.0):
        await self._wait(lambda: self.seen(needle, kind), timeout)

    def seen(self, needle: str, kind: str | None = None) -> bool:
        return self.first(needle, kind) is not None

    def first(self, needle: str, kind: str | None = None) -> float | None:
        """When ``needle`` was first drawn (in an element of ``kind``) since clear_texts(), or None."""
        return next((t for t, k, text in self.texts if needle in text and (kind is None or kind == k)), None)

    def clear_texts(self):
        self.texts, self.tables = [], []

    async def _send(self, press: str | None = None, fragment_id: str | None = None):
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string, state.page_name, state.page_script_hash = self.query, self.page, self.page_hash
        if fragment_id:
            state.fragment_id, state.is_auto_rerun = fragment_id, True
        for label, value in self.values.items():
            widget_id, kind = self.widgets[label]
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            setattr(widget, VALUE_FIELD[kind], value)
        if press is not None:
            widget = state.widget_states.widgets.add()
            widget.id = self.widgets[press][0]
            widget.trigger_value = True
        await self._ws.send(msg.SerializeToString())

    async def _wait(self, done, timeout: float):
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(done), timeout)

    # --- listening -------------------------------------------------------------------------------------------------

    async def _read(self):
        async for data in self._ws:
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element)
            elif kind == "script_finished":
                self.finishes.append((time.perf_counter(), msg.script_finished))
            elif kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "auto_rerun":
                self._every(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
            elif kind == "stop_auto_rerun":
                for fragment in msg.stop_auto_rerun.fragment_ids:
                    if fragment in self._timers:
                        self._timers.pop(fragment).cancel()
            async with self._changed:
                self._changed.notify_all()

    def _element(self, element):
        kind = element.WhichOneof("type")
        body = getattr(element, kind)
        if kind in VALUE_FIELD and getattr(body, "label", ""):
            self.widgets[body.label.replace("**", "").replace("`", "")] = (body.id, kind)  # as the label is shown
        now = time.perf_counter()
        if kind == "dataframe" and body.arrow_data.data:
            self.tables.append((now, pa.ipc.open_stream(io.BytesIO(body.arrow_data.data)).read_all().to_pandas()))
        elif kind == "metric":
            self.texts.append((now, kind, f"{body.label}: {body.body}"))
        elif kind == "progress":
            self.texts.append((now, kind, body.text))
        elif kind in TEXT_KINDS:
            self.texts.append((now, kind, body.body if hasattr(body, "body") else body.code_text))

    def _every(self, fragment_id: str, interval: float):
        """The page's JavaScript reruns an auto-rerun fragment with setInterval: so does this tab."""
        if fragment_id in self._timers:
            return

        async def tick():
            while True:
                await asyncio.sleep(interval)
                self.fragment_runs += 1
                await self._send(fragment_id=fragment_id)

        self._timers[fragment_id] = asyncio.create_task(tick())
