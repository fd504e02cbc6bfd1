"""The shared store (issue 16): instructor presets in a database every replica sees: SQLite by default."""

import pytest

from core.errors import ConfigError
from core.store import MAX_SETTINGS, Preset, Store


def test_a_preset_saved_by_one_replica_is_read_by_another(checkpoint_folder):
    one, two = Store(), Store()  # two servers on the same database (the default: SQLite beside the checkpoints)
    saved = one.save_preset(Preset("week 3: moons", {"data": "toy", "lr": "0.01"}, frozenset({"lr"}),
                                   frozenset({"data"}), owner="teacher"))
    assert saved.name == "week-3-moons"  # as a link carries it
    got = two.preset("week-3-moons")
    assert got == saved and got.settings == {"data": "toy", "lr": "0.01"}
    assert (checkpoint_folder / "playground.db").exists()
    assert two.preset("week 3: moons") == saved  # the name as typed finds it too
    assert two.preset("nothing") is None and two.preset("") is None


def test_only_its_owner_replaces_a_preset():
    store = Store()
    store.save_preset(Preset("lab", {"lr": "0.01"}, owner="teacher"))
    store.save_preset(Preset("lab", {"lr": "0.1"}, owner="teacher"))  # the teacher changes their own
    assert store.preset("lab").settings == {"lr": "0.1"}
    with pytest.raises(ConfigError) as err:
        store.save_preset(Preset("lab", {"lr": "10"}, owner="student"))
    assert err.value.code == "preset_taken" and "someone else's" in str(err.value)
    assert store.preset("lab").settings == {"lr": "0.1"}  # nothing lost


@pytest.mark.parametrize("settings, code", [
    ({f"p{i}": "1" for i in range(MAX_SETTINGS + 1)}, "preset_size"), ({"lr": "x" * 201}, "preset_size")])
def test_oversized_presets_are_refused(settings, code):
    with pytest.raises(ConfigError) as err:
        Store().save_preset(Preset("big", settings, owner="t"))
    assert err.value.code == code


def test_a_nameless_preset_is_refused():
    with pytest.raises(ConfigError) as err:
        Store().save_preset(Preset(" ./ ", {}, owner="t"))
    assert err.value.code == "preset_name"


def test_any_sqlalchemy_url_is_taken(tmp_path):
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    Store(url).save_preset(Preset("x", {"lr": "0.01"}, owner="t"))
    assert Store(url).preset("x").settings == {"lr": "0.01"} and (tmp_path / "elsewhere.db").exists()
