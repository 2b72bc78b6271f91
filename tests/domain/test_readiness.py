"""Readiness and recovery (domain-methods §3.1-§3.5)."""

import math
from datetime import date, timedelta

import pytest

from app.domain import readiness as rd
from app.domain.errors import DomainInputError
from app.domain.readiness import HrvState, NightValue, ReadinessBand, ReasonCode

AS_OF = date(2026, 7, 4)
H = 3600.0


def night(days_before: int, value: float) -> NightValue:
    return NightValue(AS_OF - timedelta(days=days_before), value)


def ln_night(days_before: int, ln_value: float) -> NightValue:
    return night(days_before, math.exp(ln_value))


def baseline(count: int = 14, first: int = 7) -> list[NightValue]:
    """``count`` nights from ``first`` days back, ln rMSSD alternating 4.1 / 3.9."""
    return [ln_night(first + i, 4.1 if i % 2 else 3.9) for i in range(count)]


# 7 x 4.1 and 7 x 3.9: mean 4.0, sample SD sqrt(14 * 0.01 / 13)
BASE_SD = math.sqrt(14 * 0.01 / 13)


def hrv_status(z: float | None, state: HrvState = HrvState.WITHIN) -> rd.HrvStatus:
    return rd.HrvStatus(state, 7, 53, z=z)


def sleep(hours: float, efficiency: float) -> rd.SleepStatus:
    return rd.assess_sleep(hours * H, hours * H * 100 / efficiency)


def rhr(tonight: float, mean: float = 55.0) -> rd.RhrStatus:
    return rd.RhrStatus(tonight, mean, 1.0, tonight - mean, tonight - mean, False)


class TestHrv:
    def test_ln_rmssd(self) -> None:
        assert rd.compute_ln_rmssd(math.e**4) == pytest.approx(4.0)

    @pytest.mark.parametrize("value", [0.0, -5.0, float("nan")])
    def test_ln_rmssd_needs_a_positive_value(self, value: float) -> None:
        with pytest.raises(DomainInputError):
            rd.compute_ln_rmssd(value)

    def test_worked_example_below_the_band(self) -> None:
        """Baseline mean 4.0, SD 0.10377: band 3.9481-4.0519; a week at ln 3.9
        gives z = -0.9636, below the normal range."""
        nights = baseline() + [ln_night(d, 3.9) for d in (0, 2, 4)]
        status = rd.assess_hrv(nights, AS_OF)
        assert status.state is HrvState.BELOW
        assert status.baseline_mean == pytest.approx(4.0)
        assert status.baseline_sd == pytest.approx(BASE_SD)
        assert status.band == pytest.approx((4.0 - 0.5 * BASE_SD, 4.0 + 0.5 * BASE_SD))
        assert status.z == pytest.approx(-0.1 / BASE_SD)
        assert status.z == pytest.approx(-0.9636, abs=1e-4)
        assert (status.short_nights, status.baseline_nights) == (3, 14)

    @pytest.mark.parametrize(
        ("short_ln", "state"),
        [
            (4.0, HrvState.WITHIN),
            (4.05, HrvState.WITHIN),
            (3.95, HrvState.WITHIN),
            (4.06, HrvState.ABOVE),
            (3.94, HrvState.BELOW),
        ],
    )
    def test_band_is_mean_plus_minus_half_sd(
        self, short_ln: float, state: HrvState
    ) -> None:
        nights = baseline() + [ln_night(d, short_ln) for d in range(3)]
        assert rd.assess_hrv(nights, AS_OF).state is state

    @pytest.mark.parametrize(
        ("nights", "state"),
        [
            (baseline(13) + [ln_night(d, 4.0) for d in range(7)], HrvState.CALIBRATING),
            (baseline(14) + [ln_night(d, 4.0) for d in range(2)], HrvState.INCOMPLETE),
            (baseline(14) + [ln_night(d, 4.0) for d in range(3)], HrvState.WITHIN),
            # the short window never counts towards the baseline
            (baseline(10) + [ln_night(d, 4.0) for d in range(7)], HrvState.CALIBRATING),
            # 60-day window: day 59 back is in, day 60 back is out
            (
                baseline(13)
                + [ln_night(59, 4.0)]
                + [ln_night(d, 4.0) for d in range(3)],
                HrvState.WITHIN,
            ),
            (
                baseline(13)
                + [ln_night(60, 4.0)]
                + [ln_night(d, 4.0) for d in range(3)],
                HrvState.CALIBRATING,
            ),
            # implausible rMSSD (> 250 ms) is not a valid night
            (
                baseline(13)
                + [night(40, 300.0)]
                + [ln_night(d, 4.0) for d in range(3)],
                HrvState.CALIBRATING,
            ),
            # nights after as_of are ignored
            (
                [*baseline(14), ln_night(-1, 4.0), ln_night(-2, 4.0), ln_night(0, 4.0)],
                HrvState.INCOMPLETE,
            ),
            ([], HrvState.CALIBRATING),
        ],
    )
    def test_minimum_data_rules(
        self, nights: list[NightValue], state: HrvState
    ) -> None:
        assert rd.assess_hrv(nights, AS_OF).state is state

    def test_calibrating_and_incomplete_give_no_z(self) -> None:
        incomplete = rd.assess_hrv(baseline(), AS_OF)
        assert incomplete.z is None
        assert incomplete.baseline_mean == pytest.approx(4.0)
        assert rd.assess_hrv(baseline(5), AS_OF).band is None

    def test_flat_baseline_keeps_calibrating(self) -> None:
        nights = [ln_night(d, 4.0) for d in range(30)]
        assert rd.assess_hrv(nights, AS_OF).state is HrvState.CALIBRATING

    def test_short_window_cv(self) -> None:
        nights = [*baseline(), ln_night(0, 3.8), ln_night(1, 4.0), ln_night(2, 4.2)]
        status = rd.assess_hrv(nights, AS_OF)
        assert status.short_mean == pytest.approx(4.0)
        assert status.short_cv == pytest.approx(0.2 / 4.0)

    def test_duplicate_day_raises(self) -> None:
        with pytest.raises(DomainInputError):
            rd.assess_hrv([ln_night(0, 4.0), ln_night(0, 4.1)], AS_OF)

    def test_non_positive_value_raises_without_echo(self) -> None:
        with pytest.raises(DomainInputError) as info:
            rd.assess_hrv([night(0, -42.5)], AS_OF)
        assert "42.5" not in str(info.value)


