"""Each lesson's data and exercises, one module per lesson, named by its job.

A lesson notebook imports its module and shows exercises by name; the
expected answers are computed in the module from the exercise's data, so no
answer is written in the notebook::

    from pooling_lib.lessons import windows_and_strides as lesson
    lesson.exercise("output-size")

Every module has an ``exercises`` (:class:`pooling_lib.exercises.ExerciseSet`)
and ``exercise = exercises`` (build one by name); ``exercises.solutions()``
gives the answers for the teacher's guide.

=======================  ==================================
module                   lesson
=======================  ==================================
``why_pool``             01 Why networks pool
``windows_and_strides``  02 Windows and strides
``maximum_positions``    03 Maximum positions
``backward_pass``        04 The backward pass and unpooling
``single_vs_batch``      05 One sample vs a batch
``padding``              06 Padding and output size
``gradient_checks``      07 Pitfalls and gradient checks
``cnn_pooling``          08 Pooling in a CNN
``global_adaptive``      09 Global and adaptive pooling
``aliasing``             10 Aliasing and blur pooling
=======================  ==================================

The modules are not imported here: a notebook imports only its own lesson.
"""

LESSON_MODULES = (
    "why_pool",
    "windows_and_strides",
    "maximum_positions",
    "backward_pass",
    "single_vs_batch",
    "padding",
    "gradient_checks",
    "cnn_pooling",
    "global_adaptive",
    "aliasing",
)

__all__ = ["LESSON_MODULES"]
