"""Compare a live answer with a documented example: same property names and JSON types."""

from __future__ import annotations

from typing import Any


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def shape_differences(documented: Any, actual: Any, path: str = "$") -> list[str]:
    """Where `actual` lacks a documented property or has another JSON type.

    Rules: extra properties in `actual` are fine; a documented null accepts any type (the
    page shows an unset value); an actual null is accepted too (Graph sends null for unset
    properties, objects included: place-list.md's roomList example has "geocoordinates":
    null); arrays are compared element-wise against the
    documented first element.
    """
    want, got = _kind(documented), _kind(actual)
    if want == "null":
        return []
    if got == "null":
        return []
    if want != got:
        return [f"{path}: documented {want}, got {got}"]
    found: list[str] = []
    if want == "object":
        for key, value in documented.items():
            if key not in actual:
                found.append(f"{path}.{key}: missing")
            else:
                found.extend(shape_differences(value, actual[key], f"{path}.{key}"))
    elif want == "array" and documented:
        for i, item in enumerate(actual):
            found.extend(shape_differences(documented[0], item, f"{path}[{i}]"))
    return found
