"""`talent demo`: realistic, deterministic demo data and the demo accounts.

The data is planned first, in memory and without the database (`build_plan`), from one `random.Random(seed)`
and one seeded Faker, so the same seed always gives the same regions, stations, people and histories. Dates
are day offsets from an origin about seven years before "today", so the demo always looks current.
The plan is then written with bulk inserts in batches, inside one transaction, with one audit entry.

History model: stations open over the first years; each is staffed to a target head count that depends on
its tier. Every 30 days each full-time worker leaves with a probability that gives roughly 17 % a year
(more in the first year, less for incubated workers); a leaver's post is refilled after two weeks to three
months, sometimes by a colleague transferring from another station of the county the day after leaving
(exit_type=transfer), sometimes by a former worker coming back. A worker's spells never overlap.

The station network (issue 16): each street has one township (street) station (乡镇（街道）社工站) and the other
"stations" are village (community) rooms (村（社区）社工室) under it, so the small demo's 玄武区 has 7 township
stations for its 7 streets (and 13 rooms). The tiers 1.0 / 2.0 / 3.0 (township stations) and 社工室 (village rooms:
norms apply per kind) are illustrative and say so in their notes.

Distributions and their basis:
- Turnover: about 17 % of full-time workers leave a year (DESIGN: about one in five leaves every year in the
  large cities), more in the first year.
- Exam results: a certificate holder usually failed before (none 15 %, one earlier sitting 35 %, two 30 %,
  three 20 %, each with every subject failed, possibly before joining a station); a worker without a
  certificate sits in four years of five (from two years before joining) and passes each subject with
  probability 0.3 but never the whole level. A pass scores 60 plus an exponential tail (mean 7, at most 90); a
  fail is normal around 48 (sd 8). On the small demo that gives a subject pass rate of about 32 % and about
  24 % of sittings passing the whole level (county scale: 32 % and 20 %), close to the one candidate in five
  who passes nationally (DESIGN: "the national certificate is passed by roughly one candidate in five").
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from talent import demo_data as data
from talent.core.attrs import attrs_of
from talent.db import statistics_refresh
from talent.demo_divisions import DIVISIONS

DEMO_PASSWORD = "talent-demo-2026"
STEP = 30  # days per simulation step
STEPS = 85  # about seven years of history
HISTORY_DAYS = STEP * STEPS
BATCH = 1000

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_check_digit(first17: str) -> str:
    """GB 11643 check character of a resident ID number."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_number_valid(number: str) -> bool:
    return len(number) == 18 and number[:17].isdigit() and id_check_digit(number[:17]) == number[17]


