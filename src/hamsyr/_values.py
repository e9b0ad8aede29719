"""Small immutable value classes that cost next to nothing to define.

`typing.NamedTuple` and `dataclasses` generate and compile code for every class they make: about 0.2 ms
and 1.5 ms a class here, and a query defines some thirty small classes (views, query answers, options)
before it answers anything, which came to a twentieth of its start-up. A subclass of `Value` is declared
the same way (fields from its annotations, in order, with defaults) and gets the same behaviour (positional
or keyword construction, immutability, equality, hashing, repr, `_replace`, `_asdict`), from methods shared
by all of them instead of generated for each. Type checkers see it as a frozen dataclass (PEP 681).

Records, which are made by the thousand and stored as rows, stay NamedTuples: they are tuples.
"""

from inspect import get_annotations
from typing import Any, ClassVar, TypeVar, dataclass_transform

_V = TypeVar("_V", bound="Value")


@dataclass_transform(frozen_default=True)
class Value:
    """Base of immutable value classes: subclass it and annotate the fields."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = tuple(get_annotations(cls))
        cls._defaults = {name: cls.__dict__[name] for name in cls._fields if name in cls.__dict__}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} values, not {len(args)}")
        values = dict(zip(fields, args, strict=False))
        for name, value in kwargs.items():
            if name not in fields or name in values:
                raise TypeError(f"{type(self).__name__} got an unexpected or repeated value for {name!r}")
            values[name] = value
        for name in fields:
            if name not in values:
                if name not in self._defaults:
                    raise TypeError(f"{type(self).__name__} needs a value for {name!r}")
                values[name] = self._defaults[name]
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; use _replace")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(self.__dict__[name] for name in self._fields)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"

    def _asdict(self) -> dict[str, Any]:
        return {name: self.__dict__[name] for name in self._fields}

    def _replace(self: _V, **changes: Any) -> _V:
        return type(self)(**{**self._asdict(), **changes})
