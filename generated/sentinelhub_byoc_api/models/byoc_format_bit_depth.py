# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from enum import IntEnum
from typing import Any


class BYOCFormatBitDepth(IntEnum):
    VALUE_8 = 8
    VALUE_16 = 16
    VALUE_32 = 32

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        """Whether this value is one the API specification lists."""
        return self._name_ in type(self).__members__

    @classmethod
    def _missing_(cls, value: Any) -> "BYOCFormatBitDepth | None":
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"VALUE_{value}"
        member._value_ = value
        return member
