"""Background tasks of the open data app, run by `manage.py db_worker` (see opendata/jobs.py)."""
from django_tasks import task

from opendata import jobs


@task()
def build_datapackage() -> dict:
    """Rebuild the HSDS data package served at /api/datapackage.zip."""
    package = jobs.build_package()
    return {"file": package.file_name, "programs": package.programs, "bytes": package.size}


@task()
def run_import_job(job_id: str) -> str:
    """Run one step (preview or import) of a staff import."""
    return jobs.run_import_job(job_id)
