"""Renamed public names and keyword arguments keep working for a while, with a DeprecationWarning."""

from __future__ import annotations

import types
import warnings

import pytest
from sentinelhub_byoc._deprecation import deprecated_alias, renamed_keyword
from sentinelhub_byoc._lazy import lazy_getattr

MESSAGE = "example.old_dumps is deprecated since 0.2 and will be removed in 0.3; use example.dumps instead"


def lazy_module_with_renamed_name() -> types.ModuleType:
    """A module whose ``dumps`` is imported lazily and was called ``old_dumps`` before."""
    module = types.ModuleType("example")
    namespace = vars(module)
    namespace["__getattr__"] = lazy_getattr(namespace, {"dumps": "json"})
    deprecated_alias(namespace, "old_dumps", "dumps", since="0.2", remove_in="0.3")
    return module


def test_the_old_name_works_and_warns_naming_the_new_name_and_the_removal() -> None:
    module = lazy_module_with_renamed_name()

    with pytest.warns(DeprecationWarning, match="use example.dumps") as caught:
        old_dumps = module.old_dumps

    assert old_dumps({"a": 1}) == '{"a": 1}'
    assert [str(warning.message) for warning in caught] == [MESSAGE]
    assert caught[0].filename == __file__


def test_the_old_name_warns_once_on_every_access() -> None:
    module = lazy_module_with_renamed_name()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        module.old_dumps  # noqa: B018
        module.old_dumps  # noqa: B018

    assert [str(warning.message) for warning in caught] == [MESSAGE, MESSAGE]


def test_the_new_name_does_not_warn_and_is_still_imported_lazily() -> None:
    module = lazy_module_with_renamed_name()
    assert "dumps" not in vars(module)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dumps = module.dumps

    assert dumps.__module__ == "json"
    assert "old_dumps" not in vars(module)


def test_unknown_names_still_raise_attribute_error() -> None:
    module = lazy_module_with_renamed_name()
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        module.missing  # noqa: B018


def test_a_module_without_getattr_gets_one() -> None:
    module = types.ModuleType("example")
    module.dumps = len
    deprecated_alias(vars(module), "old_dumps", "dumps", since="0.2", remove_in="0.3")

    with pytest.warns(DeprecationWarning, match="use example.dumps instead"):
        assert module.old_dumps is len
    with pytest.raises(AttributeError):
        module.missing  # noqa: B018


@renamed_keyword("bucket", "s3_bucket", since="0.2", remove_in="0.3")
def create(name: str, *, s3_bucket: str) -> str:
    """Example: ``bucket=`` became ``s3_bucket=``."""
    return f"{name} in {s3_bucket}"


def test_a_renamed_keyword_still_works_and_warns() -> None:
    with pytest.warns(DeprecationWarning, match="'bucket' argument") as caught:
        assert create("cogs", bucket="my-bucket") == "cogs in my-bucket"  # type: ignore[call-arg]

    assert [str(warning.message) for warning in caught] == [
        "the 'bucket' argument of create() is deprecated since 0.2 and will be removed in 0.3;"
        " use 's3_bucket' instead"
    ]
    assert caught[0].filename == __file__


def test_the_new_keyword_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert create("cogs", s3_bucket="my-bucket") == "cogs in my-bucket"


def test_both_keywords_at_once_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="both 'bucket' and 's3_bucket'"):
        create("cogs", bucket="a", s3_bucket="b")  # type: ignore[call-arg]
