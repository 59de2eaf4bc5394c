# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from enum import StrEnum
from typing import Any


class PolygonType(StrEnum):
    POLYGON = "Polygon"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        """Whether this value is one the API specification lists."""
        return self._name_ in type(self).__members__

    @classmethod
    def _missing_(cls, value: Any) -> "PolygonType | None":
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member
