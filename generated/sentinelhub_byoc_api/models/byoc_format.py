# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.byoc_format_bit_depth import BYOCFormatBitDepth
from ..models.byoc_format_sample_format import BYOCFormatSampleFormat
from ..types import UNSET, Unset

T = TypeVar("T", bound="BYOCFormat")


@_attrs_define
class BYOCFormat:
    """
    Attributes:
        bit_depth (BYOCFormatBitDepth):
        sample_format (BYOCFormatSampleFormat):
        source (str | Unset): The string that must appear in `(BAND)` placeholder. If unset, defaults to the band name.
        band_index (int | Unset): The index of band in 1-based numbering. Default: 1.
        no_data (float | Unset): You can define noData either per band or per collection, but not both.
        aliases (list[str] | Unset): An optional list of alias names that can be used instead of the band name in the
            evalscript.
            Only used in certain specific collections and not settable by the user.
    """

    bit_depth: BYOCFormatBitDepth
    sample_format: BYOCFormatSampleFormat
    source: str | Unset = UNSET
    band_index: int | Unset = 1
    no_data: float | Unset = UNSET
    aliases: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bit_depth = self.bit_depth.value

        sample_format = self.sample_format.value

        source = self.source

        band_index = self.band_index

        no_data = self.no_data

        aliases: list[str] | Unset = UNSET
        if not isinstance(self.aliases, Unset):
            aliases = self.aliases

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bitDepth": bit_depth,
                "sampleFormat": sample_format,
            }
        )
        if source is not UNSET:
            field_dict["source"] = source
        if band_index is not UNSET:
            field_dict["bandIndex"] = band_index
        if no_data is not UNSET:
            field_dict["noData"] = no_data
        if aliases is not UNSET:
            field_dict["aliases"] = aliases

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        bit_depth = BYOCFormatBitDepth(d.pop("bitDepth"))

        sample_format = BYOCFormatSampleFormat(d.pop("sampleFormat"))

        source = d.pop("source", UNSET)

        band_index = d.pop("bandIndex", UNSET)

        no_data = d.pop("noData", UNSET)

        aliases = cast(list[str], d.pop("aliases", UNSET))

        byoc_format = cls(
            bit_depth=bit_depth,
            sample_format=sample_format,
            source=source,
            band_index=band_index,
            no_data=no_data,
            aliases=aliases,
        )

        byoc_format.additional_properties = d
        return byoc_format

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
