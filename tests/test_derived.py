"""derived: values computed once per long-lived owner object."""

from __future__ import annotations

from replylint.text.derived import derived, derived_in


def test_computed_once_per_owner_and_key() -> None:
    calls: list[str] = []
    table = {"a": 1}

    def make(label: str) -> str:
        calls.append(label)
        return label

    assert derived(table, "x", lambda: make("first")) == "first"
    assert derived(table, "x", lambda: make("again")) == "first"
    assert derived(table, "y", lambda: make("other key")) == "other key"
    assert derived({"a": 1}, "x", lambda: make("equal but another object")) == (
        "equal but another object"
    )
    assert calls == ["first", "other key", "equal but another object"]


def test_derived_in_keeps_one_value_per_owner_object() -> None:
    cache: dict[int, tuple[object, str]] = {}
    table = {"a": 1}
    assert derived_in(cache, table, str.upper, "first") == "FIRST"
    assert derived_in(cache, table, str.upper, "again") == "FIRST"
    assert derived_in(cache, {"a": 1}, str.upper, "equal but another object") == (
        "EQUAL BUT ANOTHER OBJECT"
    )
    assert len(cache) == 2
