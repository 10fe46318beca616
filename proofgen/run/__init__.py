"""Running a job: work units through the factory and the emit stage into a
run folder, by a local or a Ray executor, resumable, with global dedup."""
from .executors import LocalExecutor, RayExecutor
from .folder import RunFolder
from .job import JobConfig, JobError, clear_run, run_job

__all__ = ["JobConfig", "JobError", "LocalExecutor", "RayExecutor", "RunFolder", "clear_run",
           "run_job"]
