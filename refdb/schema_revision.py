"""The migration revision this code expects; tests/test_migrations.py checks it equals
Alembic's head.

A module of its own so that opening a database imports neither Alembic nor the ORM
models (start-up time of `refdb search`).
"""

SCHEMA_REVISION = "0007"
