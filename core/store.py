"""What every replica of the app must see alike (issue 16), in a real database through SQLAlchemy: instructor
presets, every run of every replica (a browser's runs, a class's counts) and who joined a preset's leaderboard
(core/classroom.py reads them). SQLite by default (a file beside the checkpoints: embedded, nothing to run); any
SQLAlchemy URL in ``$TORCH_PLAYGROUND_DB`` instead (``postgresql+psycopg://user@host/playground`` for several servers).

A preset is an instructor's settings under a name, as the address bar holds them (``param → text``), with the
controls it fixes (locked) and those it hides; a link ``?preset=NAME`` opens it for every student. A name belongs to
the browser that saved it first: another browser cannot overwrite it.
"""

import functools
import os
import re
import time
from dataclasses import dataclass, field

from sqlalchemy import JSON, Column, Float, MetaData, String, Table, UniqueConstraint, create_engine, event, select
from sqlalchemy.exc import IntegrityError

from core.checkpoint import checkpoint_dir
from core.errors import N_, ConfigError

ENV_DB = "TORCH_PLAYGROUND_DB"
MAX_SETTINGS, MAX_TEXT = 64, 200  # a preset's settings, and each one's length: what a form's address bar holds

METADATA = MetaData()
PRESETS = Table(
    "presets", METADATA,
    Column("name", String(64), primary_key=True),
    Column("owner", String(128), nullable=False),
    Column("settings", JSON, nullable=False),  # param → text, as in the address bar
    Column("locked", JSON, nullable=False),  # params students cannot change
    Column("hidden", JSON, nullable=False),  # params students do not see (their preset value holds)
    Column("saved", Float, nullable=False),
)
RUNS = Table(  # one row per run of any replica, written as its state changes (core/classroom.py's Recorder)
    "runs", METADATA,
    Column("id", String(160), primary_key=True),  # replica/run id
    Column("replica", String(96), nullable=False, index=True),
    Column("browser", String(128), nullable=False, index=True),
    Column("preset", String(64), index=True),  # the preset the run's page opened, if any
    Column("label", String(200), nullable=False),
    Column("state", String(16), nullable=False),  # the pool's: queued, running, finished, stopped, ...; lost
    Column("metric", String(32)),  # the run's leaderboard figure (core/classroom.py's score), once it has one
    Column("value", Float),
    Column("updated", Float, nullable=False),
)
ENTRANTS = Table(  # the browsers that joined a preset's leaderboard, under a nickname (opt-in)
    "entrants", METADATA,
    Column("preset", String(64), primary_key=True),
    Column("browser", String(128), primary_key=True),
    Column("nickname", String(64), nullable=False),
    Column("key", String(64), nullable=False),  # the nickname case-folded: unique per preset
    Column("joined", Float, nullable=False),
    UniqueConstraint("preset", "key"),
)


@dataclass(frozen=True)
class Preset:
    name: str
    settings: dict
    locked: frozenset = field(default_factory=frozenset)
    hidden: frozenset = field(default_factory=frozenset)
    owner: str = ""


def preset_name(name: str) -> str:
    """A preset's name as a link carries it: letters (any script), digits, '-', '_', '.', at most 64."""
    cleaned = re.sub(r"[^\w.\-]+", "-", str(name or "").strip()).strip(".-_")[:64]
    if not cleaned:
        raise ConfigError(N_("Give the preset a name made of letters, digits, '-', '_' or '.'."), code="preset_name")
    return cleaned


class Store:
    """The app's shared records; ``url`` (else $TORCH_PLAYGROUND_DB, else SQLite in the checkpoint folder)."""

    def __init__(self, url: str | None = None):
        if not (url := url or os.environ.get(ENV_DB)):
            folder = checkpoint_dir()
            folder.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{folder / 'playground.db'}"
        self.url = url
        self.engine = create_engine(url, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":  # several server processes on one file: readers never block
            event.listen(self.engine, "connect", _sqlite_pragmas)
        METADATA.create_all(self.engine)

    @classmethod
    def shared(cls, url: str | None = None) -> "Store":
        """The process's one Store for ``url`` (else where $TORCH_PLAYGROUND_DB or the checkpoint folder points now)."""
        if not (url := url or os.environ.get(ENV_DB)):
            checkpoint_dir().mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{checkpoint_dir().resolve() / 'playground.db'}"
        return _shared(url)

    def save_preset(self, preset: Preset) -> Preset:
        """Save (or, for its owner, replace) ``preset``; returns it as stored, its name cleaned."""
        name = preset_name(preset.name)
        settings = {str(k): str(v) for k, v in preset.settings.items()}
        if len(settings) > MAX_SETTINGS or any(len(k) > MAX_TEXT or len(v) > MAX_TEXT for k, v in settings.items()):
            raise ConfigError(N_("A preset holds at most {n} settings of at most {length} characters each."),
                              code="preset_size", n=MAX_SETTINGS, length=MAX_TEXT)
        row = {"name": name, "owner": preset.owner, "settings": settings, "locked": sorted(preset.locked),
               "hidden": sorted(preset.hidden), "saved": time.time()}
        taken = ConfigError(N_("A preset named {name!r} is someone else's: choose another name."),
                            code="preset_taken", name=name)
        try:
            with self.engine.begin() as db:
                owner = db.execute(select(PRESETS.c.owner).where(PRESETS.c.name == name)).scalar()
                if owner is None:
                    db.execute(PRESETS.insert().values(**row))
                elif owner == preset.owner:
                    db.execute(PRESETS.update().where(PRESETS.c.name == name).values(**row))
                else:
                    raise taken
        except IntegrityError as err:  # another replica saved the same name between the look and the insert
            raise taken from err
        return Preset(name, settings, frozenset(row["locked"]), frozenset(row["hidden"]), preset.owner)

    def preset(self, name: str) -> Preset | None:
        try:
            name = preset_name(name)
        except ConfigError:
            return None
        with self.engine.connect() as db:
            row = db.execute(select(PRESETS).where(PRESETS.c.name == name)).mappings().first()
        if row is None:
            return None
        return Preset(row["name"], dict(row["settings"]), frozenset(row["locked"]), frozenset(row["hidden"]),
                      row["owner"])


@functools.lru_cache(maxsize=16)
def _shared(url: str) -> Store:
    return Store(url)


def _sqlite_pragmas(connection, _record):
    """WAL: one writer and many readers at once (several replicas on one machine); wait for a writer, not fail."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
