"""`lazy_property`: `functools.cached_property` without its lock.

On Python 3.10 and 3.11 `cached_property` takes a lock shared by every instance on
each first read, which costs twice the read itself; an `Analysis` has a dozen such
parts, read once each per reply. Values here are plain functions of the instance:
two threads that both compute one store the same value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class lazy_property(Generic[T]):  # named like the decorator it replaces
    """Computed on first read, then kept in the instance's `__dict__` (which is
    read first from then on: this descriptor defines no `__set__`)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> lazy_property[T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value
