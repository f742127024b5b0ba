"""gunicorn's settings for Laurel, the one place for them: `make run` and the production recipe in README.md
both start `gunicorn --config gunicorn.conf.py --workers N --bind HOST:PORT wsgi:app`.

Threaded workers (`gthread`): a client that sends its request slowly holds one thread of a worker while
its headers trickle in, not the whole worker, as a sync worker is held; four such sockets held both of
`make run`'s sync workers and /api/v1/health waited 11 s (tests/test_serving.py). Laurel is thread-safe
per request: each request has its own app context and database session, and SQLite's writers queue on a
file lock that threads of one process take like separate processes (app/database.py). Behind a reverse
proxy that buffers requests (nginx does by default), slow clients never reach the workers at all.
"""

worker_class = "gthread"
#: Per worker: requests served at once, slow clients included. The kernel often hands every new connection
#: to the same waiting worker, so one worker alone must outlast the four slow sockets with threads to spare
#: (with 4, four slow sockets held a whole worker). Threads of one worker share one interpreter, so each
#: save costs a little more CPU when many run at once (docs/performance.md).
threads = 8
accesslog = "-"
