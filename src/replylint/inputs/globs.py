"""Gitignore-style globs relative to a folder: the `files` and `exclude` settings.

`*.reply` matches at any depth, `templates/` every file below that folder. A path
outside the folder is matched by its name alone. pathspec is imported on first use:
most runs name no glob at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec


@lru_cache(maxsize=256)
def _spec(globs: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(globs)


def matching_glob(globs: Sequence[str], path: Path, root: Path | None) -> str | None:
    """The first of `globs` that matches `path` (relative to `root`, else its name)."""
    if not globs:
        return None
    relative: PurePosixPath | None = None
    if root is not None:
        try:
            relative = PurePosixPath(path.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            relative = None
    candidate = str(relative) if relative is not None else path.name
    for glob in globs:
        if _spec((glob,)).match_file(candidate):
            return glob
    return None
