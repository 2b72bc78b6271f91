"""What an owner churn alert says (domain-methods §4.3, §4.4).

Besides the band, the score and the top 3 drivers in words (``churn``), an
owner alert carries the member's context (tenure, contract, renewal date), a
suggested play matched to the driver and a suggested message, and any
suppression reason. A logistic model's probability is shown with its multiple
of the gym's base monthly cancellation rate.

Play choice [design]: a new member (tenure added points) gets the
new-member play, since early dropout peaks in the first months; otherwise
drift (recency, frequency or trend) gets the class-with-a-buddy play, then
"never booked a class", then month-to-month. The message keeps ``{name}`` for
the client to fill, so no personal data is stored in the alert text.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .churn import (
    IHRSA_MONTHLY_CANCEL_RATE,
    ChurnFactor,
    ChurnFeatures,
    ChurnRisk,
    ContractKind,
    compare_with_base_rate,
)


class ChurnPlay(StrEnum):
    INDUCTION = "induction"
    CLASS_WITH_BUDDY = "class_with_buddy"
    GROUP_CLASS = "group_class"
    FIXED_TERM_OFFER = "fixed_term_offer"


_PLAYS: dict[ChurnPlay, tuple[str, str]] = {
    ChurnPlay.INDUCTION: (
        "New member: book an induction or a PT check-in.",
        "Hi {name}, how are your first weeks going? Would you like a free "
        "check-in with one of our coaches?",
    ),
    ChurnPlay.CLASS_WITH_BUDDY: (
        "Visits are drifting: invite them to a class with a buddy.",
        "Hi {name}, we've missed you lately. Fancy joining a class this week? "
        "Bring a friend along.",
    ),
    ChurnPlay.GROUP_CLASS: (
        "Trains alone: invite them to a group class.",
        "Hi {name}, have you tried one of our group classes? Here is this "
        "week's timetable.",
    ),
    ChurnPlay.FIXED_TERM_OFFER: (
        "Month-to-month: offer a fixed-term plan before renewal.",
        "Hi {name}, did you know a fixed-term plan could save you money? Ask us "
        "at the desk.",
    ),
}
_DRIFT = {ChurnFactor.RECENCY, ChurnFactor.FREQUENCY, ChurnFactor.TREND}


@dataclass(frozen=True, slots=True)
class ChurnNote:
    """One explanation line of an owner alert."""

    code: str
    text: str


def choose_play(risk: ChurnRisk) -> ChurnPlay | None:
    """The play matched to the factors that added points (see the module
    docstring); tenure counts even when it is not among the top 3."""
    factors = {p.factor for p in risk.points if p.points}
    if ChurnFactor.TENURE in factors:
        return ChurnPlay.INDUCTION
    if factors & _DRIFT:
        return ChurnPlay.CLASS_WITH_BUDDY
    if ChurnFactor.SOCIAL in factors:
        return ChurnPlay.GROUP_CLASS
    if ChurnFactor.CONTRACT in factors:
        return ChurnPlay.FIXED_TERM_OFFER
    return None


def explain_churn_alert(
    risk: ChurnRisk, features: ChurnFeatures, *, renewal_on: date | None = None
) -> tuple[ChurnNote, ...]:
    """The §4.4 lines after the drivers: summary, context, play, message and
    suppressions."""
    unit = "month" if features.tenure_months == 1 else "months"
    contract = (
        "month-to-month"
        if features.contract is ContractKind.MONTH_TO_MONTH
        else "fixed-term"
    )
    context = f"Member for {features.tenure_months} {unit}; {contract} contract"
    context += f"; renews on {renewal_on.isoformat()}." if renewal_on else "."
    drivers = "; ".join(p.reason for p in risk.drivers) or "no single driver"
    notes = [
        ChurnNote(
            "summary", f"{risk.level} churn risk, {risk.score} of 100: {drivers}."
        ),
        ChurnNote("context", context),
    ]
    play = choose_play(risk)
    if play is not None:
        action, message = _PLAYS[play]
        notes += [ChurnNote("play", action), ChurnNote("message", message)]
    if risk.suppressions:
        names = ", ".join(s.replace("_", " ") for s in risk.suppressions)
        notes.append(ChurnNote("suppressed", f"Not alerted while set: {names}."))
    return tuple(notes)


def describe_churn_probability(
    probability: float, base_monthly_rate: float = IHRSA_MONTHLY_CANCEL_RATE
) -> str:
    """'17 % chance of cancelling within 30 days, 5.1 times the base monthly
    rate (3.4 %).'"""
    times = compare_with_base_rate(probability, base_monthly_rate)
    return (
        f"{probability * 100:.0f} % chance of cancelling within 30 days, "
        f"{times:.1f} times the base monthly rate ({base_monthly_rate * 100:.1f} %)."
    )
