"""Running a job: work units through the factory and the emit stage into
shards, completion markers and a manifest (see job.py)."""
from .job import JobConfig, run_job, run_unit, write_manifest

__all__ = ["JobConfig", "run_job", "run_unit", "write_manifest"]
