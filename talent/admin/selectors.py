from talent.core.access import Scope
from talent.people.access import readable_workers
from talent.places.access import readable_organisations, readable_regions


async def scope_ids(*, scope: Scope, region_code: str | None, organisation: str | None, worker_no: str | None) -> dict:
    """Resolve the typed codes/names of a user form into ids, among the records the viewer reaches (an admin:
    all); None where absent or unknown, and the fields of the unknown ones under "unknown"."""
    region = await readable_regions(scope).filter(code=region_code).first() if region_code else None
    org = await readable_organisations(scope).filter(name=organisation).first() if organisation else None
    worker = await readable_workers(scope).filter(worker_no=worker_no).first() if worker_no else None
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
