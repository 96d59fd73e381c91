"""Packages whose names load on first use: ``graph`` and ``graph.pipeline`` import a
module only when one of its names is asked for, so ``import graph`` and every command
start without networkx, requests or the endpoint."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping

__all__ = ["lazy_names"]


def lazy_names(package: str, homes: Mapping[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A ``__getattr__`` and a ``__dir__`` for ``package``, whose names ``homes`` maps to
    the module that defines them (absolute, or relative to ``package``).

    >>> getattr_, _dir = lazy_names("graph", {"Iris": "graph.model"})
    >>> getattr_("Iris").__name__
    'Iris'
    """
    namespace = sys.modules[package].__dict__

    def load(name: str) -> object:
        module = homes.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value  # later lookups skip this function
        return value

    def names() -> list[str]:
        return sorted(namespace.get("__all__", ()))

    return load, names
