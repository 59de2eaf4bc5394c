"""Bucket names, ``s3://`` and ``gs://`` URLs and object keys: what each must be, and how one is split.

The COG checks, sync, the conversions and the emulator read these the same way here.
"""

from __future__ import annotations

import re
from typing import TypeGuard

import attrs

from sentinelhub_byoc._paths import has_unsafe_segment
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.storage._errors import InvalidBucketNameError

__all__ = [
    "BUCKET_SCHEMES",
    "MAX_KEY_BYTES",
    "BucketLocation",
    "S3Location",
    "bucket_url",
    "is_bucket_url",
    "object_key_problem",
    "parse_bucket_url",
    "parse_s3_url",
    "split_bucket_url",
    "split_object_url",
    "split_s3_url",
    "storage_bucket",
    "url_scheme",
    "validate_bucket_name",
]

BUCKET_SCHEMES = ("s3", "gs")
"""The schemes of bucket URLs: ``s3://`` (S3 and compatible stores) and ``gs://`` (Google Cloud Storage)."""

_URL_WORDS = "an s3://bucket/prefix or gs://bucket/prefix URL"

MAX_KEY_BYTES = 1024
"""The longest key S3 takes, in bytes of UTF-8."""

_BUCKET_CHARS = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP_ADDRESS = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
# C0 and C1 control characters (a newline in a key splits any listing of it) and the backslash,
# which some tools read as a folder separator: the service cannot be trusted to read them alike.
_BAD_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")


_GCS_BUCKET_CHARS = re.compile(r"^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$")


def _gcs_bucket_problem(name: str) -> str | None:
    """Why *name* breaks the Cloud Storage bucket naming rules, or ``None``."""
    if not _GCS_BUCKET_CHARS.match(name):
        return (
            "it must be 3 to 222 characters of lowercase letters, digits, dots, hyphens and "
            "underscores, beginning and ending with a letter or digit"
        )
    if any(not 1 <= len(part) <= 63 for part in name.split(".")):
        return "each of its dot-separated parts must be 1 to 63 characters long"
    if _IP_ADDRESS.match(name):
        return "it may not look like an IP address"
    if name.startswith("goog") or "google" in name or "g00gle" in name:
        return "it may not begin with 'goog' or hold 'google', which Cloud Storage reserves"
    return None


def validate_bucket_name(name: str, scheme: str = "s3") -> str:
    """Return ``name`` if it follows the naming rules of *scheme*'s store, else raise InvalidBucketNameError.

    ``s3`` buckets follow the S3 rules, ``gs`` buckets the Cloud Storage ones (underscores and
    longer dotted names allowed, ``goog`` prefixes refused).
    """
    if scheme == "gs":
        problem = _gcs_bucket_problem(name)
        if problem is not None:
            raise InvalidBucketNameError(f"bucket name {name!r} is not valid: {problem}")
        return name
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
class BucketLocation:
    """A bucket and a key prefix in it (``""`` for the whole bucket, else ending in ``/``).

    ``scheme`` is the store: ``"s3"`` or ``"gs"`` (see :data:`BUCKET_SCHEMES`).
    """

    bucket: str
    prefix: str
    scheme: str = "s3"

    def __str__(self) -> str:
        return f"{self.scheme}://{self.bucket}/{self.prefix}"

    def url(self, key: str) -> str:
        """The URL of the object *key* (a whole key, not one relative to the prefix) in this bucket."""
        return bucket_url(self.scheme, self.bucket, key)


S3Location = BucketLocation
"""The name :class:`BucketLocation` had when S3 was the only store."""


def url_scheme(text: object) -> str | None:
    """The scheme of a bucket URL (``"s3"`` or ``"gs"``), or ``None`` for anything else.

    >>> url_scheme("gs://bucket/key"), url_scheme("./folder")
    ('gs', None)
    """
    if isinstance(text, str):
        for scheme in BUCKET_SCHEMES:
            # Schemes are case-insensitive (RFC 3986): S3:// is s3://.
            if text[: len(scheme) + 3].lower() == f"{scheme}://":
                return scheme
    return None


def is_bucket_url(text: object) -> TypeGuard[str]:
    """Whether *text* is a URL of a bucket or an object in one (``s3://`` or ``gs://``)."""
    return url_scheme(text) is not None


def bucket_url(scheme: str, bucket: str, key: str) -> str:
    """``scheme://bucket/key``."""
    return f"{scheme}://{bucket}/{key}"


def split_bucket_url(url: str) -> tuple[str, str, str]:
    """The scheme, bucket and key of ``s3://bucket/key`` or ``gs://bucket/key``, taken as they are.

    >>> split_bucket_url("gs://raw/2024/scene.tif")
    ('gs', 'raw', '2024/scene.tif')
    """
    scheme = url_scheme(url)
    if scheme is None:
        raise ValidationError(f"{url!r} is not {_URL_WORDS}")
    bucket, _, key = url[len(scheme) + 3 :].partition("/")
    return scheme, bucket, key


def split_object_url(url: str) -> tuple[str, str]:
    """The bucket and key of ``s3://bucket/key`` or ``gs://bucket/key`` (an object: the key as it is).

    >>> split_object_url("s3://raw/2024/scene.tif")
    ('raw', '2024/scene.tif')
    """
    _, bucket, key = split_bucket_url(url)
    return bucket, key


def parse_bucket_url(url: str, what: str = "source") -> BucketLocation:
    """An ``s3://`` or ``gs://bucket/prefix`` URL as a :class:`BucketLocation`, its prefix ending in ``/``."""
    scheme = url_scheme(url)
    if scheme is None:
        raise ValidationError(f"{what} must be {_URL_WORDS}, got {url!r}")
    _, bucket, prefix = split_bucket_url(url)
    if not bucket:
        raise ValidationError(f"{what} {url!r} names no bucket: write {scheme}://bucket/prefix")
    prefix = prefix.strip("/")
    problem = object_key_problem(prefix) if prefix else None
    if problem is not None:
        raise ValidationError(f"{what} {url!r}: the prefix {problem}")
    return BucketLocation(bucket, f"{prefix}/" if prefix else "", scheme)


parse_s3_url = parse_bucket_url
"""The name :func:`parse_bucket_url` had when S3 was the only store."""


def split_s3_url(url: str, *, key_required: bool) -> tuple[str, str]:
    """The bucket and key (or prefix) of ``s3://bucket/key`` or ``gs://bucket/key``, the bucket name checked.

    With *key_required* the URL must name an object, not a bucket or a folder.
    """
    scheme, bucket, key = split_bucket_url(url)
    try:
        validate_bucket_name(bucket, scheme)
    except InvalidBucketNameError as bad:
        raise ValidationError(f"{url}: {bad}") from None
    if key_required and (not key or key.endswith("/")):
        raise ValidationError(f"{url} names no object: give {scheme}://bucket/path/to/file.tif")
    return bucket, key