class TestRestingHr:
    BASE = [night(1 + i, 54.0 if i % 2 else 56.0) for i in range(14)]  # mean 55

    @pytest.mark.parametrize(
        ("tonight", "elevated"),
        [
            (60.0, True),  # +5 bpm
            (59.9, True),  # +4.9 bpm but z = 4.72 >= 2
            (57.0, False),  # +2 bpm, z = 1.93
            (52.0, False),
        ],
    )
    def test_flag_at_plus_5_bpm_or_z_2(self, tonight: float, elevated: bool) -> None:
        status = rd.assess_resting_hr([*self.BASE, night(0, tonight)], AS_OF)
        assert status is not None
        assert status.baseline_mean == pytest.approx(55.0)
        assert status.deviation_bpm == pytest.approx(tonight - 55.0)
        assert status.elevated is elevated

    def test_plus_5_flags_even_with_a_wide_baseline(self) -> None:
        wide = [night(1 + i, 45.0 if i % 2 else 65.0) for i in range(14)]
        status = rd.assess_resting_hr([*wide, night(0, 60.0)], AS_OF)
        assert status is not None
        assert status.elevated
        assert status.z is not None
        assert status.z < 2

    @pytest.mark.parametrize(
        "nights",
        [
            BASE,  # tonight missing
            [*BASE[:13], night(0, 60.0)],  # 13 baseline nights
            [*BASE[:13], night(61, 55.0), night(0, 60.0)],  # 61 days back is outside
            [*BASE, night(0, 125.0)],  # tonight implausible
        ],
    )
    def test_no_assessment_without_data(self, nights: list[NightValue]) -> None:
        assert rd.assess_resting_hr(nights, AS_OF) is None

    def test_sixty_days_back_is_inside(self) -> None:
        nights = [*self.BASE[:13], night(60, 55.0), night(0, 60.0)]
        assert rd.assess_resting_hr(nights, AS_OF) is not None


