"""A year's plan as an object, and the plans of every year a spreadsheet holds.

The 2023 plan (`reporting.catalog`) is built in. A spreadsheet may add its own plans in the optional tab
`Kế hoạch` (`reporting.plan_tab` reads it), one or more years, each with its areas, channels and optional
targets. Every activity is judged by the plan of its period's year; a year without a plan of its own uses
the nearest earlier plan (or, before the first one, the earliest), and says so (`Plans.notice`).
Without the tab the 2023 plan is the only one and nothing is said: the app behaves as it always has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from reporting.catalog import AREAS, CHANNELS, ITEM_NOUNS, Area, Channel
from reporting.values import area_hint, channel_hint, channel_lookup

BUILT_IN_YEAR = 2023


@dataclass(frozen=True)
class Targets:
    """What a plan asks for each quarter; every part optional. Units are keyed by their `Mã`."""

    areas: tuple[tuple[str, int], ...] = ()  # area letter → at least N activities a quarter across the agency
    channels: tuple[tuple[str, int], ...] = ()  # channel code → at least N activities a quarter
    units: tuple[tuple[str, int], ...] = ()  # unit code → at least N activities a quarter
    unit_areas: tuple[tuple[str, tuple[str, ...]], ...] = ()  # unit code → areas it must cover each quarter

    def __bool__(self) -> bool:
        return bool(self.areas or self.channels or self.units or self.unit_areas)


@dataclass(frozen=True)
class Plan:
    """One year's plan: its content areas and channels in order, its number and date, its targets."""

    year: int
    areas: tuple[Area, ...]
    channels: tuple[Channel, ...]
    nouns: tuple[tuple[str, str], ...]  # channel code → what its «Số lượng» counts (item channels only)
    number: str = ""  # the plan's số, e.g. 25/KH-SLĐTBXH
    issued: date | None = None
    title: str = ""
    targets: Targets = field(default_factory=Targets)
    built_in: bool = False
    due_day: int | None = None  # «Hạn báo cáo»: the last on-time day of the quarter's last month, if the plan sets it

    @cached_property
    def letters(self) -> tuple[str, ...]:
        return tuple(a.letter for a in self.areas)

    @cached_property
    def area_by_letter(self) -> dict[str, Area]:
        return {a.letter: a for a in self.areas}

    @cached_property
    def channel_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.channels)

    @cached_property
    def channel_by_code(self) -> dict[str, Channel]:
        return {c.code: c for c in self.channels}

    @cached_property
    def item_nouns(self) -> dict[str, str]:
        return dict(self.nouns)

    @property
    def item_channels(self) -> frozenset[str]:
        """Channels whose «Số lượng» counts items (articles, posters…) rather than sessions."""
        return frozenset(self.item_nouns)

    @cached_property
    def area_hint(self) -> str:
        return area_hint(self.letters)

    @cached_property
    def channel_lookup(self) -> dict[str, str]:
        return channel_lookup(self.channels)

    @cached_property
    def channel_hint(self) -> str:
        return channel_hint(self.channels)

    @property
    def letter_span(self) -> str:
        """«a–m» for the plan's letters («a, b, c» when there are three or fewer)."""
        letters = self.letters
        return f"{letters[0]}–{letters[-1]}" if len(letters) > 3 else ", ".join(letters)

    @property
    def name(self) -> str:
        """«kế hoạch năm 2024» and its number when known: how the app names this plan to people."""
        return f"kế hoạch năm {self.year}" + (f" (số {self.number})" if self.number else "")


PLAN_2023 = Plan(BUILT_IN_YEAR, AREAS, CHANNELS, tuple(ITEM_NOUNS.items()), built_in=True)


@dataclass(frozen=True)
class Plans:
    """Every plan of a spreadsheet, by year. `from_tab` says whether the spreadsheet has its own."""

    plans: tuple[Plan, ...] = (PLAN_2023,)
    from_tab: bool = False

    def __post_init__(self) -> None:
        if not self.plans:
            raise ValueError("at least one plan")
        object.__setattr__(self, "plans", tuple(sorted(self.plans, key=lambda p: p.year)))

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(p.year for p in self.plans)

    @property
    def many(self) -> bool:
        """More than one plan: messages then say which year's plan a value is not in."""
        return len(self.plans) > 1

    def for_year(self, year: int) -> Plan:
        """The plan of `year`: its own, the nearest earlier one, or before the first plan the earliest."""
        earlier = [p for p in self.plans if p.year <= year]
        return earlier[-1] if earlier else self.plans[0]

    def notice(self, year: int) -> str | None:
        """What the page and the export say when `year` has no plan of its own (None when it has, or when
        the spreadsheet has no plans at all and the built-in 2023 plan is simply the plan)."""
        plan = self.for_year(year)
        if plan.year == year or not self.from_tab:
            return None
        return f"Năm {year} chưa có kế hoạch riêng trong trang «Kế hoạch»; số liệu được đối chiếu theo {plan.name}."


DEFAULT_PLANS = Plans()
