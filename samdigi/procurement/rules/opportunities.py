"""The joint-tender opportunity finder: which municipalities could re-tender the same thing jointly.

A pure module (no Django). Contracts of *different* municipalities that buy the same thing — the
same catalogue system, or the same KLE task area and contract type — are candidates for one joint
tender when their re-tender windows overlap: there is a common target date T that every member's
contract can reach. T is the date until which each member's current contract must run; the joint
contract starts the day after.

A contract reaches T when ``current_end <= T <= latest reachable end``. Between the two it is
bridged by using extension options (each adds ``option_months``; at most ``options_remaining`` and
never beyond ``latest_possible_end``) and, after the options, by a short prolongation of at most
``max_prolongation`` months — a contract modification that is lawful without a new tender only
under the de minimis rule of udbudsloven § 180: the prolongation's value (annual value × months /
12) must be below both the threshold and 10 % (works: 15 %) of the contract's estimated value.
Earlier modifications are not known here, so the check assumes there were none; the Django layer
should pass a smaller ``max_prolongation`` where it knows better, or 0 for options only.

An option can only be used if it is decided by its decision date (current end − notice). When
that day has passed on ``as_of``, no option is offered: the contract can only reach a target by a
prolongation. A member that would have reached a group's target with those options is shown with
the group as a ``MemberGap``: the reason, and the days between its current end and the joint
contract's start that nothing covers.

Month arithmetic follows the end-of-month rule (``samdigi.core.rules.months``, docs/domain.md).

Speed: contracts are first bucketed by match key in a dict, then each bucket is swept over its
sorted interval endpoints. Nothing compares contracts across the country pairwise, and the
explanations are formatted only when read, so 40,000 contracts over 98 municipalities take about
0.6 s on the (slow) CI machine and a quarter of that on a laptop.
"""

from __future__ import annotations

import hashlib
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from samdigi.core.rules.months import add_months, is_month_end

from .schedule import (
    CATEGORIES,
    DEFAULT_EUR_RATE,
    DEFAULT_THRESHOLDS,
    WORKS,
    ThresholdPeriod,
    find_period,
    months_to_reach,
    to_decimal,
)

SYSTEM = "system"
KLE_CONTRACT_TYPE = "kle_contract_type"

# Reason codes: stable identifiers the Django layer can translate; ``Reason.text`` is English.
IN_GROUP = "in_group"
NO_END_DATE = "no_end_date"
NOTHING_TO_MATCH = "nothing_to_match"
AFTER_WINDOW = "after_window"
BEFORE_WINDOW = "before_window"
ONLY_ONE_MUNICIPALITY = "only_one_municipality"
OTHERS_ALREADY_GROUPED = "others_already_grouped"
NO_COMMON_DATE = "no_common_date"
ENDS_AFTER_TARGET = "ends_after_target"
CANNOT_EXTEND_TO_TARGET = "cannot_extend_to_target"
OPTION_DECISION_PASSED = "option_decision_passed"

_CENT = Decimal("0.01")
_ZERO_CENT = Decimal("0.00")


@dataclass(frozen=True)
class ContractInfo:
    """What the finder needs to know about one contract (plain values, no model instances).

    ``kle_areas`` are matched as given: pass the level to match on (e.g. groups "85.02").
    ``current_end`` is the expiration date plus the options already used; None for a running
    contract without an end date (it cannot be placed in a window and is left out with a reason).
    ``estimated_value`` is the whole term with all options, the base for the § 180 percentage.
    ``category`` is one of ``schedule.CATEGORIES`` and picks the threshold and the percentage.
    """

    contract_id: str
    municipality_code: str
    system_id: str | int | None
    kle_areas: tuple[str, ...]
    contract_type: str
    current_end: date | None
    latest_possible_end: date | None
    option_months: int
    options_remaining: int
    annual_value: Decimal
    estimated_value: Decimal
    category: str = "services"
    #: The last day to decide on the next option (current end − notice months); once it is before
    #: ``as_of`` the remaining options cannot be used. None: not known, options count as usable.
    option_decision: date | None = None


