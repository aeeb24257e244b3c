"""Read models of places: what a page row, an export row and the JSON API say about a region or a station."""

from datetime import date

from pydantic import BaseModel

from talent.places.models import Region, Station


class RegionOut(BaseModel):
    """A region as the regions kind's columns and the API name it."""

    code: str
    name: str
    level: str
    parent_code: str | None

    @classmethod
    def of(cls, region: Region) -> "RegionOut":
        """`region` with its parent fetched."""
        parent = region.parent
        return cls(code=region.code, name=region.name, level=region.level, parent_code=parent.code if parent else None)


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
    def of(cls, station: Station) -> "StationOut":
        """`station` with its region, organisation, tier and parent station fetched."""
        return cls(
            code=station.code,
            name=station.name,
            region_code=station.region.code,
            organisation=station.organisation.name if station.organisation else None,
            tier=station.tier.name if station.tier else None,
            opened_on=station.opened_on,
            kind=station.kind,
            parent_code=station.parent.code if station.parent_id else None,
        )
