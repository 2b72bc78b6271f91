"""`IanaTimeZone`: the one validator for time zone names at the API edge."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator

import pytest
from pydantic import TypeAdapter, ValidationError

from app.api.schema import IanaTimeZone

ZONE = TypeAdapter(IanaTimeZone)


@pytest.fixture
def package_zones_only() -> Iterator[None]:
    """No OS time zone files: only the `tzdata` package (a slim image)."""
    zoneinfo.reset_tzpath(to=[])
    zoneinfo.ZoneInfo.clear_cache()
    yield
    zoneinfo.reset_tzpath()
    zoneinfo.ZoneInfo.clear_cache()


@pytest.mark.parametrize(
    "name", ["Europe/Paris", "America/Chicago", "US/Central", "UTC"]
)
@pytest.mark.usefixtures("package_zones_only")
def test_named_zones_and_legacy_aliases_load_from_the_tzdata_package(
    name: str,
) -> None:
    assert ZONE.validate_python(name) == name
    assert zoneinfo.ZoneInfo(name).key == name


@pytest.mark.parametrize(
    "name", ["Mars/Olympus_Mons", "America", "../etc/passwd", "/etc/localtime", ""]
)
@pytest.mark.usefixtures("package_zones_only")
def test_unknown_names_directories_and_paths_are_refused(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ZONE.validate_python(name)
    assert caught.value.error_count() == 1


def test_a_name_longer_than_any_iana_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="at most 64"):
        ZONE.validate_python("A" * 65)
