import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def render_item(type_, obj, autogen_context):
    """Laurel's UTCDateTime is a plain DateTime in the database; migrations need not import app."""
    from app.models.types import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


#: PostgreSQL: how long a migration's statement may wait for a lock, and run, before it fails (its migration
#: rolled back), unless `flask db upgrade -x lock_timeout=... -x statement_timeout=...` says otherwise.
#: While an ALTER waits for its lock, every writer of the table queues behind it: failing after a second
#: keeps that queue short; run again when the long transaction in the way has ended (docs/operations.md).
POSTGRESQL_TIMEOUTS = {"lock_timeout": "1s", "statement_timeout": "30s"}


def postgresql_timeouts(connection) -> None:
    """Set POSTGRESQL_TIMEOUTS, or the -x values, for the whole session (autocommit blocks included)."""
    given = context.get_x_argument(as_dictionary=True)
    for name, default in POSTGRESQL_TIMEOUTS.items():
        value = given.get(name, default)
        connection.exec_driver_sql("SELECT set_config(%(name)s, %(value)s, false)", {"name": name, "value": value})
    connection.commit()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    conf_args.setdefault("render_item", render_item)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters most of a table by copying it into a new one and dropping the old (Alembic's
            # batch mode). With foreign keys enforced, dropping the old table would delete, or set to NULL,
            # every row of the tables that refer to it (a user's roles, a round's entries). They are
            # enforced again once the migrations are done, and checked then.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        if connection.dialect.name == "postgresql":
            postgresql_timeouts(connection)
            # Each migration commits on its own: one transaction for them all would hold every table lock
            # taken by the first until the last is done.
            conf_args.setdefault("transaction_per_migration", True)
        from app.database import schema_object_filter

        conf_args.setdefault("include_object", schema_object_filter(connection.dialect.name))
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)

        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if broken:
                raise RuntimeError(f"the migrations left rows that refer to no row: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