class TestSleep:
    @pytest.mark.parametrize(
        ("tst_h", "tib_h", "efficiency", "short", "low"),
        [
            (6.0, 7.5, 80.0, True, True),
            (7.0, 8.0, 87.5, False, False),
            (6.99, 7.0, 99.857, True, False),
            (8.5, 10.0, 85.0, False, False),
            (8.0, 9.5, 84.21, False, True),
            (0.0, 1.0, 0.0, True, True),
        ],
    )
    def test_assess_sleep(
        self, tst_h: float, tib_h: float, efficiency: float, short: bool, low: bool
    ) -> None:
        status = rd.assess_sleep(tst_h * H, tib_h * H)
        assert status.efficiency_pct == pytest.approx(efficiency, abs=0.01)
        assert (status.short, status.low_efficiency) == (short, low)

    @pytest.mark.parametrize(("tst", "tib"), [(8 * H, 7 * H), (H, 0.0), (-1.0, H)])
    def test_bad_sleep_input_raises(self, tst: float, tib: float) -> None:
        with pytest.raises(DomainInputError):
            rd.assess_sleep(tst, tib)

    def test_sleep_debt_over_14_days(self) -> None:
        nights = [night(d, 7 * H) for d in range(16)]  # days 14 and 15 are outside
        debt = rd.compute_sleep_debt(nights, AS_OF)
        assert (debt.debt_s, debt.nights) == (14 * H, 14)

    def test_sleep_debt_skips_missing_nights_and_counts_surplus(self) -> None:
        debt = rd.compute_sleep_debt([night(0, 9 * H), night(3, 6 * H)], AS_OF)
        assert (debt.debt_s, debt.nights) == (1 * H, 2)

    def test_personal_need(self) -> None:
        debt = rd.compute_sleep_debt([night(0, 7 * H)], AS_OF, need_s=7.5 * H)
        assert debt.debt_s == 0.5 * H


class TestComponents:
    @pytest.mark.parametrize(
        ("z", "score"),
        [(-2.0, 0.0), (-1.0, 25.0), (0.0, 50.0), (2.0, 100.0), (3.5, 100.0), (-9, 0.0)],
    )
    def test_hrv_component(self, z: float, score: float) -> None:
        assert rd.score_hrv_component(z) == score

    @pytest.mark.parametrize(
        ("tonight", "score"),
        [(50.0, 100.0), (55.0, 100.0), (58.0, 70.0), (65.0, 0.0), (70.0, 0.0)],
    )
    def test_rhr_component(self, tonight: float, score: float) -> None:
        assert rd.score_rhr_component(tonight, 55.0) == pytest.approx(score)

    @pytest.mark.parametrize(
        ("hours", "efficiency", "score"),
        [
            (6.0, 80.0, 75.0),  # 0.7 x 75 + 0.3 x 75
            (8.0, 85.0, 100.0),
            (9.0, 95.0, 100.0),
            (4.0, 60.0, 35.0),  # 0.7 x 50 + 0.3 x 0
            (8.0, 65.0, 70.0),
        ],
    )
    def test_sleep_component(
        self, hours: float, efficiency: float, score: float
    ) -> None:
        assert rd.score_sleep_component(sleep(hours, efficiency)) == pytest.approx(
            score
        )

    def test_sleep_component_with_personal_need(self) -> None:
        assert rd.score_sleep_component(
            sleep(6.0, 85.0), need_s=6 * H
        ) == pytest.approx(100.0)


