"""Every explorer, whatever its lesson: in its starting state each control is live and, moved,
redraws a different picture; its text is large enough to read in class; selection works."""

import ipywidgets as widgets
import pytest

from pooling_lib.explorers import all_explorers
from pooling_lib.explorers.base import NARROW_WIDTH_PX, WIDE_WIDTH_PX

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
    """From the starting state, each control (one at a time, on a fresh explorer) changes the picture."""
    names = list(cls().controls)
    for name in names:
        explorer = cls()
        assert bytes(explorer.image.value).startswith((b"\x89PNG", b"<?xml"))
        control = explorer.controls[name]
        assert not control.disabled, f"{cls.__name__}.{name} is disabled in the starting state"
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
def test_text_is_readable_in_class(cls):
    """>= 13 CSS px at a 1280-px JupyterLab window, >= 11 px at 900 px (the base's measure)."""
    explorer = cls()
    assert explorer.smallest_text_px(WIDE_WIDTH_PX) >= 13, explorer.text_sizes(WIDE_WIDTH_PX)[:3]
    assert explorer.smallest_text_px(NARROW_WIDTH_PX) >= 11, explorer.text_sizes(NARROW_WIDTH_PX)[:3]


SELECTABLE = [cls for cls in EXPLORERS if cls.selection_grids is not None]


@pytest.mark.parametrize("cls", SELECTABLE, ids=lambda c: c.__name__)
def test_clicking_a_cell_selects_it_and_escape_clears(cls):
    explorer = cls()
    explorer.clear_selection()  # some explorers start with a cell selected
    grids = explorer.selection_grids(explorer.values())
    for role in grids:
        before = explorer.image.value
        explorer.click(*explorer.cell_centre(role, 0, 0))
        assert explorer.selection == (role, 0, 0)
        assert explorer.image.value != before, f"{cls.__name__}: selecting {role} (0, 0) changed nothing"
        explorer.key("Escape")
        assert explorer.selection == ()


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_display_bundle_has_widget_and_png(cls):
    bundle = cls()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"].startswith(b"\x89PNG")


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_unknown_control_is_rejected(cls):
    with pytest.raises(TypeError, match="no control 'nonsense'"):
        cls(nonsense=1)