def credit_check_char(first17: str) -> str:
    """GB 32100 check character of a unified social credit code."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


# ── the plan ──────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class CountySpec:
    province: tuple[str, str]
    city: tuple[str, str]
    code: str
    name: str
    streets: list[tuple[str, list[str]]]
    stations: int
    area_code: str = ""


@dataclass
class RegionRow:
    code: str
    name: str
    level: str
    parent: str | None
    path: str
    depth: int


@dataclass
class OrgRow:
    name: str
    credit_code: str
    contact: str
    phone: str
    region: str


@dataclass
class TierRow:
    region: str
    name: str
    min_fulltime: int
    min_certified: int
    min_level: str | None
    max_age: int | None
    min_education: str | None
    major_required: bool
    certificate_required: bool
    notes: str
    station_kind: str = "township_station"


@dataclass(eq=False)
class StationRow:
    code: str
    name: str
    region: str
    region_path: str
    county: str
    org: str
    tier: str
    province: str
    opened: int
    address: str
    target_ft: int
    pt_slots: int
    kind: str = "township_station"
    parent: str | None = None  # a village (community) room's township station (its code)
    started: bool = False
    active: list = field(default_factory=list)
    fills: list = field(default_factory=list)


@dataclass(eq=False)
class WorkerRow:
    no: str
    name: str
    gender: str
    birth: int
    education: str
    major: bool
    source: str
    phone: str
    id_number: str
    county: str
    spells: list = field(default_factory=list)
    current: Any = None


@dataclass(eq=False)
class SpellRow:
    worker: WorkerRow
    station: StationRow
    start: int
    full_time: bool
    position: str
    end: int | None = None
    exit_type: str | None = None
    exit_reason: str | None = None
    note: str = ""


@dataclass
class CertRow:
    worker: str
    level: str
    number: str
    obtained: int
    registered: int | None
    # Filled by _Planner.registrations(): the current period's end and every period (kind, start, end, CE hours).
    expires: int | None = None
    periods: list[tuple[str, int, int, float]] = field(default_factory=list)


@dataclass(slots=True)  # a million at the national scale
class CeRow:
    worker: str
    hours: float
    source: str
    earned: int
    note: str


@dataclass(slots=True)  # a million at the national scale
class ResultRow:
    worker: str
    year: int
    subject: str
    score: float
    pass_mark: int
    region_path: str


@dataclass
class SupervisorRow:
    name: str
    affiliation: str
    level: str
    bio: str
    county: str
    assignments: list[tuple[str, int, int | None]] = field(default_factory=list)


@dataclass
class Plan:
    scale: str
    seed: int
    today: date
    regions: list[RegionRow] = field(default_factory=list)
    tiers: list[TierRow] = field(default_factory=list)
    orgs: list[OrgRow] = field(default_factory=list)
    stations: list[StationRow] = field(default_factory=list)
    workers: list[WorkerRow] = field(default_factory=list)
    spells: list[SpellRow] = field(default_factory=list)
    certificates: list[CertRow] = field(default_factory=list)
    ce_credits: list[CeRow] = field(default_factory=list)
    results: list[ResultRow] = field(default_factory=list)
    supervisors: list[SupervisorRow] = field(default_factory=list)
    # The CE ledger as (worker, hours, first day, last day) per registration period; `ce_blocks` expands one into
    # its rows. The small and county scales also keep the rows themselves (ce_credits); the national scale
    # expands them while writing, so its million rows never sit in memory at once.
    ce_periods: list[tuple[str, int, int, int]] = field(default_factory=list)
    fraction: float = 1.0  # share of the synthetic counties kept (the national scale's tests build fewer)
    county: str = ""
    city: str = ""
    hr_org: str = ""
    worker_no: str = ""
    supervisor: str = ""

    @property
    def origin(self) -> date:
        return self.today - timedelta(days=HISTORY_DAYS)

    def day(self, offset: int | None) -> date | None:
        return None if offset is None else self.origin + timedelta(days=offset)


# Plainly illustrative tiers (issue 16): no province publishes these; the notes say so. A bureau replaces them
# with its own programme's (e.g. Guangdong's 双百 programme: about 3 workers a station, age 40 or under in
# principle, 大专 or above in social work or a related major, or the assistant certificate).
ILLUSTRATIVE = "【演示用示例等级，非任何省份的正式标准】"
TIER_NORMS = [
    # name, min full-time, min certified, min level, max age, min education, major, certificate, notes
    ("1.0", 1, 0, None, 45, "associate", False, False, ILLUSTRATIVE + "基础型社工站：至少 1 名专职社工。"),
    (
        "2.0",
        2,
        1,
        "assistant",
        45,
        "associate",
        False,
        False,
        ILLUSTRATIVE + "标准化社工站：至少 2 名专职社工，其中 1 名持证。",
    ),
    (
        "3.0",
        3,
        2,
        "assistant",
        40,
        "bachelor",
        False,
        True,
        ILLUSTRATIVE + "示范型社工站：至少 3 名专职社工，其中 2 名持证；新进人员须持证。",
    ),
]
# Norms apply per kind (issue 16): the village (community) rooms have a tier of their own, as illustrative.
ROOM_TIER = "社工室"
ROOM_NORM = (
    ROOM_TIER,
    1,
    0,
    None,
    45,
    "associate",
    False,
    False,
    ILLUSTRATIVE + "村（社区）社工室：至少 1 名专职社工。",
)
TARGET_FT = {"1.0": (2, 3), "2.0": (3, 5), "3.0": (5, 8)}


def _weighted(rng: random.Random, pairs: list[tuple[Any, float]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class _Planner:
    def __init__(self, scale: str, seed: int, today: date, progress=None, fraction: float = 1.0) -> None:
        from faker import Faker

        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.plan = Plan(scale=scale, seed=seed, today=today, fraction=fraction)
        self.progress = progress
        self.staff_factor = 0.6 if scale == "national" else 1.0
        self.phones: set[str] = set()
        self.id_numbers: set[str] = set()
        self.person_names: set[str] = set()
        self.worker_seq: dict[str, int] = {}
        self.alumni: dict[str, list[WorkerRow]] = {}
        self.by_county: dict[str, list[StationRow]] = {}
        self.county_codes: list[str] = []

    # people ------------------------------------------------------------------------------------------
    def person_name(self, female: bool) -> str:
        return self.fake.last_name() + self.rng.choice(data.GIVEN_FEMALE if female else data.GIVEN_MALE)

    def unique_person_name(self) -> str:
        for _ in range(100):
            name = self.person_name(self.rng.random() < 0.6)
            if name not in self.person_names:
                break
        self.person_names.add(name)
        return name

    def phone(self) -> str:
        while True:
            number = self.rng.choice(data.PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def id_number(self, county: str, birth: date, female: bool) -> str:
        rng = self.rng
        while True:
            r = rng.random()
            if r < 0.55:
                prefix = county
            elif r < 0.75 and len(self.county_codes) > 1:
                prefix = rng.choice(self.county_codes)
            else:
                prefix = rng.choice(data.BIRTHPLACE_CODES)
            seq = rng.randrange(500) * 2 + (0 if female else 1)  # odd for men, even for women
            first17 = f"{prefix}{birth:%Y%m%d}{seq:03d}"
            number = first17 + id_check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def new_worker(self, st: StationRow, day: int) -> WorkerRow:
        rng = self.rng
        female = rng.random() < 0.74
        r = rng.random()
        age = rng.randint(22, 29) if r < 0.55 else rng.randint(30, 39) if r < 0.85 else rng.randint(40, 47)
        if r > 0.97:
            age = rng.randint(48, 54)
        birth = day - age * 365 - rng.randrange(365)
        education = _weighted(rng, [("secondary", 0.05), ("associate", 0.30), ("bachelor", 0.55), ("master", 0.10)])
        major = rng.random() < {"secondary": 0.05, "associate": 0.35, "bachelor": 0.45, "master": 0.6}[education]
        early = day < 36 * STEP
        source = _weighted(
            rng,
            [("incubated", 0.15), ("introduced", 0.45), ("transferred", 0.20), ("other", 0.20)]
            if early
            else [("incubated", 0.32), ("introduced", 0.45), ("transferred", 0.08), ("other", 0.15)],
        )
        seq = self.worker_seq[st.county] = self.worker_seq.get(st.county, 0) + 1
        worker = WorkerRow(
            no=f"W{st.county}{seq:04d}",
            name=self.person_name(female),
            gender="female" if female else "male",
            birth=birth,
            education=education,
            major=major,
            source=source,
            phone=self.phone(),
            id_number=self.id_number(st.county, self.plan.day(birth), female),
            county=st.county,
        )
        self.plan.workers.append(worker)
        return worker

    # places ------------------------------------------------------------------------------------------
    def counties(self) -> list[CountySpec]:
        scale = self.plan.scale
        province, city = ("320000", "江苏省"), ("320100", "南京市")
        nanjing = data.NANJING_DISTRICTS if scale != "small" else data.NANJING_DISTRICTS[:1]
        total = 20 if scale == "small" else 150
        n_streets = sum(len(d[2]) for d in nanjing)
        specs = [
            CountySpec(province, city, code, name, streets, round(total * len(streets) / n_streets), "025")
            for code, name, streets in nanjing
        ]
        specs[0].stations += total - sum(s.stations for s in specs)
        if scale == "national":
            synthetic = self.synthetic_counties()  # all drawn, so a fraction keeps the same first counties
            specs += synthetic[: max(1, round(len(synthetic) * self.plan.fraction))]
        return specs

    def synthetic_counties(self) -> list[CountySpec]:
        """The counties beyond Nanjing: the real cities and counties of every province (demo_divisions), each with
        invented streets (a district's 街道, a county's 镇 and 乡) and a number of stations."""
        rng = self.rng
        specs = []
        for pcode, pname in data.PROVINCES:
            for ccode, cname, counties in DIVISIONS[pcode]:
                for county in counties.split():
                    code, name = county[:6], county[6:]
                    district = name.endswith("区")
                    streets = []
                    street_names: set[str] = set()
                    for _ in range(rng.randint(7, 11)):
                        stem = rng.choice(data.TOWN_STEMS)
                        sname = stem + ("街道" if district else rng.choice(["镇", "镇", "乡"]))
                        if sname not in street_names:
                            street_names.add(sname)
                            streets.append((sname, []))
                    specs.append(CountySpec((pcode, pname), (ccode, cname), code, name, streets, rng.randint(22, 32)))
        return specs

    def add_region(self, code: str, name: str, level: str, parent: RegionRow | None) -> RegionRow:
        row = RegionRow(
            code,
            name,
            level,
            parent.code if parent else None,
            (parent.path if parent else "") + code + "/",
            parent.depth + 1 if parent else 0,
        )
        self.plan.regions.append(row)
        return row

    def places(self, specs: list[CountySpec]) -> None:
        rng, plan = self.rng, self.plan
        provinces: dict[str, RegionRow] = {}
        cities: dict[str, RegionRow] = {}
        org_names: set[str] = set()
        self.county_codes = [s.code for s in specs]
        for spec in specs:
            if spec.province[0] not in provinces:
                provinces[spec.province[0]] = self.add_region(*spec.province, "province", None)
                for norm in TIER_NORMS:
                    plan.tiers.append(TierRow(spec.province[0], *norm))
                plan.tiers.append(TierRow(spec.province[0], *ROOM_NORM, station_kind="village_room"))
            if spec.city[0] not in cities:
                cities[spec.city[0]] = self.add_region(*spec.city, "city", provinces[spec.province[0]])
            county = self.add_region(spec.code, spec.name, "county", cities[spec.city[0]])
            streets = [
                self.add_region(f"{spec.code}{i:03d}", name, "township", county)
                for i, (name, _) in enumerate(spec.streets, 1)
            ]
            city_short = spec.city[1] if spec.city[1] != "市辖区" else spec.province[1]
            # Organisations: two or three per county; each street contracts one of them.
            n_orgs = 3 if plan.scale == "small" else rng.randint(2, 3)
            orgs = []
            for stem in rng.sample(data.ORG_STEMS, n_orgs):
                name = f"{city_short}{spec.name}{stem}{rng.choice(data.ORG_SUFFIXES)}"
                while name in org_names:
                    name = f"{city_short}{spec.name}{rng.choice(data.ORG_STEMS)}{rng.choice(data.ORG_SUFFIXES)}"
                org_names.add(name)
                first17 = f"52{spec.code}MJ" + "".join(rng.choice(CREDIT_CHARS[:10]) for _ in range(7))
                orgs.append(name)
                plan.orgs.append(
                    OrgRow(
                        name=name,
                        credit_code=first17 + credit_check_char(first17),
                        contact=self.person_name(rng.random() < 0.7),
                        phone=f"{spec.area_code}-8{rng.randrange(10**7):07d}" if spec.area_code else self.phone(),
                        region=spec.code,
                    )
                )
            # Stations: one per street, then community rooms spread over the streets.
            rooms = [0] * len(streets)
            for _ in range(max(0, spec.stations - len(streets))):
                rooms[rng.randrange(len(streets))] += 1
            # Each street contracts one organisation; the largest gets about half the stations.
            shares = (0.5, 0.3, 0.2)[:n_orgs]
            load = [0] * n_orgs
            street_org = {}
            for s in sorted(range(len(streets)), key=lambda s: (-rooms[s], s)):
                k = max(range(n_orgs), key=lambda k: (shares[k] * spec.stations - load[k], -k))
                street_org[s] = orgs[k]
                load[k] += rooms[s] + 1
            county_stations = []
            for s, street in enumerate(streets):
                known = list(spec.streets[s][1])
                communities: list[str] = []
                while len(communities) < rooms[s]:
                    name = known.pop(0) if known else rng.choice(data.COMMUNITY_STEMS) + "社区"
                    if name not in communities:
                        communities.append(name)
                for k, community in enumerate([None, *communities], 1):
                    kind, parent = "township_station", None
                    if community is not None:
                        kind, parent = "village_room", f"ST{street.code}-01"
                    if community is None:
                        tier = _weighted(rng, [("3.0", 0.3), ("2.0", 0.5), ("1.0", 0.2)])
                        name = f"{street.name}社会工作服务站"
                        opened = rng.randrange(12 * STEP)
                    else:
                        tier = _weighted(rng, [("1.0", 0.5), ("2.0", 0.42), ("3.0", 0.08)])
                        name = f"{street.name}{community}社会工作室"
                        opened = rng.randrange(2 * STEP, 36 * STEP)
                    lo, hi = TARGET_FT[tier]
                    # A room is staffed as the drawn level says (the draws stay as they were), under its own tier.
                    tier = tier if community is None else ROOM_TIER
                    st = StationRow(
                        code=f"ST{street.code}-{k:02d}",
                        name=name,
                        region=street.code,
                        region_path=street.path,
                        county=spec.code,
                        org=street_org[s],
                        tier=tier,
                        province=spec.province[0],
                        opened=opened,
                        address=f"{city_short}{spec.name}{rng.choice(data.ROADS)}{rng.randint(1, 399)}号",
                        target_ft=max(1, round(rng.randint(lo, hi) * self.staff_factor)),
                        pt_slots=1 if rng.random() < 0.3 else 0,
                        kind=kind,
                        parent=parent,
                    )
                    plan.stations.append(st)
                    county_stations.append(st)
            self.by_county[spec.code] = county_stations

    # history -----------------------------------------------------------------------------------------
    def hire(self, st: StationRow, day: int, full_time: bool, position: str = "") -> None:
        worker = None
        pool = self.alumni.get(st.county)
        if pool and self.rng.random() < 0.05:
            candidates = [w for w in pool if w.current is None and w.spells[-1].end < day - 180]
            if candidates:
                worker = self.rng.choice(candidates)
                pool.remove(worker)
        if worker is None:
            worker = self.new_worker(st, day)
        position = position or ("专职社工" if full_time else "兼职社工")
        self.start_spell(worker, st, day, full_time, position)

    def start_spell(self, worker: WorkerRow, st: StationRow, day: int, full_time: bool, position: str) -> None:
        spell = SpellRow(worker=worker, station=st, start=day, full_time=full_time, position=position)
        worker.spells.append(spell)
        worker.current = spell
        st.active.append(spell)
        self.plan.spells.append(spell)

    def end_spell(self, spell: SpellRow, day: int, exit_type: str, reason: str, note: str) -> None:
        spell.end, spell.exit_type, spell.exit_reason, spell.note = day, exit_type, reason, note
        spell.station.active.remove(spell)
        spell.worker.current = None

    def exit_of(self, spell: SpellRow) -> tuple[str, str]:
        rng = self.rng
        if spell.full_time:
            kind = _weighted(rng, [("voluntary", 0.70), ("involuntary", 0.10), ("transfer", 0.14), ("other", 0.06)])
        else:
            kind = _weighted(rng, [("voluntary", 0.75), ("involuntary", 0.10), ("other", 0.15)])
        reasons = {
            "voluntary": [
                ("pay", 34),
                ("career", 26),
                ("family", 14),
                ("study", 8),
                ("workload", 12),
                ("health", 3),
                ("other", 3),
            ],
            "involuntary": [("contract_end", 55), ("dismissal", 35), ("other", 10)],
            "transfer": [("career", 60), ("family", 25), ("other", 15)],
            "other": [("health", 40), ("family", 30), ("other", 30)],
        }[kind]
        return kind, _weighted(rng, reasons)

    def step_station(self, st: StationRow, w0: int, w1: int) -> None:
        rng = self.rng
        if not st.started:
            st.started = True
            st.fills = [(st.opened if i == 0 else st.opened + rng.randint(0, 60), True) for i in range(st.target_ft)]
            st.fills += [(st.opened + rng.randint(30, 200), False) for _ in range(st.pt_slots)]
        if st.fills:
            due = sorted(f for f in st.fills if f[0] < w1)
            if due:
                st.fills = [f for f in st.fills if f[0] >= w1]
                for day, full_time in due:
                    first = not st.active and full_time and day == st.opened
                    self.hire(st, day, full_time, "站长" if first else "")
        last = min(w1, HISTORY_DAYS) - 1
        for spell in list(st.active):
            if spell.start >= w0:
                continue
            worker = spell.worker
            age = (w0 - worker.birth) / 365.25
            if age >= (55 if worker.gender == "female" else 60):
                self.end_spell(spell, rng.randint(w0, last), "retirement", "other", "到龄退休")
                st.fills.append((spell.end + rng.randint(15, 90), spell.full_time))
                continue
            annual = 0.15 if spell.full_time else 0.30
            if w0 - spell.start < 365:
                annual *= 1.35
            annual *= {"incubated": 0.75, "introduced": 1.1}.get(worker.source, 1.0)
            if rng.random() >= 1 - (1 - annual) ** (STEP / 365):
                continue
            day = rng.randint(w0, last)
            kind, reason = self.exit_of(spell)
            destination = None
            if kind == "transfer":
                # Preferably to a station with an open post; otherwise to any other station of the county.
                others = [s for s in self.by_county[st.county] if s is not st and s.started]
                open_posts = [s for s in others if any(f[1] for f in s.fills)]
                if open_posts or others:
                    destination = rng.choice(open_posts or others)
                else:
                    kind, reason = "voluntary", "career"
            note = f"调往{destination.name}" if destination else rng.choice(data.EXIT_NOTES[reason])
            self.end_spell(spell, day, kind, reason, note)
            st.fills.append((day + rng.randint(15, 90), spell.full_time))
            if destination is not None:
                fills = sorted(f for f in destination.fills if f[1])
                if fills:
                    destination.fills.remove(fills[0])
                self.start_spell(worker, destination, day + 1, True, "专职社工")
            elif kind == "voluntary":
                self.alumni.setdefault(st.county, []).append(worker)

    def history(self) -> None:
        stations = self.plan.stations
        for s in range(STEPS):
            w0, w1 = s * STEP, (s + 1) * STEP
            for st in stations:
                if st.opened < w1:
                    self.step_station(st, w0, w1)
            if self.progress:
                self.progress(1)

    # certificates and supervision ----------------------------------------------------------------------
    def certificates(self) -> None:
        rng, plan = self.rng, self.plan
        numbers = 0
        level_codes = {"assistant": "03", "intermediate": "04", "senior": "05"}

        def add(worker: WorkerRow, level: str, day: int) -> None:
            nonlocal numbers
            numbers += 1
            registered = day + rng.randint(15, 330) if rng.random() < 0.85 else None
            if registered is not None and registered > HISTORY_DAYS:
                registered = None
            obtained = plan.day(day)
            number = f"{obtained.year}{level_codes[level]}{worker.county[:2]}{numbers:08d}"
            plan.certificates.append(CertRow(worker.no, level, number, day, registered))

        for worker in plan.workers:
            factor = (1.3 if worker.major else 0.85) * (1.15 if worker.education in ("bachelor", "master") else 1.0)
            u = rng.random()
            if u < 0.01 * factor and worker.education in ("bachelor", "master"):
                top = "senior"
            elif u < 0.13 * factor:
                top = "intermediate"
            elif u < 0.48 * factor:
                top = "assistant"
            else:
                continue
            first = worker.spells[0].start
            last = worker.spells[-1].end if worker.current is None else HISTORY_DAYS
            adult = worker.birth + 22 * 365
            lo, hi = max(adult, first - 3 * 365), min(last, HISTORY_DAYS)
            if hi - lo < 30:
                continue
            day = rng.randint(lo, hi)
            chain = [(top, day)]
            if top == "senior":
                chain.append(("intermediate", day - rng.randint(3 * 365, 6 * 365)))
                if rng.random() < 0.5:
                    chain.append(("assistant", chain[-1][1] - rng.randint(365, 4 * 365)))
            elif top == "intermediate" and rng.random() < 0.6:
                chain.append(("assistant", day - rng.randint(365, 4 * 365)))
            for level, when in reversed(chain):
                if when >= worker.birth + 21 * 365:
                    add(worker, level, when)

    def supervision(self) -> None:
        rng, plan = self.rng, self.plan
        names = {r.code: r.name for r in plan.regions if r.level != "township"}
        for county, stations in self.by_county.items():
            order = list(stations)
            rng.shuffle(order)
            n = max(1, round(len(order) * 0.85 / 5))
            for i in range(n):
                chunk = order[i * 5 : i * 5 + 5]
                if not chunk:
                    break
                affiliation = (
                    rng.choice(data.SUPERVISOR_AFFILIATIONS)
                    if county.startswith("3201")
                    else rng.choice([f"{names[county[:2] + '0000']}社会工作协会", f"{names[county]}民政局"])
                )
                focus = "、".join(rng.sample(data.EXPERTISE, 2))
                years = rng.randint(5, 20)
                level = rng.choice(data.SUPERVISOR_LEVELS)
                sup = SupervisorRow(
                    name=self.unique_person_name(),
                    affiliation=affiliation,
                    level=level,
                    bio=f"{affiliation}{level}，从事社会工作教学与实务督导 {years} 年，擅长{focus}。",
                    county=county,
                )
                for st in chunk:
                    start = min(st.opened + rng.randint(30, 365), HISTORY_DAYS - 30)
                    sup.assignments.append((st.code, start, None))
                if i > 0 and rng.random() < 0.3:
                    st = rng.choice(order)
                    start = st.opened + rng.randint(0, 200)
                    end = start + rng.randint(180, 720)
                    if end < HISTORY_DAYS - 1 and all(a[0] != st.code for a in sup.assignments):
                        sup.assignments.append((st.code, start, end))
                plan.supervisors.append(sup)

    def accounts(self, specs: list[CountySpec]) -> None:
        plan = self.plan
        plan.county, plan.city = specs[0].code, specs[0].city[0]
        counts: dict[str, int] = {}
        for st in self.by_county[plan.county]:
            counts[st.org] = counts.get(st.org, 0) + 1
        plan.hr_org = max(counts, key=lambda org: (counts[org], org))
        certified = {c.worker for c in plan.certificates}
        candidates = [
            w
            for w in plan.workers
            if w.current is not None
            and w.current.full_time
            and w.current.station.org == plan.hr_org
            and w.current.station.county == plan.county
        ]
        candidates.sort(key=lambda w: (w.no not in certified, w.current.start, w.no))
        plan.worker_no = candidates[0].no
        plan.supervisor = next(s.name for s in plan.supervisors if s.county == plan.county)

    # registration periods, the CE ledger and national exam results ------------------------------------
    # A separate random stream, so adding these leaves every earlier part of the plan (and its tests) as it was.
    def offset(self, day: date) -> int:
        return (day - self.plan.origin).days

    def registrations(self) -> None:
        """Every registered certificate gets its periods: the first one, then renewals (most certificates
        are renewed on time, with the period's CE hours credited; the rest lapse). The current period's
        CE hours grow with the time elapsed, some falling short, so the certificates page shows every status."""
        from talent.certification.defaults import LEVELS
        from talent.certification.rules import period_end

        plan = self.plan
        rng = random.Random(plan.seed * 7919 + 17)
        rules = {level: (valid, ce) for level, _c, _r, _ry, _fm, valid, _w, ce in LEVELS}
        today = HISTORY_DAYS
        for cert in plan.certificates:
            if cert.registered is None:
                continue
            valid, required = rules[cert.level]
            kind, start, previous_hours = "first", cert.registered, 0.0
            while True:
                end = self.offset(period_end(plan.day(start), valid))
                if end >= today:  # the current period
                    elapsed = (today - start) / (end - start)
                    hours = round(required * elapsed * rng.uniform(0.55, 1.45))
                    cert.periods.append((kind, start, end, previous_hours))
                    self.ce_period(cert.worker, hours, start, today)
                    break
                renewed = rng.random() < 0.85
                hours = required + rng.randint(0, 30) if renewed else rng.randint(10, required - 10)
                cert.periods.append((kind, start, end, previous_hours))
                self.ce_period(cert.worker, hours, start, end)
                if not renewed:
                    break  # lapsed at `end`
                kind, start, previous_hours = "renewal", end + 1, float(hours)
            cert.registered, cert.expires = cert.periods[-1][1], cert.periods[-1][2]
        # A renewal records the hours credited in the period before; the ledger is the worker's (a holder of
        # two levels earns for both), so count it from the ledger rather than from one certificate's blocks:
        # one worker's ledger at a time, expanded from the periods.
        periods: dict[str, list[tuple[str, int, int, int]]] = {}
        for period in plan.ce_periods:
            periods.setdefault(period[0], []).append(period)
        for cert in plan.certificates:
            rows = [(c.earned, c.hours) for p in periods.get(cert.worker, ()) for c in ce_blocks(plan.seed, *p)]
            cert.periods = cert.periods[:1] + [
                (kind, start, end, sum(h for day, h in rows if before[1] <= day <= before[2]))
                for before, (kind, start, end, _h) in zip(cert.periods, cert.periods[1:], strict=False)
            ]

    def ce_period(self, worker: str, hours: int, start: int, end: int) -> None:
        """The ledger of one period; the rows themselves are kept except at the national scale."""
        self.plan.ce_periods.append((worker, hours, start, end))
        if self.plan.scale != "national":
            self.plan.ce_credits.extend(ce_blocks(self.plan.seed, worker, hours, start, end))

    def exam_results(self) -> None:
        """Passing results behind the certificates of the exam years the catalogue knows (consistent with the
        carry-over rule), a failed first try for some, and failed attempts by some uncertified workers."""
        from talent.certification.defaults import EXAM_DATES, SUBJECTS

        plan = self.plan
        rng = random.Random(plan.seed * 7919 + 29)
        subjects: dict[str, list[tuple[str, int]]] = {}
        for code, level, _n, _e, _m, _full, pass_mark, _s in SUBJECTS:
            subjects.setdefault(level, []).append((code, pass_mark))
        workers = {w.no: w for w in plan.workers}
        sat = {self.offset(d): y for y, d in EXAM_DATES.items() if self.offset(d) <= HISTORY_DAYS}

        def region_at(worker: WorkerRow, day: int) -> str:
            spell = worker.spells[0]
            for candidate in worker.spells:
                if candidate.start <= day:
                    spell = candidate
            return spell.station.region_path

        def sitting_before(day: int) -> tuple[int, int] | None:
            earlier = [(d, y) for d, y in sat.items() if d <= day]
            return max(earlier) if earlier else None

        def add(worker: WorkerRow, year: int, day: int, code: str, pass_mark: int, passed: bool) -> None:
            # Scores: a pass lands a little above the line (60 + an exponential tail, mean 7 points, at most
            # 90); a fail is normal around 48 (sd 8), at least 15 and at most half a point below the line.
            if passed:
                score = min(pass_mark + rng.expovariate(1 / 7), 90.0)
            else:
                score = min(max(rng.gauss(pass_mark - 12, 8), 15.0), pass_mark - 0.5)
            score = round(score * 2) / 2  # whole or half points
            plan.results.append(ResultRow(worker.no, year, code, score, pass_mark, region_at(worker, day)))

        def sittings_between(first: int, last: int) -> list[tuple[int, int]]:
            return sorted((d, y) for d, y in sat.items() if first <= d <= last)

        def fail_sitting(worker: WorkerRow, level: str, day: int, year: int, never: str) -> None:
            """A sitting without the level: each subject passes with probability 0.3, but `never` (one subject
            the worker keeps failing) never does, so no carry-over window adds up to a pass."""
            for code, mark in subjects[level]:
                add(worker, year, day, code, mark, code != never and rng.random() < 0.3)

        certified: set[str] = set()
        held: dict[str, dict[str, int]] = {}  # worker → level → the day obtained
        for cert in plan.certificates:
            certified.add(cert.worker)
            held.setdefault(cert.worker, {})[cert.level] = cert.obtained
            if cert.level == "senior":
                continue  # a senior certificate follows a provincial review: no carry-over from results here
            sitting = sitting_before(cert.obtained)
            if sitting is None or cert.obtained - sitting[0] > 365:
                continue
            day, year = sitting
            worker = workers[cert.worker]
            earlier = sitting_before(day - 1)
            carry = cert.level == "intermediate" and earlier is not None and rng.random() < 0.4
            for i, (code, mark) in enumerate(subjects[cert.level]):
                if carry and i == 0:
                    add(worker, earlier[1], earlier[0], code, mark, True)  # passed a year earlier, carried over
                else:
                    add(worker, year, day, code, mark, True)
                    if carry:
                        add(worker, earlier[1], earlier[0], code, mark, False)
            # Most who pass failed before: one or two earlier sittings, outside the carry-over window
            # (every subject of those sittings failed, so no earlier window could add up to a pass).
            tries = _weighted(rng, [(0, 0.15), (1, 0.35), (2, 0.3), (3, 0.2)])
            # (They may have sat before joining a station, while in other social work.)
            before = sittings_between(worker.spells[0].start - 3 * 365, day - 1)
            window = 1 if cert.level == "assistant" else 2
            for f_day, f_year in before[: max(0, len(before) - window)][-tries:] if tries else []:
                for code, mark in subjects[cert.level]:
                    add(worker, f_year, f_day, code, mark, False)
        # Workers without a certificate (and assistant holders aiming at intermediate) sit and mostly fail:
        # each sits in four years of five while employed.
        for worker in plan.workers:
            if worker.current is None:
                continue
            mine = held.get(worker.no, {})
            if "intermediate" in mine or "senior" in mine:
                continue
            level = "intermediate" if "assistant" in mine else "assistant"
            since = mine["assistant"] + 1 if "assistant" in mine else worker.spells[0].start - 2 * 365
            never = rng.choice(subjects[level])[0]
            for day, year in sittings_between(since, HISTORY_DAYS):
                if rng.random() < 0.8:
                    fail_sitting(worker, level, day, year, never)


def ce_blocks(seed: int, worker: str, hours: int, start: int, end: int) -> list[CeRow]:
    """Split `hours` into a few ledger rows earned between `start` and `end` (the same rows for the same
    arguments: their own random stream)."""
    rng = random.Random(f"{seed}:{worker}:{start}:{hours}")
    rows, left = [], hours
    while left > 0:
        block = min(left, rng.choice([4, 6, 8, 12, 16, 24]))
        source, note = rng.choice(data.CE_ACTIVITIES)
        rows.append(CeRow(worker, float(block), source, rng.randint(start, max(start, end)), note))
        left -= block
    return rows


def build_plan(
    scale: str = "small", seed: int = 2026, today: date | None = None, progress=None, fraction: float = 1.0
) -> Plan:
    """Plan the whole demo in memory; the same arguments always give the same plan. `fraction` keeps that share
    of the national scale's synthetic counties (tests build a smaller demo of the national shape)."""
    if scale not in ("small", "county", "national"):
        raise ValueError(f"unknown scale {scale!r}")
    planner = _Planner(scale, seed, today or date.today(), progress, fraction)
    specs = planner.counties()
    planner.places(specs)
    planner.history()
    planner.certificates()
    planner.supervision()
    planner.accounts(specs)
    planner.registrations()
    planner.exam_results()
    return planner.plan


# ── writing ──────────────────────────────────────────────────────────────────────────────────────────


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def add_task(self, *args, **kwargs) -> int:
        return 0

    def advance(self, *args, **kwargs) -> None:
        return None


def _progress(console):
    if console is None:
        return _NoProgress()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


async def _bulk(model, objects: list, progress, label: str, key: str | None = None) -> dict:
    """Insert the rows in batches; with `key`, answer the ids of the model's rows by that field (the later rows
    name them)."""
    task = progress.add_task(label, total=len(objects))
    for i in range(0, len(objects), BATCH):
        chunk = objects[i : i + BATCH]
        await model.bulk_create(chunk)
        progress.advance(task, len(chunk))
    return dict(await model.all().values_list(key, "id")) if key else {}


async def _stream(model, rows, progress, label: str, total: int | None) -> int:
    """Insert plain dicts of field values (a generator is consumed a chunk at a time, so memory stays bounded)
    with talent.core.bulk.insert_rows, under every driver's parameter limit; the bar advances per chunk.
    Returns how many rows went in."""
    from talent.core.bulk import insert_rows

    task = progress.add_task(label, total=total)
    written = 0

    async def advance(done: int) -> None:
        nonlocal written
        progress.advance(task, done - written)
        written = done

    await insert_rows(model, rows, progress=advance)
    return written


async def _worker_accounts(plan: Plan, worker_ids: dict[str, int], password_hash: str, progress) -> int:
    """At the national scale, an account for every worker in post in the last two years (they practise, enrol and
    get reminders through it), named by worker number, with the demo password. The other scales have the demo's
    one worker account only."""
    from talent.accounts.models import User
    from talent.core.access import Role

    if plan.scale != "national":
        return 0
    since = HISTORY_DAYS - 730
    recent = [
        w
        for w in plan.workers
        if w.no != plan.worker_no and (w.current is not None or (w.spells[-1].end or 0) >= since)
    ]
    rows = (
        {
            "username": w.no.lower(),
            "display_name": w.name,
            "password_hash": password_hash,
            "role": Role.WORKER,
            "worker_id": worker_ids[w.no],
            "email": "",
            "is_active": True,
        }
        for w in recent
    )
    return await _stream(User, rows, progress, "Worker accounts", len(recent))


def _columns(row, *not_columns: str) -> dict:
    """A plan row's fields that are columns of its model by the same name: all but `not_columns`."""
    return {f.name: getattr(row, f.name) for f in fields(row) if f.name not in not_columns}


async def _write(plan: Plan, progress) -> dict[str, int]:
    from talent.accounts.models import User
    from talent.accounts.passwords import hash_password
    from talent.audit.services import audit_record
    from talent.certification.models import CeCredit, Certificate, ExamResult, ExamSubject, Registration
    from talent.core.access import Role
    from talent.core.bulk import fetch_by, ids_by
    from talent.people.models import EmploymentSpell, Worker
    from talent.places.models import Organisation, Region, Station, StationTier
    from talent.supervision.models import Assignment, Supervisor

    day = plan.day
    region_ids: dict[str, int] = {}
    for level in ("province", "city", "county", "township"):
        rows = [r for r in plan.regions if r.level == level]
        await _bulk(
            Region,
            [Region(**_columns(r, "parent"), parent_id=region_ids.get(r.parent) if r.parent else None) for r in rows],
            progress,
            f"Regions ({level})",
        )
        region_ids.update(await Region.filter(level=level).values_list("code", "id"))

    org_ids = await _bulk(
        Organisation,
        [Organisation(**_columns(o, "region"), region_id=region_ids[o.region]) for o in plan.orgs],
        progress,
        "Organisations",
        key="name",
    )
    await _bulk(
        StationTier,
        [StationTier(**_columns(t, "region"), region_id=region_ids[t.region]) for t in plan.tiers],
        progress,
        "Station tiers",
    )
    tier_ids = {(r, n): i for r, n, i in await StationTier.all().values_list("region_id", "name", "id")}

    def station_of(s: StationRow, parent_ids: dict) -> Station:
        return Station(
            code=s.code,
            name=s.name,
            region_id=region_ids[s.region],
            region_path=s.region_path,
            organisation_id=org_ids[s.org],
            tier_id=tier_ids[(region_ids[s.province], s.tier)],
            opened_on=day(s.opened),
            address=s.address,
            kind=s.kind,
            parent_id=parent_ids[s.parent] if s.parent else None,
        )

    # Township stations first, then the village (community) rooms under them.
    township_ids = await _bulk(
        Station, [station_of(s, {}) for s in plan.stations if s.parent is None], progress, "Stations", key="code"
    )
    await _bulk(Station, [station_of(s, township_ids) for s in plan.stations if s.parent], progress, "Village rooms")
    station_ids = dict(await Station.all().values_list("code", "id"))
    worker_ids = await _bulk(
        Worker,
        [
            Worker(
                **attrs_of(w, "name", "gender", "education", "source", "phone", "id_number"),
                worker_no=w.no,
                birth_date=day(w.birth),
                social_work_major=w.major,
            )
            for w in plan.workers
        ],
        progress,
        "Workers",
        key="worker_no",
    )
    await _bulk(
        EmploymentSpell,
        [
            EmploymentSpell(
                **attrs_of(s, "full_time", "position", "exit_type", "exit_reason"),
                worker_id=worker_ids[s.worker.no],
                station_id=station_ids[s.station.code],
                start_on=day(s.start),
                end_on=day(s.end),
                exit_note=s.note,
            )
            for s in sorted(plan.spells, key=lambda s: (s.start, s.worker.no))
        ],
        progress,
        "Employment spells",
    )
    await _bulk(
        Certificate,
        [
            Certificate(
                worker_id=worker_ids[c.worker],
                level=c.level,
                number=c.number,
                obtained_on=day(c.obtained),
                registered_on=day(c.registered),
                registration_expires_on=day(c.expires),
            )
            for c in plan.certificates
        ],
        progress,
        "Certificates",
    )
    # ids_by looks them up in chunks: the national scale's ~100,000 numbers exceed asyncpg's 32,767 bind parameters.
    certificate_ids = await ids_by(Certificate, "number", (c.number for c in plan.certificates if c.periods))
    await _stream(
        Registration,
        (
            {
                "certificate_id": certificate_ids[c.number],
                "kind": kind,
                "registered_on": day(start),
                "expires_on": day(end),
                "ce_hours": Decimal(str(hours)),
            }
            for c in plan.certificates
            for kind, start, end, hours in c.periods
        ),
        progress,
        "Registrations",
        sum(len(c.periods) for c in plan.certificates),
    )
    # The national ledger is expanded period by period as it is written (in the order planned, not by day).
    ledger = (
        sorted(plan.ce_credits, key=lambda c: (c.earned, c.worker))
        if plan.scale != "national"
        else (c for period in plan.ce_periods for c in ce_blocks(plan.seed, *period))
    )
    ce_rows = await _stream(
        CeCredit,
        (
            {
                "worker_id": worker_ids[c.worker],
                "hours": Decimal(str(c.hours)),
                "source": c.source,
                "earned_on": day(c.earned),
                "note": c.note,
            }
            for c in ledger
        ),
        progress,
        "CE credits",
        len(plan.ce_credits) or None,
    )
    subject_ids = dict(await ExamSubject.all().values_list("code", "id"))
    results = await _stream(
        ExamResult,
        (
            {
                "worker_id": worker_ids[r.worker],
                "year": r.year,
                "subject_id": subject_ids[r.subject],
                "score": Decimal(str(r.score)),
                "pass_mark": Decimal(r.pass_mark),
                "passed": r.score >= r.pass_mark,
                "region_path": r.region_path,
            }
            for r in plan.results
            if r.subject in subject_ids
        ),
        progress,
        "Exam results",
        len(plan.results),
    )

    # The demo accounts; an account that already exists (say, from create-admin) is left as it is.
    password_hash = await hash_password(DEMO_PASSWORD)
    county = next(r for r in plan.regions if r.code == plan.county)
    city = next(r for r in plan.regions if r.code == plan.city)
    province = next(r for r in plan.regions if r.code == city.parent)
    hr_org = next(o for o in plan.orgs if o.name == plan.hr_org)
    worker = next(w for w in plan.workers if w.no == plan.worker_no)
    wanted = [
        ("admin", Role.ADMIN, "系统管理员", {}),
        ("bureau", Role.BUREAU, f"{county.name}民政局", {"region_id": region_ids[county.code]}),
        ("citybureau", Role.BUREAU, f"{city.name}民政局", {"region_id": region_ids[city.code]}),
        # A province's bureau (民政厅), the installation's widest jurisdiction below the administrator.
        ("provincebureau", Role.BUREAU, f"{province.name}民政厅", {"region_id": region_ids[province.code]}),
        ("hr", Role.HR, f"{hr_org.contact}（人事）", {"organisation_id": org_ids[hr_org.name]}),
        ("supervisor", Role.SUPERVISOR, plan.supervisor, {}),
        ("worker", Role.WORKER, worker.name, {"worker_id": worker_ids[worker.no]}),
    ]
    existing = set(await User.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True))
    users: dict[str, User | None] = {}
    for username, role, display, scope in wanted:
        if username in existing:
            users[username] = None
            continue
        users[username] = await User.create(
            username=username, display_name=display, password_hash=password_hash, role=role, **scope
        )
    worker_accounts = await _worker_accounts(plan, worker_ids, password_hash, progress)
    demo_user = users.get("supervisor")
    await _bulk(
        Supervisor,
        [
            Supervisor(
                name=s.name,
                affiliation=s.affiliation,
                level=s.level,
                bio=s.bio,
                user_id=demo_user.id if demo_user is not None and s.name == plan.supervisor else None,
            )
            for s in plan.supervisors
        ],
        progress,
        "Supervisors",
    )
    supervisor_ids = dict(
        await fetch_by(
            lambda names: Supervisor.filter(name__in=names).values_list("name", "id"),
            (s.name for s in plan.supervisors),
        )
    )
    await _bulk(
        Assignment,
        [
            Assignment(
                supervisor_id=supervisor_ids[s.name],
                station_id=station_ids[code],
                start_on=day(start),
                end_on=day(end),
            )
            for s in plan.supervisors
            for code, start, end in s.assignments
        ],
        progress,
        "Supervisor assignments",
    )
    counts = {
        "regions": len(plan.regions),
        "organisations": len(plan.orgs),
        "stations": len(plan.stations),
        "workers": len(plan.workers),
        "active_workers": sum(1 for w in plan.workers if w.current is not None),
        "spells": len(plan.spells),
        "certificates": len(plan.certificates),
        "registrations": sum(len(c.periods) for c in plan.certificates),
        "ce_credits": ce_rows,
        "exam_results": results,
        "supervisors": len(plan.supervisors),
        "assignments": sum(len(s.assignments) for s in plan.supervisors),
        "accounts": sum(1 for u in users.values() if u is not None),
        "worker_accounts": worker_accounts,
    }
    await audit_record(
        actor=None,
        action="create",
        entity="demo",
        entity_id=f"{plan.scale}:{plan.seed}",
        summary=(
            f"Demo data ({plan.scale}, seed {plan.seed}): {counts['stations']} stations, "
            f"{counts['workers']} workers ({counts['active_workers']} active), {counts['spells']} spells, "
            f"{counts['certificates']} certificates"
        ),
        after=counts,
    )
    assigned = next(len(s.assignments) for s in plan.supervisors if s.name == plan.supervisor)
    scopes = {
        "admin": "everything",
        "bureau": f"{county.name} {county.code}",
        "citybureau": f"{city.name} {city.code}",
        "provincebureau": f"{province.name} {province.code}",
        "hr": hr_org.name,
        "supervisor": f"{assigned} assigned stations",
        "worker": f"own record {worker.no}",
    }
    return {"counts": counts, "users": users, "scopes": scopes}