@dataclass(frozen=True, slots=True)
class MemberGap:
    """A contract that buys the same thing as a group but cannot be extended to its target
    because the decision date of its next option has passed: it ends at ``current_end`` and
    nothing covers ``gap_start`` to ``gap_end`` (inclusive) until the joint contract starts."""

    contract_id: str
    municipality_code: str
    current_end: date
    option_decision: date
    target_date: date

    @property
    def gap_start(self) -> date:
        return self.current_end + timedelta(days=1)

    @property
    def gap_end(self) -> date:
        return self.target_date

    @property
    def joint_start(self) -> date:
        return self.target_date + timedelta(days=1)

    @property
    def gap_days(self) -> int:
        return (self.target_date - self.current_end).days

    @property
    def explanation(self) -> str:
        return (
            f"the decision date {self.option_decision.isoformat()} for its next option has "
            f"passed, so it cannot be extended: it ends {self.current_end.isoformat()} and leaves "
            f"a gap of {self.gap_days} day(s) until the joint contract starts "
            f"{self.joint_start.isoformat()}"
        )


@dataclass(slots=True)
class MemberPlan:
    """How one member's contract is bridged to the group's target date.

    Not frozen, unlike the other results: tens of thousands are made per run and a frozen
    dataclass costs several times more to build. Treat it as read-only all the same.
    """

    contract_id: str
    municipality_code: str
    current_end: date
    target_date: date
    options_to_use: int
    options_remaining: int
    option_months: int
    prolongation_months: int
    prolongation_value: Decimal
    prolongation_limit: Decimal
    covered_until: date
    latest_reachable_end: date
    estimated_value: Decimal
    annual_value: Decimal

    @property
    def overshoot_days(self) -> int:
        """Days the contract runs past the target because options come in whole periods."""
        return (self.covered_until - self.target_date).days

    @property
    def explanation(self) -> str:
        parts: list[str] = []
        if not self.options_to_use and not self.prolongation_months:
            parts.append("no extension needed: the current end is the target date")
        if self.options_to_use:
            parts.append(
                f"use {self.options_to_use} of {self.options_remaining} remaining option(s) of "
                f"{self.option_months} months"
            )
        if self.prolongation_months:
            parts.append(
                f"prolong {self.prolongation_months} month(s) under § 180 (value "
                f"{self.prolongation_value:,.2f} DKK, below the limit of "
                f"{self.prolongation_limit:,.2f} DKK)"
            )
        text = " and ".join(parts)
        if self.covered_until > self.target_date:
            text += (
                f"; covered until {self.covered_until.isoformat()}, so this member joins the "
                "joint contract then"
            )
        return text


@dataclass(frozen=True)
class Opportunity:
    """A candidate joint tender: members of at least two municipalities and a common target."""

    key: str
    rank: int
    basis: str
    basis_label: str
    system_id: str | int | None
    kle_area: str | None
    contract_type: str | None
    target_date: date
    members: tuple[MemberPlan, ...]
    municipality_codes: tuple[str, ...]
    combined_estimated_value: Decimal
    combined_annual_value: Decimal
    #: Contracts for the same thing that would reach the target only with options whose
    #: decision date has passed; not members, so not in the values or municipality codes.
    gaps: tuple[MemberGap, ...] = ()

    @property
    def joint_start(self) -> date:
        """The joint contract starts the day after the common target date."""
        return self.target_date + timedelta(days=1)

    @property
    def contract_ids(self) -> tuple[str, ...]:
        return tuple(m.contract_id for m in self.members)


