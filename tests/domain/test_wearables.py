"""Wearable normalisation (domain-methods §3.1, §3.6, §6)."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app.domain import wearables as wb
from app.domain.errors import DomainInputError
from app.domain.wearables import DeviceKind, Metric, Provider, Quality, Unit

OURA_RING = wb.Source(Provider.OURA, DeviceKind.RING, "ring-1")
WHOOP_STRAP = wb.Source(Provider.WHOOP, DeviceKind.STRAP, "strap-1")
GARMIN_WATCH = wb.Source(Provider.GARMIN, DeviceKind.WATCH, "watch-1")
APPLE_WATCH = wb.Source(Provider.APPLE_HEALTH, DeviceKind.WATCH, "aw-1")
APPLE_PHONE = wb.Source(Provider.APPLE_HEALTH, DeviceKind.PHONE, "iphone")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def raw(**overrides: object) -> wb.RawReading:
    base = wb.RawReading(
        member_id="m-1",
        source=OURA_RING,
        metric=Metric.SLEEP_DURATION,
        value=27_000.0,
        unit=Unit.SECOND,
        start=utc(2026, 7, 3, 21, 0),
        end=utc(2026, 7, 4, 5, 30),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


class TestUnits:
    @pytest.mark.parametrize(
        ("metric", "value", "unit", "expected"),
        [
            (Metric.SLEEP_DURATION, 27_000, Unit.SECOND, 27_000.0),  # Garmin, Oura
            (
                Metric.SLEEP_DURATION,
                27_000_000,
                Unit.MILLISECOND,
                27_000.0,
            ),  # WHOOP *_milli
            (Metric.SLEEP_DURATION, 450, Unit.MINUTE, 27_000.0),  # Fitbit minutesAsleep
            (Metric.TIME_IN_BED, 7.5, Unit.HOUR, 27_000.0),  # Apple hr
            (Metric.HRV_RMSSD, 62.5, Unit.MILLISECOND, 62.5),
            (Metric.HRV_RMSSD, 0.0625, Unit.SECOND, 62.5),
            (Metric.HRV_SDNN, 48, Unit.MILLISECOND, 48.0),
            (Metric.RESTING_HR, 52, Unit.BPM, 52.0),
            (Metric.RESTING_HR, 52, Unit.COUNT_PER_MINUTE, 52.0),  # Apple count/min
            (Metric.SLEEP_EFFICIENCY, 91, Unit.PERCENT, 91.0),
        ],
    )
    def test_convert_to_canonical(
        self, metric: Metric, value: float, unit: Unit, expected: float
    ) -> None:
        converted, _ = wb.convert_to_canonical(metric, value, unit)
        assert converted == pytest.approx(expected)

    @pytest.mark.parametrize(
        ("metric", "unit"),
        [
            (Metric.RESTING_HR, Unit.SECOND),
            (Metric.HRV_RMSSD, Unit.MINUTE),
            (Metric.SLEEP_DURATION, Unit.BPM),
            (Metric.SLEEP_EFFICIENCY, Unit.SECOND),
        ],
    )
    def test_unit_that_does_not_fit_the_metric_raises(
        self, metric: Metric, unit: Unit
    ) -> None:
        with pytest.raises(DomainInputError):
            wb.convert_to_canonical(metric, 1.0, unit)

    @pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0])
    def test_non_finite_or_negative_value_raises(self, value: float) -> None:
        with pytest.raises(DomainInputError) as info:
            wb.convert_to_canonical(Metric.RESTING_HR, value, Unit.BPM)
        assert str(value) not in str(info.value)

    @pytest.mark.parametrize(
        ("text", "unit"),
        [
            ("ms", Unit.MILLISECOND),
            (" count/min ", Unit.COUNT_PER_MINUTE),
            ("min", Unit.MINUTE),
            ("hr", Unit.HOUR),
            ("h", Unit.HOUR),
            ("sec", Unit.SECOND),
            ("%", Unit.PERCENT),
            ("BPM", Unit.BPM),
        ],
    )
    def test_parse_unit(self, text: str, unit: Unit) -> None:
        assert wb.parse_unit(text) is unit

    def test_unknown_unit_raises(self) -> None:
        with pytest.raises(DomainInputError):
            wb.parse_unit("furlongs")


class TestDayBoundaries:
    @pytest.mark.parametrize(
        ("moment", "tz", "offset", "day"),
        [
            # 23:30 in New York is already the next day in UTC
            (utc(2026, 7, 5, 3, 30), "America/New_York", None, date(2026, 7, 4)),
            # 00:30 in Tokyo is still the previous day in UTC
            (utc(2026, 7, 3, 15, 30), "Asia/Tokyo", None, date(2026, 7, 4)),
            # the record's own offset wins over the home zone (traveller)
            (
                utc(2026, 7, 4, 2, 0),
                "Europe/Berlin",
                timedelta(hours=-7),
                date(2026, 7, 3),
            ),
            (utc(2026, 7, 4, 2, 0), "Europe/Berlin", None, date(2026, 7, 4)),
        ],
    )
    def test_attribute_local_day(
        self, moment: datetime, tz: str, offset: timedelta | None, day: date
    ) -> None:
        assert wb.attribute_local_day(moment, tz, offset)[0] == day

    def test_offset_in_force_follows_dst(self) -> None:
        winter = wb.attribute_local_day(utc(2026, 1, 10, 12), "Europe/Berlin")
        summer = wb.attribute_local_day(utc(2026, 7, 10, 12), "Europe/Berlin")
        assert (winter[1], summer[1]) == (timedelta(hours=1), timedelta(hours=2))

    @pytest.mark.parametrize(
        ("day", "tz", "hours"),
        [
            (date(2026, 3, 29), "Europe/Berlin", 23),  # spring forward
            (date(2026, 10, 25), "Europe/Berlin", 25),  # fall back
            (date(2026, 3, 8), "America/New_York", 23),
            (date(2026, 7, 4), "Europe/Berlin", 24),
        ],
    )
    def test_dst_days_are_23_or_25_hours(self, day: date, tz: str, hours: int) -> None:
        start, end = wb.compute_local_day_bounds(day, tz)
        assert end - start == timedelta(hours=hours)
        assert start.tzinfo is UTC

    def test_sleep_belongs_to_the_day_it_ends(self) -> None:
        reading = wb.normalize_reading(raw(), "Europe/Berlin")
        assert reading.local_day == date(2026, 7, 4)

    def test_sleep_over_the_dst_night_ends_on_the_sunday(self) -> None:
        sleep = raw(start=utc(2026, 3, 28, 22, 0), end=utc(2026, 3, 29, 5, 0))
        reading = wb.normalize_reading(sleep, "Europe/Berlin")
        assert reading.local_day == date(2026, 3, 29)
        assert reading.utc_offset == timedelta(hours=2)

    def test_non_sleep_reading_belongs_to_the_day_it_starts(self) -> None:
        rhr = raw(
            metric=Metric.RESTING_HR,
            value=51,
            unit=Unit.BPM,
            start=utc(2026, 7, 4, 22, 30),
            end=utc(2026, 7, 5, 6, 0),
        )
        reading = wb.normalize_reading(rhr, "Europe/London")
        assert reading.local_day == date(2026, 7, 4)

    def test_whoop_record_offset_is_used(self) -> None:
        sleep = raw(
            source=WHOOP_STRAP,
            end=utc(2026, 7, 4, 3, 0),
            utc_offset=wb.parse_utc_offset("-05:00"),
        )
        reading = wb.normalize_reading(sleep, "Europe/Berlin")
        assert (reading.local_day, reading.utc_offset) == (
            date(2026, 7, 3),
            timedelta(hours=-5),
        )

    @pytest.mark.parametrize(
        ("text", "offset"),
        [
            ("+02:00", timedelta(hours=2)),
            ("-05:00", timedelta(hours=-5)),
            ("+0530", timedelta(hours=5, minutes=30)),
            ("Z", timedelta(0)),
            ("+14:00", timedelta(hours=14)),
        ],
    )
    def test_parse_utc_offset(self, text: str, offset: timedelta) -> None:
        assert wb.parse_utc_offset(text) == offset

    @pytest.mark.parametrize("text", ["", "02:00", "+2:00", "+15:00", "+02:60", "UTC"])
    def test_bad_utc_offset_raises(self, text: str) -> None:
        with pytest.raises(DomainInputError):
            wb.parse_utc_offset(text)

    def test_unknown_zone_raises(self) -> None:
        with pytest.raises(DomainInputError):
            wb.attribute_local_day(utc(2026, 7, 4), "Mars/Olympus")

    def test_naive_datetime_raises(self) -> None:
        with pytest.raises(DomainInputError):
            wb.normalize_reading(raw(start=datetime(2026, 7, 3, 21)), "UTC")

    def test_end_before_start_raises(self) -> None:
        with pytest.raises(DomainInputError):
            wb.normalize_reading(raw(end=utc(2026, 7, 3, 20)), "UTC")

    def test_instants_are_stored_in_utc(self) -> None:
        berlin = timezone(timedelta(hours=2))
        reading = wb.normalize_reading(
            raw(start=datetime(2026, 7, 3, 23, 0, tzinfo=berlin)), "UTC"
        )
        assert reading.start == utc(2026, 7, 3, 21, 0)
        assert reading.start.tzinfo is UTC


class TestPlausibility:
    @pytest.mark.parametrize(
        ("metric", "value", "main", "quality"),
        [
            (Metric.HRV_RMSSD, 5.0, True, Quality.OK),
            (Metric.HRV_RMSSD, 250.0, True, Quality.OK),
            (Metric.HRV_RMSSD, 4.9, True, Quality.QUARANTINED),
            (Metric.HRV_RMSSD, 251.0, True, Quality.QUARANTINED),
            (Metric.RESTING_HR, 30.0, True, Quality.OK),
            (Metric.RESTING_HR, 120.0, True, Quality.OK),
            (Metric.RESTING_HR, 29.0, True, Quality.QUARANTINED),
            (Metric.RESTING_HR, 121.0, True, Quality.QUARANTINED),
            (Metric.SLEEP_DURATION, 2 * 3600, True, Quality.OK),
            (Metric.SLEEP_DURATION, 16 * 3600, True, Quality.OK),
            (Metric.SLEEP_DURATION, 2 * 3600 - 1, True, Quality.QUARANTINED),
            (Metric.SLEEP_DURATION, 16 * 3600 + 1, True, Quality.QUARANTINED),
            (Metric.SLEEP_DURATION, 1200, False, Quality.OK),  # 20-min nap
            (Metric.SLEEP_DURATION, 0, False, Quality.QUARANTINED),
            (Metric.SLEEP_EFFICIENCY, 40.0, True, Quality.OK),
            (Metric.SLEEP_EFFICIENCY, 39.9, True, Quality.QUARANTINED),
            (Metric.SLEEP_EFFICIENCY, 100.1, True, Quality.QUARANTINED),
            (Metric.HRV_SDNN, 400.0, True, Quality.OK),  # no published range
        ],
    )
    def test_assess_plausibility(
        self, metric: Metric, value: float, main: bool, quality: Quality
    ) -> None:
        assert wb.assess_plausibility(metric, value, main) is quality

    def test_implausible_reading_is_kept_and_tagged(self) -> None:
        reading = wb.normalize_reading(raw(value=20 * 3600), "UTC")
        assert reading.quality is Quality.QUARANTINED
        assert reading.value == 20 * 3600


class TestAppleHrv:
    def test_apple_hrv_cannot_be_tagged_rmssd(self) -> None:
        bad = raw(
            source=APPLE_WATCH, metric=Metric.HRV_RMSSD, value=40, unit=Unit.MILLISECOND
        )
        with pytest.raises(DomainInputError):
            wb.normalize_reading(bad, "UTC")

    def test_sdnn_never_feeds_an_rmssd_baseline(self) -> None:
        sdnn = raw(
            source=APPLE_WATCH, metric=Metric.HRV_SDNN, value=40, unit=Unit.MILLISECOND
        )
        rmssd = raw(metric=Metric.HRV_RMSSD, value=40, unit=Unit.MILLISECOND)
        assert not wb.is_rmssd_baseline_eligible(wb.normalize_reading(sdnn, "UTC"))
        assert wb.is_rmssd_baseline_eligible(wb.normalize_reading(rmssd, "UTC"))

    @pytest.mark.parametrize(
        "overrides",
        [{"value": 300.0}, {"is_main_sleep": False}],
    )
    def test_implausible_or_nap_rmssd_is_not_eligible(
        self, overrides: dict[str, object]
    ) -> None:
        fields: dict[str, object] = {"metric": Metric.HRV_RMSSD, "value": 40}
        reading = raw(**{**fields, "unit": Unit.MILLISECOND, **overrides})
        assert not wb.is_rmssd_baseline_eligible(wb.normalize_reading(reading, "UTC"))


class TestDeduplication:
    def test_nightly_metric_is_keyed_by_day(self) -> None:
        first = wb.normalize_reading(raw(), "UTC")
        shifted = wb.normalize_reading(raw(start=utc(2026, 7, 3, 22, 0)), "UTC")
        assert wb.compute_reading_key(first) == wb.compute_reading_key(shifted)
        assert wb.compute_reading_key(first).start is None

    def test_nap_is_keyed_by_start(self) -> None:
        nap = raw(
            value=1800,
            is_main_sleep=False,
            start=utc(2026, 7, 4, 13),
            end=utc(2026, 7, 4, 13, 30),
        )
        key = wb.compute_reading_key(wb.normalize_reading(nap, "UTC"))
        assert key.start == utc(2026, 7, 4, 13)

    def test_sdnn_samples_are_keyed_by_start(self) -> None:
        sample = raw(
            source=APPLE_WATCH, metric=Metric.HRV_SDNN, value=40, unit=Unit.MILLISECOND
        )
        key = wb.compute_reading_key(wb.normalize_reading(sample, "UTC"))
        assert key.start is not None

    def test_latest_update_wins(self) -> None:
        older = wb.normalize_reading(
            raw(value=25_000, updated_at=utc(2026, 7, 4, 6)), "UTC"
        )
        newer = wb.normalize_reading(
            raw(value=27_000, updated_at=utc(2026, 7, 4, 9)), "UTC"
        )
        assert wb.deduplicate_readings([newer, older]) == (newer,)
        assert wb.deduplicate_readings([older, newer]) == (newer,)

    def test_redelivery_without_version_keeps_the_later_one(self) -> None:
        first = wb.normalize_reading(raw(value=25_000), "UTC")
        again = wb.normalize_reading(raw(value=26_000), "UTC")
        assert wb.deduplicate_readings([first, again]) == (again,)

    def test_different_providers_are_not_duplicates(self) -> None:
        oura = wb.normalize_reading(raw(), "UTC")
        whoop = wb.normalize_reading(raw(source=WHOOP_STRAP), "UTC")
        assert len(wb.deduplicate_readings([oura, whoop])) == 2

    def test_naive_updated_at_raises(self) -> None:
        with pytest.raises(DomainInputError):
            wb.normalize_reading(raw(updated_at=datetime(2026, 7, 4)), "UTC")


class TestSourcePreference:
    def test_ring_beats_strap_beats_watch_beats_phone(self) -> None:
        readings = [
            wb.normalize_reading(raw(source=source), "UTC")
            for source in (APPLE_PHONE, GARMIN_WATCH, WHOOP_STRAP, OURA_RING)
        ]
        chosen = wb.choose_preferred_readings(readings)
        assert [r.source for r in chosen] == [OURA_RING]

    def test_all_readings_of_the_winning_source_are_kept(self) -> None:
        def sample(source: wb.Source, hour: int) -> wb.NormalizedReading:
            return wb.normalize_reading(
                raw(
                    source=source,
                    metric=Metric.HRV_SDNN,
                    value=40,
                    unit=Unit.MILLISECOND,
                    start=utc(2026, 7, 4, hour),
                    end=None,
                ),
                "UTC",
            )

        readings = [
            sample(APPLE_PHONE, 8),
            sample(APPLE_WATCH, 9),
            sample(APPLE_WATCH, 15),
        ]
        chosen = wb.choose_preferred_readings(readings)
        assert [r.start.hour for r in chosen] == [9, 15]

    def test_quarantined_reading_never_wins(self) -> None:
        bad_ring = wb.normalize_reading(raw(value=20 * 3600), "UTC")
        watch = wb.normalize_reading(raw(source=GARMIN_WATCH), "UTC")
        assert wb.choose_preferred_readings([bad_ring, watch]) == (watch,)

    def test_custom_priority(self) -> None:
        ring = wb.normalize_reading(raw(), "UTC")
        watch = wb.normalize_reading(raw(source=GARMIN_WATCH), "UTC")
        chosen = wb.choose_preferred_readings(
            [ring, watch], [DeviceKind.WATCH, DeviceKind.RING]
        )
        assert chosen == (watch,)

    def test_metrics_and_days_are_chosen_independently(self) -> None:
        ring_sleep = wb.normalize_reading(raw(), "UTC")
        watch_rhr = wb.normalize_reading(
            raw(source=GARMIN_WATCH, metric=Metric.RESTING_HR, value=50, unit=Unit.BPM),
            "UTC",
        )
        watch_next_day = wb.normalize_reading(
            raw(source=GARMIN_WATCH, end=utc(2026, 7, 5, 5)), "UTC"
        )
        chosen = wb.choose_preferred_readings([ring_sleep, watch_rhr, watch_next_day])
        assert chosen == (ring_sleep, watch_rhr, watch_next_day)


class TestWhoopScoreState:
    @pytest.mark.parametrize(
        ("state", "usable"),
        [
            ("SCORED", True),
            ("PENDING_SCORE", False),
            ("UNSCORABLE", False),
            ("scored", False),
        ],
    )
    def test_only_scored_records_are_used(self, state: str, usable: bool) -> None:
        assert wb.is_scored(state) is usable


def test_empty_member_id_raises() -> None:
    with pytest.raises(DomainInputError):
        wb.normalize_reading(raw(member_id=""), "UTC")
