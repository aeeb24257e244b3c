from talent.people.models import Worker
from talent.places.models import Organisation, Region


async def scope_ids(*, region_code: str | None, organisation: str | None, worker_no: str | None) -> dict:
    """Resolve the typed codes/names of a user form into ids; None where absent or unknown."""
    region = await Region.filter(code=region_code).first() if region_code else None
    org = await Organisation.filter(name=organisation).first() if organisation else None
    worker = await Worker.filter(worker_no=worker_no).first() if worker_no else None
    return {
        "region_id": region.id if region else None,
        "organisation_id": org.id if org else None,
        "worker_id": worker.id if worker else None,
        "unknown": [
            name
            for name, given, found in (
                ("region_code", region_code, region),
                ("organisation", organisation, org),
                ("worker_no", worker_no, worker),
            )
            if given and not found
        ],
    }