# ── courses and the exam-prep bank (written through their services, after the bulk load) ───────────────


async def _courses(plan: Plan) -> dict[str, int]:
    """The demo courses of the county bureau (and one of the city bureau), written through the course
    services so seat counters, waitlists, completions, CE credits and audit entries are what the app
    itself would have written. Skipped when the bureau accounts are not the demo's."""
    from courses.catalog import services as catalog
    from courses.classroom.services import session_create
    from courses.completion.services import attendance_set, lesson_mark_done
    from courses.enrolment.models import Enrolment
    from courses.enrolment.services import enrolment_bulk, enrolment_enrol
    from courses.materials.services import material_create
    from talent.accounts.models import User
    from talent.accounts.selectors import scope_for
    from talent.core.access import Role, Scope

    today = plan.today
    users = {
        u.username: u
        for u in await User.filter(username__in=["bureau", "citybureau", "worker"]).select_related("region")
    }
    bureau, city, me = users.get("bureau"), users.get("citybureau"), users.get("worker")
    if (
        bureau is None
        or city is None
        or me is None
        or bureau.role != Role.BUREAU
        or city.role != Role.BUREAU
        or me.role != Role.WORKER
        or bureau.region is None
        or bureau.region.code != plan.county
        or city.region is None
        or city.region.code != plan.city
    ):
        return {}
    rng = random.Random(plan.seed * 7919 + 41)
    scope = await scope_for(bureau, today=today)
    days = timedelta(days=1)
    learners = sorted(
        w.no
        for w in plan.workers
        if w.current is not None and w.current.station.county == plan.county and w.no != plan.worker_no
    )

    async def course(actor, actor_scope, region, lessons, status="published", **values):
        created = await catalog.course_create(actor=actor, scope=actor_scope, region_code=region, **values)
        for title, body in lessons:
            await catalog.lesson_create(
                actor=actor, scope=actor_scope, course=created, title=title, body=body, minutes=40
            )
        if status == "published":
            created = await catalog.course_set_status(
                actor=actor, scope=actor_scope, course=created, status="published"
            )
        return created

    # 1. Online exam preparation, no seat limit; the demo worker is enrolled and has done two lessons.
    prep = await course(
        bureau,
        scope,
        plan.county,
        data.EXAM_PREP_LESSONS,
        title="助理社会工作师综合能力备考",
        summary="系统梳理《社会工作综合能力（初级）》考点，配套练习题。",
        description=data.EXAM_PREP_DESCRIPTION,
        category="exam_prep",
        target_level="assistant",
        delivery="online",
        ce_hours=Decimal("12"),
        capacity=None,
        enrol_opens_on=today - 30 * days,
        enrol_closes_on=today + 90 * days,
        starts_on=today - 30 * days,
        ends_on=today + 120 * days,
    )
    await material_create(
        actor=bureau, scope=scope, course=prep, title=data.EXAM_PREP_LINK[0], url=data.EXAM_PREP_LINK[1]
    )
    my_scope = await scope_for(me, today=today)
    mine = await enrolment_enrol(actor=me, scope=my_scope, course=prep, worker_id=me.worker_id, today=today)
    for lesson in (await prep.lessons.all())[:2]:
        mine = await lesson_mark_done(actor=me, scope=my_scope, enrolment=mine, lesson=lesson)

    # 2. A classroom workshop: 30 seats, 80 % attendance, four sessions of which two are past.
    workshop = await course(
        bureau,
        scope,
        plan.county,
        [data.WORKSHOP_LESSON],
        title="个案工作实务工作坊",
        summary="以真实个案为线索的分组演练，共 4 次集中授课。",
        description=data.WORKSHOP_DESCRIPTION,
        category="case_work",
        delivery="classroom",
        ce_hours=Decimal("16"),
        capacity=30,
        attendance_threshold=80,
        enrol_opens_on=today - 45 * days,
        enrol_closes_on=today + 7 * days,
        starts_on=today - 21 * days,
        ends_on=today + 21 * days,
    )
    sessions = []
    # The third session is tomorrow, so the reminders the demo runs (_reminders) remind its learners of it.
    for offset, title in zip((-21, -7, 1, 21), data.WORKSHOP_SESSIONS, strict=True):
        sessions.append(
            await session_create(
                actor=bureau,
                scope=scope,
                course=workshop,
                starts_at=datetime.combine(today + offset * days, time(1, 30), tzinfo=UTC),  # 09:30 in Nanjing
                minutes=180,
                place=f"{bureau.region.name}社会工作服务指导中心 多功能厅",
                title=title,
                trainer="南京师范大学社会工作系 督导",
            )
        )
    # The demo worker takes one of the seats (the same draws as without, so the rest of the demo is unchanged):
    # the worker's bell then has the session of tomorrow in it.
    seats = rng.sample(learners, min(25, len(learners)))
    seats[-1] = plan.worker_no
    await enrolment_bulk(actor=bureau, scope=scope, course=workshop, today=today, worker_nos=seats)
    seated = await Enrolment.filter(course_id=workshop.id).order_by("id")
    for session in sessions[:2]:
        for enrolment in seated:
            if rng.random() < 0.88:
                await attendance_set(
                    actor=bureau,
                    scope=scope,
                    course=workshop,
                    session=session,
                    enrolment_id=enrolment.id,
                    present=True,
                )

    # 3. A finished online course: twelve learners, ten completed (CE credit and certificate each).
    ethics = await course(
        bureau,
        scope,
        plan.county,
        data.ETHICS_LESSONS,
        title=data.ETHICS_COURSE[0],
        summary=data.ETHICS_COURSE[1],
        category="ethics",
        delivery="online",
        ce_hours=Decimal("8"),
        capacity=40,
        enrol_opens_on=today - 120 * days,
        enrol_closes_on=today + 30 * days,
        starts_on=today - 120 * days,
    )
    await enrolment_bulk(
        actor=bureau, scope=scope, course=ethics, today=today, worker_nos=rng.sample(learners, min(12, len(learners)))
    )
    lessons = await ethics.lessons.all()
    for i, enrolment in enumerate(await Enrolment.filter(course_id=ethics.id).order_by("id")):
        learner = Scope(user_id=0, role=Role.WORKER, worker_id=enrolment.worker_id)
        for lesson in lessons if i < 10 else lessons[:1]:
            enrolment = await lesson_mark_done(actor=None, scope=learner, enrolment=enrolment, lesson=lesson)

    # 4. A draft the bureau is still writing, and 5. a city-level policy course.
    await course(
        bureau,
        scope,
        plan.county,
        [("第一讲 社区议事规则", "## 要点\n\n- 议事规则的制定\n")],
        status="draft",
        title=data.DRAFT_COURSE[0],
        summary=data.DRAFT_COURSE[1],
        category="community_work",
        delivery="blended",
        ce_hours=Decimal("10"),
        capacity=40,
    )
    city_scope = await scope_for(city, today=today)
    title, description, policy_lessons = data.POLICY_COURSE
    await course(
        city,
        city_scope,
        plan.city,
        policy_lessons,
        title=title,
        summary="全市社工站建设政策与考核要求解读。",
        description=description,
        category="policy",
        delivery="online",
        ce_hours=Decimal("4"),
        capacity=None,
        enrol_opens_on=today - 10 * days,
    )
    return {"courses": 5, "enrolments": await Enrolment.all().count()}


