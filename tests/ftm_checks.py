"""What followthemoney itself objects to in a list of FtM entities (for the export's and
the synthetic generator's tests)."""

from __future__ import annotations

from collections.abc import Iterator

from followthemoney import model
from followthemoney.proxy import EntityProxy


def problems(entities: list[dict]) -> Iterator[str]:
    """Everything followthemoney would object to: unknown or abstract schemata, unknown
    properties, missing required ones, values its types reject or would rewrite, and
    references to entities that are absent or of a schema outside the property's range."""
    schemata = {item["id"]: model.get(item["schema"]) for item in entities}
    for item in entities:
        schema = schemata[item["id"]]
        where = f"{item['id']} ({item['schema']})"
        if schema is None or schema.abstract:
            yield f"{where}: no such concrete schema"
            continue
        properties = item["properties"]
        for name in properties.keys() - schema.properties.keys():
            yield f"{where}: no property {name}"
        for name in schema.required - properties.keys():
            yield f"{where}: required {name} missing"
        try:
            schema.validate(item)
        except Exception as error:  # followthemoney's InvalidData, with the errors per property
            yield f"{where}: {error}: {getattr(error, 'errors', '')}"
        cleaned = EntityProxy.from_dict(item, cleaned=False).to_dict()["properties"]
        for name, values in properties.items():
            prop = schema.properties.get(name)
            if prop is None:
                continue
            if cleaned.get(name) != values:
                yield f"{where}: {name} {values} reads back as {cleaned.get(name)}"
            if any(len(value) > prop.max_length for value in values):
                yield f"{where}: {name} longer than {prop.max_length}"
            if prop.type.name == "entity":
                for ref in values:
                    target = schemata.get(ref)
                    if target is None:
                        yield f"{where}: {name} refers to missing {ref}"
                    elif prop.range is not None and not target.is_a(prop.range):
                        yield f"{where}: {name} refers to {ref}, a {target.name}, not a {prop.range.name}"
