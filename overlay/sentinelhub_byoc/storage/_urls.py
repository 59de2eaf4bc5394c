"""Bucket names, ``s3://`` URLs and object keys: what each must be, and how one is split.

The COG checks, sync, the conversions and the emulator read these the same way here.
"""

from __future__ import annotations

import re

import attrs

from sentinelhub_byoc._paths import has_unsafe_segment
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.storage._errors import InvalidBucketNameError

__all__ = [
    "MAX_KEY_BYTES",
    "S3Location",
    "object_key_problem",
    "parse_s3_url",
    "split_object_url",
    "split_s3_url",
    "storage_bucket",
    "validate_bucket_name",
]

MAX_KEY_BYTES = 1024
"""The longest key S3 takes, in bytes of UTF-8."""

_BUCKET_CHARS = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP_ADDRESS = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
# C0 and C1 control characters (a newline in a key splits any listing of it) and the backslash,
# which some tools read as a folder separator: the service cannot be trusted to read them alike.
_BAD_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")


def validate_bucket_name(name: str) -> str:
    """Return ``name`` if it follows the S3 naming rules, else raise InvalidBucketNameError."""
    problem = None
    if not _BUCKET_CHARS.match(name):
        problem = (
            "it must be 3 to 63 characters of lowercase letters, digits, dots and hyphens, "
            "beginning and ending with a letter or digit"
        )
    elif ".." in name or ".-" in name or "-." in name:
        problem = "a dot may not stand next to another dot or a hyphen"
    elif _IP_ADDRESS.match(name):
        problem = "it may not look like an IP address"
    elif name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES):
        problem = "it uses a prefix or suffix that S3 reserves"
    if problem is not None:
        raise InvalidBucketNameError(f"bucket name {name!r} is not valid: {problem}")
    return name


def storage_bucket(name: str) -> str:
    """Return the bucket's own name from a collection's ``s3Bucket``.

    The Copernicus Data Space deployment names buckets ``PROJECT_ID:bucket``; the store holds
    the bucket under its own name, after the colon.
    """
    return name.rpartition(":")[2]


def object_key_problem(key: str) -> str | None:
    """Why *key* cannot name an object that a URL reads back as itself, or ``None`` when it can.

    A key is refused when it has an empty, ``.`` or ``..`` segment (a URL would read another
    key), is not valid UTF-8, is longer than :data:`MAX_KEY_BYTES` bytes, or holds a control
    character or a backslash.

    >>> object_key_problem("2024/05/B04.tif") is None
    True
    >>> object_key_problem("2024//B04.tif")
    "'2024//B04.tif' has an empty, '.' or '..' segment, which a URL reads as another key: rename it"
    """
    if has_unsafe_segment(key):
        return f"{key!r} has an empty, '.' or '..' segment, which a URL reads as another key: rename it"
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        return f"{key!r} is not valid UTF-8 (a file name in another encoding): rename it"
    if size > MAX_KEY_BYTES:
        return f"{key[:60]!r}... is {size} bytes long, more than the {MAX_KEY_BYTES} S3 takes: shorten it"
    found = _BAD_CHARACTERS.search(key)
    if found is not None:
        return f"{key!r} holds the character {found.group()!r}, which the service cannot take: rename it"
    return None


@attrs.frozen
class S3Location:
    """A bucket and a key prefix in it (``""`` for the whole bucket, else ending in ``/``)."""

    bucket: str
    prefix: str

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def split_object_url(url: str) -> tuple[str, str]:
    """The bucket and key of ``s3://bucket/key`` (an object, so the key is taken as it is).

    >>> split_object_url("s3://raw/2024/scene.tif")
    ('raw', '2024/scene.tif')
    """
    bucket, _, key = url[len("s3://") :].partition("/")
    return bucket, key


def parse_s3_url(url: str, what: str = "source") -> S3Location:
    """``s3://bucket/prefix`` as an :class:`S3Location`; the prefix always ends in ``/``."""
    if not url.startswith("s3://"):
        raise ValidationError(f"{what} must be an s3://bucket/prefix URL, got {url!r}")
    bucket, _, prefix = url[len("s3://") :].partition("/")
    if not bucket:
        raise ValidationError(f"{what} {url!r} names no bucket: write s3://bucket/prefix")
    prefix = prefix.strip("/")
    problem = object_key_problem(prefix) if prefix else None
    if problem is not None:
        raise ValidationError(f"{what} {url!r}: the prefix {problem}")
    return S3Location(bucket, f"{prefix}/" if prefix else "")


def split_s3_url(url: str, *, key_required: bool) -> tuple[str, str]:
    """The bucket and key (or prefix) of ``s3://bucket/key``, the bucket name checked.

    With *key_required* the URL must name an object, not a bucket or a folder.
    """
    bucket, key = split_object_url(url)
    try:
        validate_bucket_name(bucket)
    except InvalidBucketNameError as bad:
        raise ValidationError(f"{url}: {bad}") from None
    if key_required and (not key or key.endswith("/")):
        raise ValidationError(f"{url} names no object: give s3://bucket/path/to/file.tif")
    return bucket, key