async def _exam_prep(plan: Plan) -> dict[str, int]:
    """The demo question bank (courses.examprep.services.demo_bank_load), and for the demo worker a few practice
    answers and one handed-in mock exam, through the exam-prep services.

    The worker answers like a typical candidate, who fails (about one in five passes nationally; see the exam
    results above): a single choice is right with a chance that falls with the item's difficulty (70, 55, 40 %);
    a multiple choice is exactly right less often (45, 30, 20 %), and otherwise is as often a cautious partial
    answer (some right options only: half marks per option) as a wrong one. Over an 80-item paper that scores in
    the 40s–50s, below the pass mark of 60, so readiness does not promise a pass the bank's items would not give.
    """
    from courses.examprep.models import AttemptItem, Question, QuestionVersion
    from courses.examprep.services import demo_bank_load as load_demo_bank
    from courses.examprep.services import mock_save_answer, mock_start, mock_submit, practice_answer
    from talent.accounts.models import User
    from talent.core.access import Role

    added = await load_demo_bank()
    me = await User.get_or_none(username="worker", role=Role.WORKER)
    if me is None or me.worker_id is None or not added:
        return {"questions": added}
    rng = random.Random(plan.seed * 7919 + 53)

    single_right = {1: 0.7, 2: 0.55, 3: 0.4}
    multiple_right = {1: 0.45, 2: 0.3, 3: 0.2}

    def respond(question: Question, version: QuestionVersion) -> list[str]:
        answer = version.answer
        letters = [chr(ord("A") + i) for i in range(len(version.options))]
        wrong = [letter for letter in letters if letter not in answer] or letters
        if question.kind == "single":
            return list(answer) if rng.random() < single_right.get(question.difficulty, 0.55) else [rng.choice(wrong)]
        roll = rng.random()
        exact = multiple_right.get(question.difficulty, 0.3)
        if roll < exact:
            return list(answer)
        if roll < exact + (1 - exact) / 2:
            return rng.sample(list(answer), rng.randint(1, max(1, len(answer) - 1)))
        return [rng.choice(list(answer)), rng.choice(wrong)]

    now = datetime.combine(plan.today - timedelta(days=2), time(12, 0), tzinfo=UTC)  # 20:00 in Nanjing
    practice = await Question.filter(subject="A-ZH", kind="single", region_path="").order_by("id").limit(8)
    for i, question in enumerate(practice):
        version = await QuestionVersion.get(question_id=question.id, is_current=True)
        await practice_answer(
            worker_id=me.worker_id,
            question_id=question.id,
            version_id=version.id,
            choices=respond(question, version),
            now=now + timedelta(minutes=2 * i),
        )
    start = now - timedelta(days=3)
    attempt = await mock_start(worker_id=me.worker_id, subject="A-ZH", now=start, seed=plan.seed)
    items = await AttemptItem.filter(attempt_id=attempt.id).select_related("question", "version").order_by("position")
    for i, item in enumerate(items):
        if item.kind in ("single", "multiple") and rng.random() < 0.95:
            await mock_save_answer(
                worker_id=me.worker_id,
                attempt_id=attempt.id,
                question_id=item.question_id,
                choices=respond(item.question, item.version),
                now=start + timedelta(seconds=60 * (i + 1)),
            )
    await mock_submit(worker_id=me.worker_id, attempt_id=attempt.id, now=start + timedelta(minutes=100))
    return {"questions": added, "practice_answers": len(practice), "mock_attempts": 1}


