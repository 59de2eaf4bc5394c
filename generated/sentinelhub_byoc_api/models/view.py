# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="View")


@_attrs_define
class View:
    """Links to paginate the resource

    Attributes:
        current_token (str | Unset):
        next_token (str | Unset):
        previous_token (str | Unset):
        id (str | Unset):
        next_ (str | Unset):
        previous (str | Unset):
    """

    current_token: str | Unset = UNSET
    next_token: str | Unset = UNSET
    previous_token: str | Unset = UNSET
    id: str | Unset = UNSET
    next_: str | Unset = UNSET
    previous: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        current_token = self.current_token

        next_token = self.next_token

        previous_token = self.previous_token

        id = self.id

        next_ = self.next_

        previous = self.previous

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if current_token is not UNSET:
            field_dict["currentToken"] = current_token
        if next_token is not UNSET:
            field_dict["nextToken"] = next_token
        if previous_token is not UNSET:
            field_dict["previousToken"] = previous_token
        if id is not UNSET:
            field_dict["@id"] = id
        if next_ is not UNSET:
            field_dict["next"] = next_
        if previous is not UNSET:
            field_dict["previous"] = previous

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        current_token = d.pop("currentToken", UNSET)

        next_token = d.pop("nextToken", UNSET)

        previous_token = d.pop("previousToken", UNSET)

        id = d.pop("@id", UNSET)

        next_ = d.pop("next", UNSET)

        previous = d.pop("previous", UNSET)

        view = cls(
            current_token=current_token,
            next_token=next_token,
            previous_token=previous_token,
            id=id,
            next_=next_,
            previous=previous,
        )

        view.additional_properties = d
        return view

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
