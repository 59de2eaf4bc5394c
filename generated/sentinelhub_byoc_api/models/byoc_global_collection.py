# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BYOCGlobalCollection")


@_attrs_define
class BYOCGlobalCollection:
    """
    Attributes:
        id (UUID | Unset):
        name (str | Unset):
        s_3_bucket (str | Unset):
        location (str | Unset): The location id of the deployment that holds the collection.
    """

    id: UUID | Unset = UNSET
    name: str | Unset = UNSET
    s_3_bucket: str | Unset = UNSET
    location: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        name = self.name

        s_3_bucket = self.s_3_bucket

        location = self.location

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if s_3_bucket is not UNSET:
            field_dict["s3Bucket"] = s_3_bucket
        if location is not UNSET:
            field_dict["location"] = location

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        name = d.pop("name", UNSET)

        s_3_bucket = d.pop("s3Bucket", UNSET)

        location = d.pop("location", UNSET)

        byoc_global_collection = cls(
            id=id,
            name=name,
            s_3_bucket=s_3_bucket,
            location=location,
        )

        byoc_global_collection.additional_properties = d
        return byoc_global_collection

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
