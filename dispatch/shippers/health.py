"""The daily 5K health declaration (khai báo y tế) of a shipper.

Which questions are asked is the ``health_questions`` setting. A declaration is kept per
shipper per local day; a failing one is stored with its failures, which keeps the shipper
out of today's planning runs (they only take shippers with a passing declaration today)
and is what the dispatcher console shows. The orders such a shipper has not picked up yet
go back to planning at once, as when a shipper goes off duty.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.actors import Actor
from dispatch.clock import local_today
from dispatch.enums import ActorKind
from dispatch.errors import Conflict, FieldError, NotFound, ValidationFailed
from dispatch.rebalancing.duty import return_to_planning
from dispatch.settings import get_settings
from dispatch.shippers.models import HealthDeclaration, Shipper

log = logging.getLogger(__name__)

HEALTH_FAILED_REASON = "health_declaration_failed"
"""The reason recorded on orders sent back to planning by a failing declaration."""
# The Ministry of Health's fever threshold.
FEVER_FROM_C = 37.5
PLAUSIBLE_C = (34.0, 43.0)
# Hà Nội asked shippers for a negative test taken within the last 72 hours.
TEST_VALID_DAYS = 3
SYMPTOMS = (
    "fever",
    "cough",
    "shortness_of_breath",
    "sore_throat",
    "loss_of_taste_or_smell",
    "fatigue",
    "body_aches",
)
TEST_RESULTS = ("negative", "positive")
VACCINATION_STATUSES = ("none", "one_dose", "fully_vaccinated")


@dataclass(frozen=True)
class HealthAnswers:
    """What the shipper answered; a question that is not asked is ignored."""

    temperature_c: float | None = None
    symptoms: list[str] | None = None
    mask: bool | None = None
    sanitizer: bool | None = None
    test_date: date | None = None
    test_result: str | None = None
    vaccination_status: str | None = None


@dataclass
class _Verdict:
    problems: list[FieldError] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)

    def require(self, path: str, value: object) -> bool:
        if value is None:
            self.problems.append(FieldError(path, "this question must be answered"))
            return False
        return True


def health_questions() -> list[str]:
    return list(get_settings().health_questions)


def declaration_for(
    session: Session, *, shipper_id: int, day: date | None = None
) -> HealthDeclaration | None:
    """The shipper's declaration of ``day`` (today by default), if any."""
    return session.scalar(
        select(HealthDeclaration).where(
            HealthDeclaration.shipper_id == shipper_id,
            HealthDeclaration.day == (day or local_today()),
        )
    )


def list_declarations(
    session: Session, *, shipper_id: int | None = None, day: date | None = None, limit: int = 60
) -> list[HealthDeclaration]:
    """Newest first, for the dispatcher: one shipper's history, or everyone's of one day."""
    query = select(HealthDeclaration).order_by(
        HealthDeclaration.day.desc(), HealthDeclaration.id.desc()
    )
    if shipper_id is not None:
        query = query.where(HealthDeclaration.shipper_id == shipper_id)
    if day is not None:
        query = query.where(HealthDeclaration.day == day)
    return list(session.scalars(query.limit(limit)))


def declare_health(
    session: Session, *, shipper_id: int, answers: HealthAnswers
) -> HealthDeclaration:
    """Record today's declaration and whether it passes; one per shipper per day."""
    shipper = session.get(Shipper, shipper_id)
    if shipper is None:
        raise NotFound(f"shipper {shipper_id} does not exist")
    today = local_today()
    verdict = _judge(answers, today)
    if verdict.problems:
        summary = "; ".join(f"{p.path}: {p.message}" for p in verdict.problems)
        raise ValidationFailed(
            f"the declaration is not complete: {summary}", fields=verdict.problems
        )
    if declaration_for(session, shipper_id=shipper_id, day=today) is not None:
        # A second try the same day would let a failing answer be replaced by a passing one.
        raise Conflict("today's health declaration is already recorded; ask your dispatcher")
    declaration = _build(shipper, today, answers, verdict)
    session.add(declaration)
    session.flush()
    if not declaration.passed:
        log.warning(
            "shipper %s failed today's health declaration: %s", shipper_id, verdict.failures
        )
        # Orders they have not picked up go to someone else, as when they go off duty.
        return_to_planning(
            session,
            shipper,
            actor=Actor(ActorKind.SHIPPER, shipper.id),
            reason=HEALTH_FAILED_REASON,
            note="; ".join(verdict.failures),
        )
    return declaration


