"""The budget simulator: a (draft) standard against the workforce of its region on a date, in one SQL statement.

For every full-time worker active on the day at a station of the standard's region (and in the viewer's scope):
target under the draft = max(floor, band min × (1 + uplift)), target under the standard that applies today =
max(its floor, its band min) (0 where none applies); monthly cost = max(0, target − pay) for workers with a
salary record. Costs are summed per region one level below the standard's region; the annual cost is 12 × the
monthly; the funding split gives the standard's own level `upper_share_pct` % and the level below the rest.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from talent.core.access import Scope
from talent.pay.access import station_ids_sql
from talent.pay.models import PayLevel, SalaryStandard
from talent.pay.rules import PaySql
from talent.pay.selectors import _child_key, _money, _pg, _workforce
from talent.rawsql import fetch_all

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Inputs:
    on: date
    floor: Decimal
    uplift_pct: Decimal = Decimal(0)
    upper_share_pct: Decimal = Decimal(60)


@dataclass
class Line:
    key: str = ""
    name: str = ""
    code: str = ""
    headcount: int = 0
    no_record: int = 0
    affected: int = 0
    monthly: Decimal = Decimal("0.00")  # cost under the draft
    current: Decimal = Decimal("0.00")  # cost under the standards applying now
    upper: Decimal = Decimal("0.00")
    lower: Decimal = Decimal("0.00")

    @property
    def annual(self) -> Decimal:
        return self.monthly * 12

    @property
    def extra(self) -> Decimal:
        return self.monthly - self.current


@dataclass
class Result:
    inputs: Inputs
    total: Line = field(default_factory=Line)
    lines: list[Line] = field(default_factory=list)


def _split(line: Line, share: Decimal) -> None:
    line.upper = (line.monthly * share / HUNDRED).quantize(Decimal("0.01"))
    line.lower = line.monthly - line.upper


async def simulate(*, scope: Scope, standard: SalaryStandard, inputs: Inputs) -> Result:
    pg = _pg()
    sql = PaySql(inputs.on, pg)
    num = sql.num
    factor = (HUNDRED + inputs.uplift_pct) / HUNDRED
    floor = f"{inputs.floor:f}"
    base = _workforce(sql, station_ids_sql(scope, standard.region_path))
    key = _child_key(pg, len(standard.region_path))
    statement = f"""{base}, dr AS (
  SELECT cw.*, {num("db.min_pay")} * {factor:f} AS dmin
  FROM cw LEFT JOIN pay_bands db ON db.standard_id = {int(standard.id)} AND db.level = cw.level
    AND db.years_from <= cw.years AND (db.years_to IS NULL OR cw.years < db.years_to)
), dc AS (
  SELECT dr.*, CASE WHEN dr.dmin IS NOT NULL AND dr.dmin > {floor} THEN dr.dmin ELSE {floor} END AS dtarget,
    CASE WHEN dr.standard_id IS NULL THEN 0 WHEN dr.bmin IS NOT NULL AND dr.bmin > dr.floor THEN dr.bmin
      ELSE dr.floor END AS ctarget
  FROM dr
), costs AS (
  SELECT {key} AS gkey, dc.pay,
    CASE WHEN dc.pay IS NULL OR dc.pay >= dc.dtarget THEN 0 ELSE dc.dtarget - dc.pay END AS dcost,
    CASE WHEN dc.pay IS NULL OR dc.pay >= dc.ctarget THEN 0 ELSE dc.ctarget - dc.pay END AS ccost
  FROM dc
)
SELECT c.gkey, r.name AS gname, r.code AS gcode, COUNT(*) AS headcount,
  SUM(CASE WHEN c.pay IS NULL THEN 1 ELSE 0 END) AS no_record, SUM(CASE WHEN c.dcost > 0 THEN 1 ELSE 0 END) AS affected,
  SUM(c.dcost) AS dcost, SUM(c.ccost) AS ccost
FROM costs c LEFT JOIN regions r ON r.path = c.gkey GROUP BY c.gkey, r.name, r.code ORDER BY c.gkey"""
    rows = await fetch_all(SalaryStandard, statement)
    result = Result(inputs=inputs)
    total = result.total
    for row in rows:
        line = Line(
            key=row["gkey"],
            name=row["gname"] or row["gkey"],
            code=row["gcode"] or "",
            headcount=int(row["headcount"] or 0),
            no_record=int(row["no_record"] or 0),
            affected=int(row["affected"] or 0),
            monthly=_money(row["dcost"]),
            current=_money(row["ccost"]),
        )
        _split(line, inputs.upper_share_pct)
        result.lines.append(line)
        # The total of a few region lines (one per child region), not of workers.
        total.headcount += line.headcount
        total.no_record += line.no_record
        total.affected += line.affected
        total.monthly += line.monthly
        total.current += line.current
    _split(total, inputs.upper_share_pct)
    return result


def next_level_band(standard: SalaryStandard, row: dict) -> dict | None:
    """What passing the next certificate level would mean for a worker (their compliance row): the band of the
    next level for their years of service in `standard`, and its certificate allowance; None at the top."""
    levels = list(PayLevel)
    index = levels.index(PayLevel(row["level"]))
    if index + 1 >= len(levels):
        return None
    nxt = levels[index + 1]
    band = next(
        (
            b
            for b in standard.sorted_bands
            if b.level == nxt and b.years_from <= row["years"] and (b.years_to is None or row["years"] < b.years_to)
        ),
        None,
    )
    allowance = sum((a.amount for a in standard.allowances if a.level == nxt), Decimal(0))
    if band is None and not allowance:
        return None
    return {
        "level": nxt,
        "band": band,
        "allowance": allowance,
        "gain": (band.min_pay - row["pay"]) if band and row["pay"] is not None and band.min_pay > row["pay"] else None,
    }
