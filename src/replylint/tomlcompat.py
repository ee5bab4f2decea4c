"""A TOML parser: `tomli` when installed, else the standard library's `tomllib`.

tomli's wheels are compiled (mypyc): the rule data and the configuration are read
on every start, and tomli reads them in about a third of tomllib's time, with the
same results and the same error messages (tomllib is tomli, vendored, in pure
Python).
"""

from __future__ import annotations

try:
    import tomli as tomllib
except ImportError:  # pragma: no cover - tomli is a dependency; 3.11+ has tomllib
    import tomllib  # type: ignore[no-redef]

__all__ = ["tomllib"]
