"""lazy: a property computed on first read and then kept."""

from __future__ import annotations

from replylint.text.lazy import lazy_property


class _Counter:
    def __init__(self) -> None:
        self.calls = 0

    @lazy_property
    def value(self) -> int:
        """Counts its computations."""
        self.calls += 1
        return 40 + self.calls


def test_computed_once_per_instance() -> None:
    first, second = _Counter(), _Counter()
    assert (first.value, first.value, first.calls) == (41, 41, 1)
    assert (second.value, second.calls) == (41, 1)


def test_read_on_the_class_gives_the_descriptor_and_its_doc() -> None:
    assert isinstance(_Counter.value, lazy_property)
    assert _Counter.value.__doc__ == "Counts its computations."