class TestCompositeReadiness:
    def test_worked_example(self) -> None:
        """HRV z -1 → 25, RHR +3 → 70, sleep 6 h at 80 % → 75:
        0.5 x 25 + 0.25 x 70 + 0.25 x 75 = 48.75 (yellow)."""
        result = rd.compute_readiness(
            hrv_status(-1.0, HrvState.BELOW), rhr(58.0), sleep(6.0, 80.0)
        )
        assert result.score == pytest.approx(48.75)
        assert result.band is ReadinessBand.YELLOW
        components = (
            result.hrv_component,
            result.rhr_component,
            result.sleep_component,
        )
        assert components == pytest.approx((25.0, 70.0, 75.0))
        assert result.reasons == (
            ReasonCode.HRV_BELOW_NORMAL,
            ReasonCode.SLEEP_SHORT,
            ReasonCode.SLEEP_LOW_EFFICIENCY,
        )
        assert not result.is_low

    def test_missing_rhr_renormalises(self) -> None:
        result = rd.compute_readiness(hrv_status(-1.0), None, sleep(6.0, 80.0))
        assert result.score == pytest.approx((0.5 * 25 + 0.25 * 75) / 0.75)
        assert ReasonCode.RHR_MISSING in result.reasons

    def test_hrv_only(self) -> None:
        result = rd.compute_readiness(hrv_status(0.4), None, None)
        assert result.score == pytest.approx(60.0)
        assert result.reasons == (ReasonCode.RHR_MISSING, ReasonCode.SLEEP_MISSING)

    @pytest.mark.parametrize(
        ("state", "reason"),
        [
            (HrvState.CALIBRATING, ReasonCode.HRV_CALIBRATING),
            (HrvState.INCOMPLETE, ReasonCode.HRV_INCOMPLETE),
        ],
    )
    def test_missing_hrv_gives_no_score_but_shows_sleep(
        self, state: HrvState, reason: ReasonCode
    ) -> None:
        result = rd.compute_readiness(
            hrv_status(None, state), rhr(55.0), sleep(6.0, 80.0)
        )
        assert (result.score, result.band, result.hrv_component) == (None, None, None)
        assert result.sleep_component == pytest.approx(75.0)
        assert result.reasons[0] is reason
        assert not result.is_low

    def test_green(self) -> None:
        result = rd.compute_readiness(hrv_status(2.0), rhr(55.0), sleep(8.0, 90.0))
        assert (result.score, result.band) == (100.0, ReadinessBand.GREEN)
        assert result.reasons == ()

    def test_red_is_low_readiness(self) -> None:
        status = rd.RhrStatus(65.0, 55.0, 1.0, 10.0, 10.0, True)
        result = rd.compute_readiness(
            hrv_status(-2.0, HrvState.BELOW), status, sleep(4.0, 60.0)
        )
        assert result.score == pytest.approx(8.75)
        assert result.band is ReadinessBand.RED
        assert result.is_low
        assert ReasonCode.RHR_ELEVATED in result.reasons

    def test_above_band_is_reported(self) -> None:
        result = rd.compute_readiness(hrv_status(1.5, HrvState.ABOVE), None, None)
        assert ReasonCode.HRV_ABOVE_NORMAL in result.reasons

    @pytest.mark.parametrize(
        ("score", "band"),
        [
            (100.0, ReadinessBand.GREEN),
            (67.0, ReadinessBand.GREEN),
            (66.99, ReadinessBand.YELLOW),
            (34.0, ReadinessBand.YELLOW),
            (33.01, ReadinessBand.YELLOW),
            (33.0, ReadinessBand.RED),
            (0.0, ReadinessBand.RED),
        ],
    )
    def test_bands(self, score: float, band: ReadinessBand) -> None:
        assert rd.classify_readiness(score) is band

    def test_end_to_end_from_nights(self) -> None:
        hrv = rd.assess_hrv(baseline() + [ln_night(d, 3.9) for d in range(3)], AS_OF)
        rhr_nights = [night(1 + i, 54.0 if i % 2 else 56.0) for i in range(14)]
        resting = rd.assess_resting_hr([*rhr_nights, night(0, 55.0)], AS_OF)
        result = rd.compute_readiness(hrv, resting, sleep(8.0, 90.0))
        expected_hrv = 50 + 25 * (-0.1 / BASE_SD)
        assert result.score == pytest.approx(
            0.5 * expected_hrv + 0.25 * 100 + 0.25 * 100
        )
        assert result.band is ReadinessBand.YELLOW
