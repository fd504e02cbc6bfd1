"""The presets and the Train page's widgets: a preset can only set a value its widget can show."""

import pytest

from core.training.presets import PRESETS
from dashboard import recipe_panel, train_panels


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_value_a_preset_sets_is_one_its_slider_or_menu_offers(name):
    options = {"tr_lr": train_panels.LEARNING_RATES, "tr_batch": train_panels.BATCH_SIZES}
    options |= {key: choices for key, (_setting, _param, choices) in recipe_panel.WIDGETS.items() if choices}
    settings = {key: setting for key, (setting, *_rest) in recipe_panel.WIDGETS.items()} | recipe_panel.FORM_WIDGETS
    for key, choices in options.items():
        assert PRESETS[name][settings[key]] in choices, key  # else the widget shows another value than the preset's
    assert set(settings.values()) <= set(PRESETS[name])  # every widget a preset fills is one of its settings