@dataclass(slots=True)
class Reason:
    """One reason a contract is in or out, as a code with its facts; ``text`` says it in English.

    ``day`` is the contract's own date involved (current end or latest reachable end), ``target``
    the group's target date or the window bound it missed.
    """

    code: str
    basis_label: str = ""
    day: date | None = None
    target: date | None = None
    group_key: str | None = None
    municipality_code: str | None = None
    plan: MemberPlan | None = None
    gap: MemberGap | None = None

    @property
    def text(self) -> str:
        code = self.code
        day = self.day.isoformat() if self.day else ""
        target = self.target.isoformat() if self.target else ""
        if code == IN_GROUP:
            plan = self.plan.explanation if self.plan else ""
            return f"in group {self.group_key} ({self.basis_label}), target date {target}: {plan}"
        if code == NO_END_DATE:
            return (
                "no current end date (a running contract): give notice first to place it in a "
                "re-tender window"
            )
        if code == NOTHING_TO_MATCH:
            return "no catalogue system and no KLE task area with contract type to match on"
        if code == AFTER_WINDOW:
            return (
                f"outside the planning window: current end {day} is after the window ends "
                f"({target})"
            )
        if code == BEFORE_WINDOW:
            return (
                f"outside the planning window: latest reachable end {day} (all options and "
                f"allowed prolongation) is before the earliest target date ({target})"
            )
        if code == ONLY_ONE_MUNICIPALITY:
            return (
                f"only one municipality ({self.municipality_code}) has a contract for "
                f"{self.basis_label}"
            )
        if code == OTHERS_ALREADY_GROUPED:
            return (
                f"the other municipalities' contracts for {self.basis_label} are already in "
                "another group"
            )
        if code == NO_COMMON_DATE:
            return f"no common target date with another municipality for {self.basis_label}"
        if code == ENDS_AFTER_TARGET:
            return (
                f"cannot reach target date {target} of group {self.group_key} "
                f"({self.basis_label}): current end {day} is after the target"
            )
        if code == OPTION_DECISION_PASSED:
            if self.gap is not None:
                return (
                    f"cannot reach target date {target} of group {self.group_key} "
                    f"({self.basis_label}): {self.gap.explanation}"
                )
            return (
                f"the decision date {day} for its next option has passed: its options can no "
                "longer be used"
            )
        if code == CANNOT_EXTEND_TO_TARGET:
            return (
                f"cannot reach target date {target} of group {self.group_key} "
                f"({self.basis_label}): latest reachable end {day} (all options and allowed "
                "prolongation) is before the target"
            )
        return code


@dataclass(slots=True)
class ContractDecision:
    """Whether a considered contract is in a group, and why (one reason per match key tried).

    Not frozen for the same reason as ``MemberPlan``; treat it as read-only.
    """

    contract_id: str
    municipality_code: str
    included: bool
    group_key: str | None
    reasons: tuple[Reason, ...]

    @property
    def reason(self) -> str:
        return "; ".join(dict.fromkeys(r.text for r in self.reasons))

    @property
    def plan(self) -> MemberPlan | None:
        for reason in self.reasons:
            if reason.plan is not None:
                return reason.plan
        return None


@dataclass(frozen=True)
class OpportunityReport:
    groups: tuple[Opportunity, ...]
    decisions: dict[str, ContractDecision]
    window_start: date
    window_end: date
    max_prolongation: int

    def group(self, key: str) -> Opportunity | None:
        for group in self.groups:
            if group.key == key:
                return group
        return None


def group_key(contract_ids: Iterable[str], target_date: date) -> str:
    """A stable key for a group: the same members and target give the same key on every run."""
    text = "|".join(sorted(str(c) for c in contract_ids)) + "@" + target_date.isoformat()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def prolongation_limit(contract: ContractInfo, threshold_dkk: Decimal) -> Decimal:
    """The § 180 limit for this contract: the lower of the threshold and 10 % (works 15 %)."""
    percent = 15 if contract.category == WORKS else 10
    return min(to_decimal(threshold_dkk), to_decimal(contract.estimated_value) * percent / 100)


def max_prolongation_months(contract: ContractInfo, threshold_dkk: Decimal, max_months: int) -> int:
    """The longest prolongation, up to ``max_months``, that passes the § 180 value test.

    Value of m months = annual value × m / 12; it must be *below* ``prolongation_limit``.
    """
    return _max_months(
        prolongation_limit(contract, threshold_dkk), to_decimal(contract.annual_value), max_months
    )


