"""Lesson 06, padding and output size: its data and its exercises.

* :data:`POST_PAD_CODE`: the two lines of the seed blog post's ``pad=True`` the lesson
  examines (rebuilt in full in lesson 07), so the lesson can show them.
* ``exercises``: the lesson's exercises, answers computed here with
  :func:`pooling_lib.output_size` and :mod:`pooling_lib.conventions`.
"""

from ..conventions import divisor_map, same_padding
from ..core import output_size, window_count
from ..exercises import Choice, Exercise, ExerciseSet

__all__ = ["POST_PAD_CODE", "exercises", "exercise"]

#: What the post's ``pad=True`` does, in its own two lines (h rows, window f, stride s).
POST_PAD_CODE = """\
rows = h // s + 1                                     # the number of windows per axis
padded = np.full(((rows - 1) * s + f, ...), 0)        # the padded array: integer zeros"""

# ---------------------------------------------------------------- exercises
exercises = ExerciseSet()
exercise = exercises

#: Exercise "ceil-count": n, f, stride, padding (ceil_mode=True).
EX_CEIL = (11, 3, 3, 1)
#: Exercise "same-padding": n, f, stride (TensorFlow 'same').
EX_SAME = (7, 4, 3)
#: Exercise "divisor": n, f, stride, padding (count_include_pad=False).
EX_DIVISOR = (6, 4, 2, 2)
#: Exercise "dilated-count": n, f, stride, dilation.
EX_DILATED = (9, 3, 1, 2)


@exercises.add("ceil-count")
def _ceil_count():
    n, f, s, p = EX_CEIL
    count = window_count(n, f, s, p, ceil_mode=True)
    return Exercise(
        f"PyTorch, one axis of n = {n} cells, window {f}, stride {s}, padding {p}, <code>ceil_mode=True</code>. "
        f"How many windows?",
        expected=count.size,
        hint=f"Round ({n} + {2 * p} − {f}) / {s} up, add 1, then check where the last window would start.",
        misconceptions={count.counted: "That is the formula's count. Check where the last window starts: "
                        f"window {count.counted} would start at ({count.counted} − 1)·{s} − {p} = "
                        f"{(count.counted - 1) * s - p}, past the input's last cell {n - 1}, so PyTorch drops it."}
        if count.counted != count.size else None,
        explanation="A last window that would start in the right padding holds no input cell: it is dropped.")


@exercises.add("same-padding")
def _same_padding():
    n, f, s = EX_SAME
    before, after = same_padding(n, f, s)
    return Exercise(
        f"Keras <code>MaxPooling1D(pool_size={f}, strides={s}, padding='same')</code> on a sequence of length {n}. "
        f"How many padding cells go before and after the input? Answer as a pair <code>(before, after)</code>.",
        expected=(before, after),
        hint=f"First the output size ⌈{n} / {s}⌉, then the total padding; the odd cell goes after.",
        misconceptions=[((after, before), "TensorFlow puts the odd cell at the end (bottom/right), not at "
                                          "the start.")],
        explanation=f"Total {before + after} cells, odd: {before} before, {after} after, which PyTorch's "
                    f"symmetric padding cannot express.")


@exercises.add("divisor")
def _divisor():
    n, f, s, p = EX_DIVISOR
    return Exercise(
        f"A {n} × {n} input is mean-pooled with {f} × {f} windows, stride {s}, padding {p} and "
        f"<code>count_include_pad=False</code>. What does the top-left window divide its sum by?",
        expected=int(divisor_map(n, f, s, padding=p, count_include_pad=False)[0, 0]),
        hint=f"The window starts {p} cells into the padding along each axis: how many real rows and columns "
             f"does it cover?",
        misconceptions={f * f: "That is count_include_pad=True, which counts the padding cells; False divides "
                               "by the real cells only."},
        explanation=f"The window covers rows and columns −{p} to {f - p - 1}: {f - p} real ones along each axis, "
                    f"so {f - p}·{f - p} real cells.")


@exercises.add("dilated-count")
def _dilated_count():
    n, f, s, d = EX_DILATED
    return Exercise(
        f"Max pooling along an axis of n = {n} cells with window {f}, stride {s} and dilation {d}. "
        f"How many windows?",
        expected=output_size(n, f, s, dilation=d),
        hint=f"A dilated window spans d·(f − 1) + 1 = {d * (f - 1) + 1} cells.",
        misconceptions={output_size(n, f, s): f"That is the undilated window of {f} cells; with dilation {d} "
                        f"it spans {d * (f - 1) + 1}."},
        explanation=f"⌊({n} − {d * (f - 1) + 1}) / {s}⌋ + 1 = {output_size(n, f, s, dilation=d)}: the span "
                    f"d·(f − 1) + 1 takes the place of f in the formula.")


@exercises.add("same-as-torch")
def _same_as_torch():
    return Choice(
        "When can TensorFlow's <code>padding='same'</code> be written as PyTorch's <code>padding=p</code> "
        "(for max pooling)?",
        {"always": "Not when the total padding is odd: TensorFlow then puts the extra cell at the end, and "
         "PyTorch pads both ends equally.",
         "when the total padding is even: then p = total / 2": "Right. With an even total, both ends get the "
         "same number of cells, which is what PyTorch's padding means (for mean pooling also set "
         "count_include_pad=False: 'same' divides by the real cells only).",
         "never: TensorFlow pads with zeros": "For max pooling neither library lets padding win; the "
         "difference is only where the padding goes."},
        answer="when the total padding is even: then p = total / 2")


@exercises.add("why-drop")
def _why_drop():
    return Choice(
        "Why does PyTorch drop a <code>ceil_mode</code> window that would start in the right padding, instead "
        "of keeping it?",
        {"it would hold no input cell, only padding": "Right. Such a window has no real value to take the "
         "maximum of or to average: its output would be made up.",
         "to keep the output size even": "Output sizes can be odd; the rule looks only at where the last "
         "window starts.",
         "ceil_mode rounds down at the end": "ceil_mode rounds up; the extra rule then removes a window that "
         "rounding up created past the input."},
        answer="it would hold no input cell, only padding")
