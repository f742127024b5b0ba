"""Background jobs: exports, large imports, results computations and mail, outside the web request.

- `app.jobs.services` starts jobs (each checked against the asker's rights) and reads them back;
- `app.jobs.queue` hands a committed job to whatever runs jobs: RQ workers over Redis, or a thread;
- `app.jobs.runner` runs one job: claims it, keeps its heartbeat, records its progress and its end;
- `app.jobs.tasks` holds what each kind of job does, calling the same services as the web;
- `app.jobs.api` and `app.jobs.routes` answer the API and the pages; `app.jobs.cli` runs the worker.
"""
