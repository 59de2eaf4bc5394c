# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.boom_code import BoomCode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.boom_errors import BoomErrors


T = TypeVar("T", bound="Boom")


@_attrs_define
class Boom:
    """
    Attributes:
        status (int | Unset): HTTP status code
        reason (str | Unset): Reason for the error
        message (str | Unset): Friendly error message
        code (BoomCode | Unset): Code that uniquely identifies the error
        errors (BoomErrors | Unset): Additional information about the error (Optional)
    """

    status: int | Unset = UNSET
    reason: str | Unset = UNSET
    message: str | Unset = UNSET
    code: BoomCode | Unset = UNSET
    errors: BoomErrors | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        reason = self.reason

        message = self.message

        code: str | Unset = UNSET
        if not isinstance(self.code, Unset):
            code = self.code.value

        errors: dict[str, Any] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = self.errors.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status
        if reason is not UNSET:
            field_dict["reason"] = reason
        if message is not UNSET:
            field_dict["message"] = message
        if code is not UNSET:
            field_dict["code"] = code
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.boom_errors import BoomErrors

        d = dict(src_dict)
        status = d.pop("status", UNSET)

        reason = d.pop("reason", UNSET)

        message = d.pop("message", UNSET)

        _code = d.pop("code", UNSET)
        code: BoomCode | Unset
        if isinstance(_code, Unset):
            code = UNSET
        else:
            code = BoomCode(_code)

        _errors = d.pop("errors", UNSET)
        errors: BoomErrors | Unset
        if isinstance(_errors, Unset):
            errors = UNSET
        else:
            errors = BoomErrors.from_dict(_errors)

        boom = cls(
            status=status,
            reason=reason,
            message=message,
            code=code,
            errors=errors,
        )

        boom.additional_properties = d
        return boom

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
