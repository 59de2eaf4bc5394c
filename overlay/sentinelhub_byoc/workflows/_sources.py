"""What a sync takes as its files: keys the service can read back, and keys given as a list.

Where the files are (a folder, an S3 prefix) is read by :mod:`sentinelhub_byoc.storage`; here
are the service's own limits on keys: besides what no object key may be (empty, ``.`` or
``..`` segments, control characters, too long), a key may not hold ``(BAND)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sentinelhub_byoc.cog._layout import BAND
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.storage._urls import object_key_problem

__all__ = ["check_keys", "is_key_list", "key_problem", "key_problems"]


def key_problem(key: str, *, pattern: bool = False) -> str | None:
    """Why *key* cannot be a file of a tile, or ``None`` when it can.

    A key is refused when it holds ``(BAND)`` (unless it is a tile path *pattern*), or when it
    cannot name an object at all (:func:`~sentinelhub_byoc.storage._urls.object_key_problem`:
    an empty, ``.`` or ``..`` segment, a control character or a backslash, a name that is not
    valid UTF-8, or too many bytes).

    >>> key_problem("2024/05/B04.tif") is None
    True
    >>> key_problem("2024/(BAND).tif")
    "'2024/(BAND).tif' holds (BAND), which the service replaces by each band's name: rename it"
    """
    if not pattern and BAND in key:
        return f"{key!r} holds {BAND}, which the service replaces by each band's name: rename it"
    return object_key_problem(key)


def key_problems(keys: Iterable[str], *, patterns: bool = False) -> dict[str, str]:
    """The keys :func:`key_problem` refuses, with the reason.

    With *patterns*, keys holding ``(BAND)`` are tile paths, which may hold it.
    """
    found: dict[str, str] = {}
    for key in keys:
        problem = key_problem(key, pattern=patterns and BAND in key)
        if problem is not None:
            found[key] = problem
    return found


def check_keys(keys: Iterable[object]) -> None:
    """Refuse keys given by the caller that are no key in a bucket (not text, empty, absolute).

    Such keys have no size or time: a sync given them lists nothing, and nothing counts as changed.
    """
    for key in keys:
        if not isinstance(key, str) or not key or key[0] == "/":
            raise ValidationError(f"each path must be a key in the bucket such as 'a/B04.tif', got {key!r}")


def is_key_list(source: object) -> bool:
    """Whether *source* is a list of keys rather than a folder or a URL."""
    return isinstance(source, Sequence) and not isinstance(source, str | bytes)
