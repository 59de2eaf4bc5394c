# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.byoc_collection_additional_data_has_sensing_times import (
    BYOCCollectionAdditionalDataHasSensingTimes,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.byoc_collection_additional_data_bands import (
        BYOCCollectionAdditionalDataBands,
    )
    from ..models.polygon import Polygon


T = TypeVar("T", bound="BYOCCollectionAdditionalData")


@_attrs_define
class BYOCCollectionAdditionalData:
    """
    Attributes:
        bands (BYOCCollectionAdditionalDataBands | Unset): Limited to 100 bands.
        max_meters_per_pixel (float | Unset): How much meters per pixel can you request with Process/OGC/Batch requests
            for this collection. The limit is internally increased to 500, if it's less than that.
        extent (Polygon | Unset):
        has_sensing_times (BYOCCollectionAdditionalDataHasSensingTimes | Unset): Information if tiles have sensing time.
        from_sensing_time (datetime.datetime | Unset): The sensing time in ISO 8601 of the least recent tile.
        to_sensing_time (datetime.datetime | Unset): The sensing time in ISO 8601 of the most recent tile.
        max_meters_per_pixel_override (float | Unset): Raises the collection's maxMetersPerPixel: how coarse a
            resolution requests may ask for.
    """

    bands: BYOCCollectionAdditionalDataBands | Unset = UNSET
    max_meters_per_pixel: float | Unset = UNSET
    extent: Polygon | Unset = UNSET
    has_sensing_times: BYOCCollectionAdditionalDataHasSensingTimes | Unset = UNSET
    from_sensing_time: datetime.datetime | Unset = UNSET
    to_sensing_time: datetime.datetime | Unset = UNSET
    max_meters_per_pixel_override: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bands: dict[str, Any] | Unset = UNSET
        if not isinstance(self.bands, Unset):
            bands = self.bands.to_dict()

        max_meters_per_pixel = self.max_meters_per_pixel

        extent: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extent, Unset):
            extent = self.extent.to_dict()

        has_sensing_times: str | Unset = UNSET
        if not isinstance(self.has_sensing_times, Unset):
            has_sensing_times = self.has_sensing_times.value

        from_sensing_time: str | Unset = UNSET
        if not isinstance(self.from_sensing_time, Unset):
            from_sensing_time = self.from_sensing_time.isoformat()

        to_sensing_time: str | Unset = UNSET
        if not isinstance(self.to_sensing_time, Unset):
            to_sensing_time = self.to_sensing_time.isoformat()

        max_meters_per_pixel_override = self.max_meters_per_pixel_override

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if bands is not UNSET:
            field_dict["bands"] = bands
        if max_meters_per_pixel is not UNSET:
            field_dict["maxMetersPerPixel"] = max_meters_per_pixel
        if extent is not UNSET:
            field_dict["extent"] = extent
        if has_sensing_times is not UNSET:
            field_dict["hasSensingTimes"] = has_sensing_times
        if from_sensing_time is not UNSET:
            field_dict["fromSensingTime"] = from_sensing_time
        if to_sensing_time is not UNSET:
            field_dict["toSensingTime"] = to_sensing_time
        if max_meters_per_pixel_override is not UNSET:
            field_dict["maxMetersPerPixelOverride"] = max_meters_per_pixel_override

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.byoc_collection_additional_data_bands import (
            BYOCCollectionAdditionalDataBands,
        )
        from ..models.polygon import Polygon

        d = dict(src_dict)
        _bands = d.pop("bands", UNSET)
        bands: BYOCCollectionAdditionalDataBands | Unset
        if isinstance(_bands, Unset):
            bands = UNSET
        else:
            bands = BYOCCollectionAdditionalDataBands.from_dict(_bands)

        max_meters_per_pixel = d.pop("maxMetersPerPixel", UNSET)

        _extent = d.pop("extent", UNSET)
        extent: Polygon | Unset
        if isinstance(_extent, Unset):
            extent = UNSET
        else:
            extent = Polygon.from_dict(_extent)

        _has_sensing_times = d.pop("hasSensingTimes", UNSET)
        has_sensing_times: BYOCCollectionAdditionalDataHasSensingTimes | Unset
        if isinstance(_has_sensing_times, Unset):
            has_sensing_times = UNSET
        else:
            has_sensing_times = BYOCCollectionAdditionalDataHasSensingTimes(
                _has_sensing_times
            )

        _from_sensing_time = d.pop("fromSensingTime", UNSET)
        from_sensing_time: datetime.datetime | Unset
        if isinstance(_from_sensing_time, Unset):
            from_sensing_time = UNSET
        else:
            from_sensing_time = datetime.datetime.fromisoformat(_from_sensing_time)

        _to_sensing_time = d.pop("toSensingTime", UNSET)
        to_sensing_time: datetime.datetime | Unset
        if isinstance(_to_sensing_time, Unset):
            to_sensing_time = UNSET
        else:
            to_sensing_time = datetime.datetime.fromisoformat(_to_sensing_time)

        max_meters_per_pixel_override = d.pop("maxMetersPerPixelOverride", UNSET)

        byoc_collection_additional_data = cls(
            bands=bands,
            max_meters_per_pixel=max_meters_per_pixel,
            extent=extent,
            has_sensing_times=has_sensing_times,
            from_sensing_time=from_sensing_time,
            to_sensing_time=to_sensing_time,
            max_meters_per_pixel_override=max_meters_per_pixel_override,
        )

        byoc_collection_additional_data.additional_properties = d
        return byoc_collection_additional_data

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
