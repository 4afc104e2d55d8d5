"""Every explorer, whatever its lesson: each control, moved, redraws a different picture."""

import ipywidgets as widgets
import numpy as np
import pytest

from pooling_lib.explorers import all_explorers

EXPLORERS = all_explorers()


def other_values(control):
    """Values different from the control's current one that it accepts."""
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider, widgets.BoundedIntText,
                            widgets.BoundedFloatText)):
        candidates = [control.min, control.max, (control.min + control.max) / 2]
        if isinstance(control, (widgets.IntSlider, widgets.BoundedIntText)):
            candidates = [int(round(c)) for c in candidates]
    elif isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        candidates = [not control.value]
    elif hasattr(control, "options"):
        candidates = [v for _, v in control._options_full] if hasattr(control, "_options_full") else list(control.options)
    else:
        raise AssertionError(f"no rule to move a {type(control).__name__}")
    return [v for v in dict.fromkeys(candidates) if v != control.value]


def test_there_are_explorers():
    assert len(EXPLORERS) >= 1


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_every_control_redraws(cls):
    explorer = cls()
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    for name, control in explorer.controls.items():
        moves = other_values(control)
        assert moves, f"{cls.__name__}.{name} cannot be moved"
        for value in moves:
            before, renders = explorer.image.value, explorer.renders
            control.value = value
            assert explorer.renders > renders, f"{cls.__name__}.{name}={value!r} did not redraw"
            assert explorer.image.value != before or control.value != value, (
                f"{cls.__name__}.{name}={value!r} left the picture unchanged"
            )


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_display_bundle_has_widget_and_png(cls):
    bundle = cls()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"].startswith(b"\x89PNG")


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_unknown_control_is_rejected(cls):
    with pytest.raises(TypeError, match="no control 'nonsense'"):
        cls(nonsense=1)
