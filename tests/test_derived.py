"""derived: values computed once per long-lived owner object."""

from __future__ import annotations

from replylint.text.derived import derived


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