def _build(
    shipper: Shipper, today: date, answers: HealthAnswers, verdict: _Verdict
) -> HealthDeclaration:
    asked = set(health_questions())
    return HealthDeclaration(
        shipper=shipper,
        day=today,
        temperature_c=answers.temperature_c if "temperature" in asked else None,
        symptoms=verdict.answers.get("symptoms", []),
        mask=answers.mask if "mask" in asked else None,
        sanitizer=answers.sanitizer if "sanitizer" in asked else None,
        test_date=answers.test_date if "test" in asked else None,
        test_result=answers.test_result if "test" in asked else None,
        vaccination_status=answers.vaccination_status if "vaccination" in asked else None,
        passed=not verdict.failures,
        failures=verdict.failures,
        answers=verdict.answers,
    )


def _judge(answers: HealthAnswers, today: date) -> _Verdict:
    verdict = _Verdict()
    for question in health_questions():
        _RULES[question](answers, today, verdict)
    return verdict


def _temperature(answers: HealthAnswers, _today: date, verdict: _Verdict) -> None:
    value = answers.temperature_c
    if not verdict.require("temperature_c", value):
        return
    assert value is not None
    low, high = PLAUSIBLE_C
    if not low <= value <= high:
        verdict.problems.append(
            FieldError("temperature_c", f"a body temperature is between {low} and {high} °C")
        )
        return
    verdict.answers["temperature_c"] = value
    if value >= FEVER_FROM_C:
        verdict.failures.append("temperature")


def _symptoms(answers: HealthAnswers, _today: date, verdict: _Verdict) -> None:
    if not verdict.require("symptoms", answers.symptoms):
        return
    assert answers.symptoms is not None
    unknown = sorted(set(answers.symptoms) - set(SYMPTOMS))
    if unknown:
        verdict.problems.append(
            FieldError("symptoms", f"unknown symptoms {unknown}; known: {list(SYMPTOMS)}")
        )
        return
    verdict.answers["symptoms"] = sorted(set(answers.symptoms))
    if answers.symptoms:
        verdict.failures.append("symptoms")


def _carried(name: str) -> Any:
    def rule(answers: HealthAnswers, _today: date, verdict: _Verdict) -> None:
        value = getattr(answers, name)
        if verdict.require(name, value):
            verdict.answers[name] = value
            if value is not True:
                verdict.failures.append(name)

    return rule


def _test(answers: HealthAnswers, today: date, verdict: _Verdict) -> None:
    has_date = verdict.require("test_date", answers.test_date)
    has_result = verdict.require("test_result", answers.test_result)
    if not (has_date and has_result):
        return
    assert answers.test_date is not None
    if answers.test_result not in TEST_RESULTS:
        verdict.problems.append(FieldError("test_result", f"one of {list(TEST_RESULTS)}"))
        return
    if answers.test_date > today:
        verdict.problems.append(FieldError("test_date", "the test date is in the future"))
        return
    verdict.answers.update(test_date=answers.test_date.isoformat(), test_result=answers.test_result)
    if answers.test_result == "positive":
        verdict.failures.append("test_positive")
    elif answers.test_date < today - timedelta(days=TEST_VALID_DAYS):
        verdict.failures.append("test_outdated")


def _vaccination(answers: HealthAnswers, _today: date, verdict: _Verdict) -> None:
    status = answers.vaccination_status
    if not verdict.require("vaccination_status", status):
        return
    if status not in VACCINATION_STATUSES:
        verdict.problems.append(
            FieldError("vaccination_status", f"one of {list(VACCINATION_STATUSES)}")
        )
        return
    verdict.answers["vaccination_status"] = status
    if status == "none":
        verdict.failures.append("not_vaccinated")


_RULES = {
    "temperature": _temperature,
    "symptoms": _symptoms,
    "mask": _carried("mask"),
    "sanitizer": _carried("sanitizer"),
    "test": _test,
    "vaccination": _vaccination,
}