def _max_months(limit: Decimal, annual: Decimal, max_months: int) -> int:
    if max_months <= 0 or limit <= 0:
        return 0
    if annual <= 0:
        return max_months
    # m × annual < 12 × limit, compared without dividing so that the boundary is exact.
    twelve_limit = limit * 12
    months = int(twelve_limit // annual)
    if months * annual >= twelve_limit:
        months -= 1
    return max(0, min(max_months, months))


class _Candidate:
    """Per-contract values computed once; a plain slotted class because 40,000 are made."""

    __slots__ = (
        "info",
        "cid",
        "muni",
        "current_end",
        "usable_options",
        "max_prolong",
        "reach_end",
        "start",
        "end",
        "value",
        "cents",
        "annual",
        "limit",
        "reasons",
        "group",
        "plan",
    )

    def __init__(
        self,
        info: ContractInfo,
        current_end: date,
        usable_options: int,
        max_prolong: int,
        reach_end: date,
        start: int,
        end: int,
        value: Decimal,
        annual: Decimal,
        limit: Decimal,
    ) -> None:
        self.info = info
        self.cid = info.contract_id
        self.muni = info.municipality_code
        self.current_end = current_end
        self.usable_options = usable_options
        self.max_prolong = max_prolong
        self.reach_end = reach_end
        self.start = start  # ordinal of the first reachable target inside the window
        self.end = end  # ordinal of the last one
        self.value = value
        # Whole øre as int: the sweep adds values up often, and int sums are cheaper than Decimal.
        self.cents = int(value * 100)
        self.annual = annual
        self.limit = limit
        self.reasons: list[Reason] = []
        self.group: _RawGroup | None = None
        self.plan: MemberPlan | None = None


_by_municipality = operator.attrgetter("muni", "cid")


@dataclass
class _RawGroup:
    key: str
    basis: str
    label: str
    system_id: str | int | None
    area: str | None
    contract_type: str | None
    target: date
    members: list[_Candidate]
    value: Decimal = _ZERO_CENT


def _usable_options(info: ContractInfo, current_end: date) -> int:
    count = info.options_remaining
    if info.latest_possible_end is not None:
        # Registered data can disagree; the latest possible end is the contractual ceiling.
        while count > 0 and add_months(current_end, count * info.option_months) > (
            info.latest_possible_end
        ):
            count -= 1
    return count


def _reach(end: date, option_months: int, prolong: int) -> date:
    """The end after ``option_months`` of options and then ``prolong`` months of prolongation.

    Two steps, because the prolongation runs from the last option's end. A day up to the 27th
    keeps its number and a month-end stays one, so for them one step gives the same date.
    """
    if end.day <= 27 or is_month_end(end):
        total = option_months + prolong
        return add_months(end, total) if total else end
    reach = add_months(end, option_months) if option_months else end
    return add_months(reach, prolong) if prolong else reach


def _plan(cand: _Candidate, target: date) -> MemberPlan:
    """Bridge the contract to ``target`` with the least overshoot.

    Options come in whole periods and may overshoot the target (the member then joins the joint
    contract when its option ends); a prolongation after the last option that ends before the
    target lands within a month of it. The one with less overshoot wins; on a tie the options win,
    because they are foreseen in the contract while a prolongation is a modification.
    """
    info = cand.info
    end = cand.current_end
    step = info.option_months
    options = months = 0
    covered = end
    if target > end:  # else the member's contract ends on the target itself
        usable = cand.usable_options
        # add_months is monotone in the months added, so the fewest options reaching the target
        # follow from the fewest months: ceil(months / option length).
        needed = -(-months_to_reach(end, target) // step) if usable else usable + 1
        best: tuple[int, int, int, date] | None = None
        if needed <= usable:
            end_k = add_months(end, needed * step)
            best = ((end_k - target).days, 0, needed, end_k)
        if best is None or best[0] > 0:
            base_k = min(needed - 1, usable)
            base = add_months(end, base_k * step) if base_k else end
            extra = months_to_reach(base, target)
            if extra <= cand.max_prolong:
                bridged = add_months(base, extra)
                option = ((bridged - target).days, extra, base_k, bridged)
                if best is None or option < best:
                    best = option
        if best is None:
            raise ValueError(f"Contract {info.contract_id} cannot reach {target}")
        _, months, options, covered = best
    annual = cand.annual
    return MemberPlan(
        contract_id=cand.cid,
        municipality_code=cand.muni,
        current_end=end,
        target_date=target,
        options_to_use=options,
        options_remaining=info.options_remaining,
        option_months=step,
        prolongation_months=months,
        prolongation_value=(annual * months / 12).quantize(_CENT) if months else _ZERO_CENT,
        prolongation_limit=cand.limit,
        covered_until=covered,
        latest_reachable_end=cand.reach_end,
        estimated_value=cand.value,
        annual_value=annual,
    )


_Lapsed = tuple[str, date, date, date, "str | int | None", tuple[tuple[str, str], ...]]
# A group's basis: (basis, label, system id, KLE area, contract type), as _RawGroup takes them.
_Basis = tuple[str, str, "str | int | None", "str | None", "str | None"]


def _gaps(
    lapsed: dict[str, _Lapsed], grouped: set[str], raw_groups: list[_RawGroup]
) -> dict[str, tuple[_RawGroup, MemberGap]]:
    """For each contract whose option decision has passed and that is in no group: the group of
    its match keys whose target it would have reached with those options (a system group first,
    then the smallest gap), and the gap it leaves there."""
    result: dict[str, tuple[_RawGroup, MemberGap]] = {}
    if not lapsed:
        return result
    by_key: dict[tuple[object, ...], list[_RawGroup]] = defaultdict(list)
    for raw in raw_groups:
        if raw.basis == SYSTEM:
            by_key[(SYSTEM, raw.system_id)].append(raw)
        else:
            by_key[(KLE_CONTRACT_TYPE, raw.area, raw.contract_type)].append(raw)
    for cid, (muni, end, decision, reach, system_id, kle_keys) in lapsed.items():
        if cid in grouped:
            continue
        keys: list[tuple[int, tuple[object, ...]]] = (
            [(0, (SYSTEM, system_id))] if system_id is not None else []
        )
        keys.extend((1, (KLE_CONTRACT_TYPE, area, ctype)) for area, ctype in kle_keys)
        best: tuple[int, int, _RawGroup] | None = None
        for rank, key in keys:
            for raw in by_key.get(key, ()):
                if end < raw.target <= reach:
                    candidate = (rank, (raw.target - end).days, raw)
                    if best is None or candidate[:2] < best[:2]:
                        best = candidate
        if best is not None:
            raw = best[2]
            result[cid] = (raw, MemberGap(cid, muni, end, decision, raw.target))
    return result


def _best_target(
    days: list[int],
    adds: list[bool],
    owners: list[int],
    munis: list[str],
    values: list[int],
    alive: list[bool],
) -> int | None:
    """Sweep the sorted endpoints once; return the day covered by the most municipalities.

    Score: distinct municipalities, then contracts, then combined value; ties go to the earliest
    day. Only days where an interval starts need scoring: a maximum is always at a start.
    Removals sit at end + 1 and sort before additions on the same day. The events come as three
    parallel lists (day, is-addition, contract index) decoded once per match key.
    """
    counts: dict[str, int] = {}
    members = 0
    value = 0
    best_score: tuple[int, int, int] | None = None
    best_day: int | None = None
    current = -1
    added = False
    for day, add, idx in zip(days, adds, owners, strict=True):
        if not alive[idx]:
            continue
        if day != current:
            if added and len(counts) >= 2:
                score = (len(counts), members, value)
                if best_score is None or score > best_score:
                    best_score, best_day = score, current
            current = day
            added = False
        muni = munis[idx]
        if add:
            counts[muni] = counts.get(muni, 0) + 1
            members += 1
            value += values[idx]
            added = True
        else:
            left = counts[muni] - 1
            if left:
                counts[muni] = left
            else:
                del counts[muni]
            members -= 1
            value -= values[idx]
    if added and len(counts) >= 2:
        score = (len(counts), members, value)
        if best_score is None or score > best_score:
            best_day = current
    return best_day


def find_opportunities(
    contracts: Iterable[ContractInfo],
    as_of: date,
    window_months: int = 36,
    max_prolongation: int = 12,
    *,
    min_lead_months: int = 0,
    thresholds: Sequence[ThresholdPeriod] = DEFAULT_THRESHOLDS,
    eur_rate: Decimal = DEFAULT_EUR_RATE,
    match_on_kle: bool = True,
) -> OpportunityReport:
    """Find candidate joint tenders among ``contracts``.

    Target dates are searched in the window from ``as_of`` + ``min_lead_months`` (time to run the
    joint tender; pass the procedure's lead time) to ``as_of`` + ``window_months``.
    ``max_prolongation`` caps a § 180 prolongation in months (0 = options only); the value test
    uses the thresholds in force on ``as_of``.

    Matching: contracts with the same catalogue system are grouped first. Contracts not placed in
    a system group are then matched on KLE task area and contract type (two municipalities using
    different systems for the same task are exactly the harmonisation case); a contract with
    several task areas is tried in the keys' sorted order and placed at most once. Within a match
    key the target date covered by the most municipalities (then contracts, then value) becomes a
    group; its members leave the key and the sweep repeats until no date is shared by two
    municipalities. Groups are ranked by combined estimated value, then number of members.
    Every contract given gets a ``ContractDecision`` in ``decisions``.
    """
    if window_months < 0 or min_lead_months < 0 or max_prolongation < 0:
        raise ValueError("Window, lead time and prolongation cannot be negative")
    return _find(
        contracts,
        as_of,
        window_months,
        max_prolongation,
        min_lead_months,
        thresholds,
        eur_rate,
        match_on_kle,
    )


def _find(
    contracts: Iterable[ContractInfo],
    as_of: date,
    window_months: int,
    max_prolongation: int,
    min_lead_months: int,
    thresholds: Sequence[ThresholdPeriod],
    eur_rate: Decimal,
    match_on_kle: bool,
) -> OpportunityReport:
    lo = add_months(as_of, min_lead_months)
    hi = add_months(as_of, window_months)
    period, _ = find_period(as_of, thresholds)
    threshold_by_category = {c: period.amount(c, eur_rate).dkk for c in CATEGORIES}
    lo_ord, hi_ord = lo.toordinal(), hi.toordinal()

    seen: set[str] = set()
    # In input order, so that the decisions line up with the caller's list.
    entries: list[_Candidate | tuple[str, str, Reason]] = []
    by_system: dict[str | int, list[_Candidate]] = defaultdict(list)
    by_kle: dict[tuple[str, str], list[_Candidate]] = defaultdict(list)
    # Contract id → (municipality, current end, option decision, end the lapsed options would
    # have reached, system, KLE keys) for contracts whose option decision date has passed.
    lapsed: dict[str, _Lapsed] = {}

    for info in contracts:
        cid = info.contract_id
        if cid in seen:
            raise ValueError(f"Contract id {cid!r} occurs twice")
        seen.add(cid)
        threshold = threshold_by_category.get(info.category)
        if threshold is None:
            raise ValueError(f"Contract {cid!r} has unknown category {info.category!r}")
        end = info.current_end
        if end is None:
            entries.append((cid, info.municipality_code, Reason(NO_END_DATE)))
            continue
        system_id = info.system_id
        ctype = info.contract_type
        areas = info.kle_areas if match_on_kle and ctype else ()
        if system_id is None and not areas:
            entries.append((cid, info.municipality_code, Reason(NOTHING_TO_MATCH)))
            continue
        step = info.option_months
        usable = info.options_remaining if step > 0 else 0
        if usable > 0 and info.latest_possible_end is not None:
            usable = _usable_options(info, end)
        if usable < 0:
            usable = 0
        decision = info.option_decision
        if usable and decision is not None and decision < as_of:
            # Too late to decide on an option: never recommend one. Remember how far they would
            # have reached, to show the contract with its gap beside a group it would have joined.
            lapsed_months = usable * step
            usable = 0
        else:
            lapsed_months = 0
        value = info.estimated_value
        if type(value) is not Decimal:
            value = to_decimal(value)
        annual = info.annual_value
        if type(annual) is not Decimal:
            annual = to_decimal(annual)
        limit = min(threshold, value * (15 if info.category == WORKS else 10) / 100)
        prolong = _max_months(limit, annual, max_prolongation) if max_prolongation else 0
        reach = _reach(end, usable * step, prolong)
        if lapsed_months and decision is not None:  # a lapsed option had a decision date
            kle_keys = tuple((area, ctype) for area in areas)
            lapsed[cid] = (
                info.municipality_code,
                end,
                decision,
                _reach(end, lapsed_months, prolong),
                system_id,
                kle_keys,
            )
        start = end.toordinal()
        if start < lo_ord:
            start = lo_ord
        stop = reach.toordinal()
        if stop > hi_ord:
            stop = hi_ord
        if start > stop:
            if end > hi:
                reason = Reason(AFTER_WINDOW, day=end, target=hi)
            else:
                reason = Reason(BEFORE_WINDOW, day=reach, target=lo)
            entries.append((cid, info.municipality_code, reason))
            continue
        cand = _Candidate(info, end, usable, prolong, reach, start, stop, value, annual, limit)
        entries.append(cand)
        if system_id is not None:
            by_system[system_id].append(cand)
        for area in areas:
            by_kle[(area, ctype)].append(cand)

    raw_groups: list[_RawGroup] = []

    def make_group(members: list[_Candidate], day: int, basis: _Basis) -> str:
        target = date.fromordinal(day)
        key = group_key((c.cid for c in members), target)
        group = _RawGroup(key, *basis, target, members)
        for c in members:
            c.group = group
        raw_groups.append(group)
        return key

    def run_key(cands: list[_Candidate], basis: _Basis) -> None:
        label = basis[1]
        everyone = cands
        cands = [c for c in cands if c.group is None]
        if not cands:
            return
        remaining: dict[str, int] = {}
        for c in cands:
            remaining[c.muni] = remaining.get(c.muni, 0) + 1
        if len(remaining) < 2:
            only = cands[0].muni
            # Say whether others buy this too but were grouped on a stronger match already.
            code = ONLY_ONE_MUNICIPALITY
            if len(cands) < len(everyone) and any(c.muni != only for c in everyone):
                code = OTHERS_ALREADY_GROUPED
            for c in cands:
                c.reasons.append(Reason(code, label, municipality_code=only))
            return
        targets: list[tuple[int, str]] = []
        size = len(cands)
        if size == 2:
            # The commonest key by far; the overlap of two intervals needs no sweep.
            a, b = cands
            day = max(a.start, b.start)
            if day <= min(a.end, b.end):
                targets.append((day, make_group([a, b], day, basis)))
                return
        else:
            # One int per event, (day × 2 + kind) × size + index, because sorting ints is much
            # faster than sorting tuples; decoded once into parallel lists for the sweeps.
            events: list[int] = []
            for idx, c in enumerate(cands):
                events.append((c.start * 2 + 1) * size + idx)
                events.append(((c.end + 1) * 2) * size + idx)
            events.sort()
            owners = [e % size for e in events]
            slots = [e // size for e in events]
            days = [slot >> 1 for slot in slots]
            adds = [slot & 1 == 1 for slot in slots]
            munis = [c.muni for c in cands]
            values = [c.cents for c in cands]
            alive = [True] * size
            while len(remaining) >= 2:
                found = _best_target(days, adds, owners, munis, values, alive)
                if found is None:
                    break
                day = found
                members = []
                for idx, c in enumerate(cands):
                    if alive[idx] and c.start <= day <= c.end:
                        alive[idx] = False
                        members.append(c)
                        left = remaining[c.muni] - 1
                        if left:
                            remaining[c.muni] = left
                        else:
                            del remaining[c.muni]
                targets.append((day, make_group(members, day, basis)))
        for c in cands:
            if c.group is not None:
                continue
            if not targets:
                c.reasons.append(Reason(NO_COMMON_DATE, label))
                continue
            # Explain against the nearest group of this key: the one the user will look at.
            day, key = min(targets, key=lambda t: min(abs(t[0] - c.start), abs(t[0] - c.end)))
            target = date.fromordinal(day)
            if c.current_end > target:
                c.reasons.append(Reason(ENDS_AFTER_TARGET, label, c.current_end, target, key))
            else:
                c.reasons.append(Reason(CANNOT_EXTEND_TO_TARGET, label, c.reach_end, target, key))

    for system_id in sorted(by_system, key=str):
        run_key(by_system[system_id], (SYSTEM, f"same system {system_id}", system_id, None, None))
    for area, ctype in sorted(by_kle):
        label = f"same KLE task area {area} and contract type {ctype}"
        run_key(by_kle[(area, ctype)], (KLE_CONTRACT_TYPE, label, None, area, ctype))

    grouped = {c.cid for raw in raw_groups for c in raw.members}
    gap_of = _gaps(lapsed, grouped, raw_groups)
    gaps_by_group: dict[str, list[MemberGap]] = defaultdict(list)
    for raw, gap in gap_of.values():
        gaps_by_group[raw.key].append(gap)

    for raw in raw_groups:
        raw.value = sum((c.value for c in raw.members), Decimal(0))
    raw_groups.sort(key=lambda g: (-g.value, -len(g.members), g.target, g.key))
    groups: list[Opportunity] = []
    for rank, raw in enumerate(raw_groups, start=1):
        raw.members.sort(key=_by_municipality)
        plans = []
        for c in raw.members:
            c.plan = _plan(c, raw.target)
            plans.append(c.plan)
        groups.append(
            Opportunity(
                key=raw.key,
                rank=rank,
                basis=raw.basis,
                basis_label=raw.label,
                system_id=raw.system_id,
                kle_area=raw.area,
                contract_type=raw.contract_type,
                target_date=raw.target,
                members=tuple(plans),
                municipality_codes=tuple(sorted({c.muni for c in raw.members})),
                combined_estimated_value=raw.value,
                combined_annual_value=sum((c.annual for c in raw.members), Decimal(0)),
                gaps=tuple(
                    sorted(
                        gaps_by_group.get(raw.key, ()),
                        key=lambda g: (g.municipality_code, g.contract_id),
                    )
                ),
            )
        )

    def out_reasons(cid: str, muni: str, reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
        if cid not in lapsed:
            return reasons
        if cid in gap_of:
            raw, gap = gap_of[cid]
            # The telling reason: it belongs with this group but its options came too late.
            return (
                Reason(
                    OPTION_DECISION_PASSED,
                    raw.label,
                    gap.option_decision,
                    raw.target,
                    raw.key,
                    muni,
                    gap=gap,
                ),
            )
        return (Reason(OPTION_DECISION_PASSED, day=lapsed[cid][2]), *reasons)

    decisions: dict[str, ContractDecision] = {}
    for entry in entries:
        if isinstance(entry, tuple):
            cid, muni, reason = entry
            reasons = out_reasons(cid, muni, (reason,))
            decisions[cid] = ContractDecision(cid, muni, False, None, reasons)
            continue
        c = entry
        in_group = c.group
        if in_group is None:
            reasons = out_reasons(c.cid, c.muni, tuple(c.reasons))
            decisions[c.cid] = ContractDecision(c.cid, c.muni, False, None, reasons)
        else:
            reason = Reason(
                IN_GROUP, in_group.label, c.current_end, in_group.target, in_group.key, plan=c.plan
            )
            decisions[c.cid] = ContractDecision(c.cid, c.muni, True, in_group.key, (reason,))
    return OpportunityReport(
        groups=tuple(groups),
        decisions=decisions,
        window_start=lo,
        window_end=hi,
        max_prolongation=max_prolongation,
    )