def _result_table(plan: Plan, written: dict):
    from rich.console import Group
    from rich.table import Table

    accounts = Table(title=f"Demo accounts — password: {DEMO_PASSWORD}")
    accounts.add_column("Username")
    accounts.add_column("Role")
    accounts.add_column("Name")
    accounts.add_column("Scope")
    for username, user in written["users"].items():
        if user is None:
            accounts.add_row(username, "", "(existing account kept)", "")
        else:
            accounts.add_row(username, str(user.role.value), user.display_name, written["scopes"].get(username, ""))
    counts = Table(title=f"Demo data: {plan.scale}, seed {plan.seed}", min_width=40)
    counts.add_column("What")
    counts.add_column("Count", justify="right")
    for key, value in written["counts"].items():
        counts.add_row(key.replace("_", " ").capitalize(), f"{value:,}")
    return Group(counts, accounts)


async def load_demo(
    *,
    scale: str = "small",
    seed: int = 2026,
    if_empty: bool = False,
    console=None,
    today: date | None = None,
    fraction: float = 1.0,
):
    """Load the demo; returns a rich renderable listing the accounts, or None if `if_empty` and data exists.
    `fraction`: build_plan's (a smaller national-shaped demo, for tests)."""
    from tortoise.transactions import in_transaction

    from talent.core.errors import ServiceError
    from talent.domains import demo_contribute
    from talent.people.models import Worker
    from talent.places.models import Region

    if if_empty and await Region.exists():
        return None
    with _progress(console) as progress:
        task = progress.add_task("Planning history", total=STEPS)
        plan = build_plan(scale, seed, today, progress=lambda n: progress.advance(task, n), fraction=fraction)
        codes = [r.code for r in plan.regions if r.level != "township"]
        if (
            await Region.filter(code__in=codes).exists()
            or await Worker.filter(worker_no__in=[w.no for w in plan.workers[:50]]).exists()
        ):
            raise ServiceError(
                "__all__", "The database already holds regions or workers of the demo; load it into an empty database."
            )
        async with in_transaction():
            written = await _write(plan, progress)
            if scale != "national":
                written["counts"].update(await _courses(plan))
                written["counts"].update(await _exam_prep(plan))
            written["counts"].update(await demo_contribute(scale=scale, seed=seed, today=plan.today, progress=progress))
        if scale != "national":  # the national scale writes its reminders in bulk (talent.certification.demo)
            written["counts"].update(await _reminders(plan.today, fixed=today is not None))
        await statistics_refresh(vacuum=True)
    return _result_table(plan, written)


async def _reminders(today: date, *, fixed: bool) -> dict[str, int]:
    """What `talent remind` would create on the demo's day (no e-mail), so the demo accounts' bells have
    something in them before anyone sets up cron. A fixed day (tests) runs at 09:00 local time that day."""
    from talent.core.clock import local_zone
    from talent.domains import load as load_domains
    from talent.notifications.services import reminders_create

    load_domains()
    now = datetime.combine(today, time(9), tzinfo=local_zone()).astimezone(UTC) if fixed else datetime.now(UTC)
    created = await reminders_create(now=now, today=today)
    return {"reminders": sum(created.values())}
