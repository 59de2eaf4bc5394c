# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.byoc_collection_additional_data import BYOCCollectionAdditionalData


T = TypeVar("T", bound="BYOCCollection")


@_attrs_define
class BYOCCollection:
    """
    Attributes:
        name (str):
        s_3_bucket (str):
        id (UUID | Unset):
        account_id (UUID | Unset):
        is_configured (bool | Unset): It's set to true, if the collection has bands.
        created (datetime.datetime | None | Unset): The date when the collection was created. Older collections don't
            have it.
        no_data (float | Unset):
        requires_metadata_update (bool | Unset): Flag if the metadata, found under additionalData, needs to be updated
            after a tile is added or removed.
            Metadata is updated in a few minutes.
        additional_data (BYOCCollectionAdditionalData | Unset):
    """

    name: str
    s_3_bucket: str
    id: UUID | Unset = UNSET
    account_id: UUID | Unset = UNSET
    is_configured: bool | Unset = UNSET
    created: datetime.datetime | None | Unset = UNSET
    no_data: float | Unset = UNSET
    requires_metadata_update: bool | Unset = UNSET
    additional_data: BYOCCollectionAdditionalData | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        s_3_bucket = self.s_3_bucket

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        account_id: str | Unset = UNSET
        if not isinstance(self.account_id, Unset):
            account_id = str(self.account_id)

        is_configured = self.is_configured

        created: None | str | Unset
        if isinstance(self.created, Unset):
            created = UNSET
        elif isinstance(self.created, datetime.datetime):
            created = self.created.isoformat()
        else:
            created = self.created

        no_data = self.no_data

        requires_metadata_update = self.requires_metadata_update

        additional_data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.additional_data, Unset):
            additional_data = self.additional_data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "s3Bucket": s_3_bucket,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if account_id is not UNSET:
            field_dict["accountId"] = account_id
        if is_configured is not UNSET:
            field_dict["isConfigured"] = is_configured
        if created is not UNSET:
            field_dict["created"] = created
        if no_data is not UNSET:
            field_dict["noData"] = no_data
        if requires_metadata_update is not UNSET:
            field_dict["requiresMetadataUpdate"] = requires_metadata_update
        if additional_data is not UNSET:
            field_dict["additionalData"] = additional_data

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.byoc_collection_additional_data import (
            BYOCCollectionAdditionalData,
        )

        d = dict(src_dict)
        name = d.pop("name")

        s_3_bucket = d.pop("s3Bucket")

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        _account_id = d.pop("accountId", UNSET)
        account_id: UUID | Unset
        if isinstance(_account_id, Unset):
            account_id = UNSET
        else:
            account_id = UUID(_account_id)

        is_configured = d.pop("isConfigured", UNSET)

        def _parse_created(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_type_0 = datetime.datetime.fromisoformat(data)

                return created_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created = _parse_created(d.pop("created", UNSET))

        no_data = d.pop("noData", UNSET)

        requires_metadata_update = d.pop("requiresMetadataUpdate", UNSET)

        _additional_data = d.pop("additionalData", UNSET)
        additional_data: BYOCCollectionAdditionalData | Unset
        if isinstance(_additional_data, Unset):
            additional_data = UNSET
        else:
            additional_data = BYOCCollectionAdditionalData.from_dict(_additional_data)

        byoc_collection = cls(
            name=name,
            s_3_bucket=s_3_bucket,
            id=id,
            account_id=account_id,
            is_configured=is_configured,
            created=created,
            no_data=no_data,
            requires_metadata_update=requires_metadata_update,
            additional_data=additional_data,
        )

        byoc_collection.additional_properties = d
        return byoc_collection

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
