# Copy to instance/config.py (or let Laurel generate it on first run) and adjust.
# Every key of app/config.py DEFAULTS can be set here; LAUREL_* environment variables win over this file.

# SECRET_KEY = "a long random string"            # generated on first run if absent
# DATABASE_URL = "postgresql+psycopg://laurel:secret@127.0.0.1:5432/laurel"
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379"
# TIMEZONE = "Asia/Shanghai"
# MAX_UPLOAD_MB = 10
