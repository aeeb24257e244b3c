"""Read models of places: what a page row, an export row and the JSON API say about a region or a station."""

from datetime import date

from pydantic import BaseModel


class RegionOut(BaseModel):
    """A region as the regions kind's columns and the API name it."""

    code: str
    name: str
    level: str
    parent_code: str | None

    @classmethod
    def of(cls, row: dict) -> "RegionOut":
        """A row of the regions list (places.selectors.REGION_ROW)."""
        return cls(code=row["code"], name=row["name"], level=row["level"], parent_code=row["parent__code"])


class StationOut(BaseModel):
    """A station as the stations kind's columns and the API name it (organisation and tier by name; kind is
    county_centre, township_station or village_room; parent_code the township station a village room is under)."""

    code: str
    name: str
    region_code: str
    organisation: str | None
    tier: str | None
    opened_on: date | None
    kind: str
    parent_code: str | None

    @classmethod
    def of(cls, row: dict) -> "StationOut":
        """A row of the stations list (places.selectors.STATION_ROW)."""
        return cls(
            code=row["code"],
            name=row["name"],
            region_code=row["region__code"],
            organisation=row["organisation__name"],
            tier=row["tier__name"],
            opened_on=row["opened_on"],
            kind=row["kind"],
            parent_code=row["parent__code"],
        )
