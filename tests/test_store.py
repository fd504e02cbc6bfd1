"""The shared store (issue 16): instructor presets in a database every replica sees: SQLite by default."""

import pytest

from core.errors import ConfigError
from core.store import MAX_SETTINGS, Preset, Store


def test_a_preset_saved_by_one_replica_is_read_by_another_on_the_default_database(checkpoint_folder):
    one, two = Store(), Store()  # two servers on the same database (the default: SQLite beside the checkpoints)
    saved = one.save_preset(Preset("week 3: moons", {"data": "toy", "lr": "0.01"}, frozenset({"lr"}),
                                   frozenset({"data"}), owner="teacher"))
    assert saved.name == "week-3-moons"  # as a link carries it
    got = two.preset("week-3-moons")
    assert got == saved and got.settings == {"data": "toy", "lr": "0.01"}
    assert (checkpoint_folder / "playground.db").exists()
    assert two.preset("week 3: moons") == saved  # the name as typed finds it too
    assert two.preset("nothing") is None and two.preset("") is None


def test_only_its_owner_replaces_a_preset(db_url):
    store = Store(db_url)
    store.save_preset(Preset("lab", {"lr": "0.01"}, owner="teacher"))
    store.save_preset(Preset("lab", {"lr": "0.1"}, owner="teacher"))  # the teacher changes their own
    assert store.preset("lab").settings == {"lr": "0.1"}
    with pytest.raises(ConfigError) as err:
        store.save_preset(Preset("lab", {"lr": "10"}, owner="student"))
    assert err.value.code == "preset_taken" and "someone else's" in str(err.value)
    assert store.preset("lab").settings == {"lr": "0.1"}  # nothing lost


@pytest.mark.parametrize("settings, code", [
    ({f"p{i}": "1" for i in range(MAX_SETTINGS + 1)}, "preset_size"), ({"lr": "x" * 201}, "preset_size")])
def test_oversized_presets_are_refused(settings, code, db_url):
    with pytest.raises(ConfigError) as err:
        Store(db_url).save_preset(Preset("big", settings, owner="t"))
    assert err.value.code == code


def test_a_nameless_preset_is_refused():
    with pytest.raises(ConfigError) as err:
        Store().save_preset(Preset(" ./ ", {}, owner="t"))
    assert err.value.code == "preset_name"


def test_any_sqlalchemy_url_is_taken(tmp_path):
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    Store(url).save_preset(Preset("x", {"lr": "0.01"}, owner="t"))
    assert Store(url).preset("x").settings == {"lr": "0.01"} and (tmp_path / "elsewhere.db").exists()


def test_replicas_racing_for_one_name_leave_it_to_one_and_tell_the_others(db_url):
    """Eight servers save the same new preset name at once (each its own Store, as its own process would): one
    owns it, every other is told the name is taken, and none sees a database error."""
    import threading

    stores, outcomes, go = [Store(db_url) for _ in range(8)], {}, threading.Barrier(8)

    def save(i):
        go.wait()
        try:
            stores[i].save_preset(Preset("race", {"lr": str(i)}, owner=f"teacher{i}"))
            outcomes[i] = "saved"
        except ConfigError as err:
            outcomes[i] = err.code

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [i for i, o in outcomes.items() if o == "saved"]
    assert len(outcomes) == 8 and len(winners) == 1, outcomes
    assert set(outcomes.values()) == {"saved", "preset_taken"}
    assert Store(db_url).preset("race").settings == {"lr": str(winners[0])}
