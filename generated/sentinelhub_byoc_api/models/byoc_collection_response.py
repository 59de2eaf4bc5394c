# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.byoc_collection import BYOCCollection


T = TypeVar("T", bound="BYOCCollectionResponse")


@_attrs_define
class BYOCCollectionResponse:
    """
    Attributes:
        data (BYOCCollection | Unset):
    """

    data: BYOCCollection | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.byoc_collection import BYOCCollection

        d = dict(src_dict)
        _data = d.pop("data", UNSET)
        data: BYOCCollection | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = BYOCCollection.from_dict(_data)

        byoc_collection_response = cls(
            data=data,
        )

        byoc_collection_response.additional_properties = d
        return byoc_collection_response

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
