from refdb import migrate
from refdb.models import SCHEMA_REVISION


def test_the_revision_the_code_expects_is_alembics_head():
    # Opening a database compares against SCHEMA_REVISION without importing Alembic;
    # a new migration must move it, or every database would be refused as out of date.
    assert migrate.head_revision() == SCHEMA_REVISION
