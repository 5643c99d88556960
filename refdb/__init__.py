"""refdb: a sanctions and officials reference database."""


def __getattr__(name: str) -> object:
    # Lazy, so that `refdb` commands and the matcher do not pay for importing the API.
    if name in ("open_db", "RefDB"):
        from refdb import api

        return getattr(api, name)
    raise AttributeError(f"module 'refdb' has no attribute {name!r}")
