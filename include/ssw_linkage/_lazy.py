"""numpy and pyarrow, imported on first use: only processes that check rows load them (about 0.4 s and
50 MB), not every process that imports the spec (DAG parsing, sensors, the CLI's other commands)."""

from __future__ import annotations

import importlib
import importlib.abc
import os
import sys
from types import ModuleType


class LazyModule:
    """A module imported the first time one of its attributes is read."""

    def __init__(self, name: str):
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str):
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
            if self._name.startswith("pyarrow"):
                _arrow_ready()
        return getattr(module, attribute)


_ready = False


def _arrow_ready() -> None:
    """Once per process, before pyarrow converts a value: hide pandas from its first look, and use jemalloc.

    pyarrow looks for pandas the first time it converts a value (to recognise pandas objects) and so loads
    it: 0.3 s and 40 MB in every process, for nothing, as the checker hands it no pandas object. Its first
    look is made here with pandas out of sight (unless the process has loaded pandas already); pyarrow
    still loads pandas later for a caller that asks it for pandas objects (``to_pandas``). Arrow's jemalloc
    pool returns freed batches to the system sooner than mimalloc: a lower, flatter peak."""
    global _ready
    if _ready:
        return
    _ready = True
    import numpy
    import pyarrow

    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        try:
            pyarrow.set_memory_pool(pyarrow.jemalloc_memory_pool())
        except NotImplementedError:  # a pyarrow built without jemalloc
            pass
    if "pandas" in sys.modules:
        return

    class _Hidden(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "pandas" or name.startswith("pandas."):
                raise ImportError(name)

    hidden = _Hidden()
    sys.meta_path.insert(0, hidden)
    try:
        pyarrow.array(numpy.zeros(0, dtype=bool))
    finally:
        sys.meta_path.remove(hidden)


np = LazyModule("numpy")
pa = LazyModule("pyarrow")
pc = LazyModule("pyarrow.compute")
pacsv = LazyModule("pyarrow.csv")
