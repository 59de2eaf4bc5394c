# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.boom import Boom


T = TypeVar("T", bound="RestErrorWrapper")


@_attrs_define
class RestErrorWrapper:
    """
    Attributes:
        error (Boom | Unset):
    """

    error: Boom | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.boom import Boom

        d = dict(src_dict)
        _error = d.pop("error", UNSET)
        error: Boom | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = Boom.from_dict(_error)

        rest_error_wrapper = cls(
            error=error,
        )

        rest_error_wrapper.additional_properties = d
        return rest_error_wrapper

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
