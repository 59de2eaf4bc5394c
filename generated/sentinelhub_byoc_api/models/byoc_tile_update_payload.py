# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.multi_polygon import MultiPolygon
    from ..models.polygon import Polygon


T = TypeVar("T", bound="BYOCTileUpdatePayload")


@_attrs_define
class BYOCTileUpdatePayload:
    """
    Attributes:
        cover_geometry (MultiPolygon | Polygon | Unset): The request area of interest geometry. This and/or BBOX must be
            specified. Coordinates need to be in easting,northing or longitude,latitude, in that order in the CRS defined in
            the "bounds.properties.crs" parameter. A GeoJsonObject. Example: {'type': 'Polygon', 'coordinates':
            [[[14.000701904296873, 46.23685258143992], [13.822174072265625, 46.09037664604301], [14.113311767578125,
            45.85080395917834], [14.55963134765625, 46.038922598236], [14.441528320312498, 46.28717293114449],
            [14.17236328125, 46.29191774991382], [14.000701904296873, 46.23685258143992]]]}.
        sensing_time (datetime.datetime | None | Unset): The sensing time of the tile in ISO 8601 but without sub-
            millisecond precision.
    """

    cover_geometry: MultiPolygon | Polygon | Unset = UNSET
    sensing_time: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.polygon import Polygon

        cover_geometry: dict[str, Any] | Unset
        if isinstance(self.cover_geometry, Unset):
            cover_geometry = UNSET
        elif isinstance(self.cover_geometry, Polygon):
            cover_geometry = self.cover_geometry.to_dict()
        else:
            cover_geometry = self.cover_geometry.to_dict()

        sensing_time: None | str | Unset
        if isinstance(self.sensing_time, Unset):
            sensing_time = UNSET
        elif isinstance(self.sensing_time, datetime.datetime):
            sensing_time = self.sensing_time.isoformat()
        else:
            sensing_time = self.sensing_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if cover_geometry is not UNSET:
            field_dict["coverGeometry"] = cover_geometry
        if sensing_time is not UNSET:
            field_dict["sensingTime"] = sensing_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.multi_polygon import MultiPolygon
        from ..models.polygon import Polygon

        d = dict(src_dict)

        def _parse_cover_geometry(data: object) -> MultiPolygon | Polygon | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_geometry_type_0 = Polygon.from_dict(data)

                return componentsschemas_geometry_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_geometry_type_1 = MultiPolygon.from_dict(data)

            return componentsschemas_geometry_type_1

        cover_geometry = _parse_cover_geometry(d.pop("coverGeometry", UNSET))

        def _parse_sensing_time(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sensing_time_type_0 = datetime.datetime.fromisoformat(data)

                return sensing_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        sensing_time = _parse_sensing_time(d.pop("sensingTime", UNSET))

        byoc_tile_update_payload = cls(
            cover_geometry=cover_geometry,
            sensing_time=sensing_time,
        )

        byoc_tile_update_payload.additional_properties = d
        return byoc_tile_update_payload

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
