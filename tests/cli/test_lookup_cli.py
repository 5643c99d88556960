"""`refdb search|show|holders|sanctions|entry`: JSON shapes, exit codes, one-line reasons."""

from __future__ import annotations

import json
import re

import pytest
import typer.main

from refdb.cli import app
from refdb.vocab import LINK_BASES, LINK_STATUSES, MERGE_STATUSES, TARGET_KINDS


@pytest.fixture
def lookup(refdb, shared_seeded_db):
    """Run a lookup command against the module's seeded database."""

    def run(*args: str):
        return refdb(*args, "--db", shared_seeded_db.url)

    return run


def _one_line_reason(result, *words: str) -> None:
    assert len(result.err_lines) == 1, result.err
    for word in words:
        assert word in result.err


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize("query", ["li shang-fu", "李尚福", "Shangfu Li", "li shangfoo"])
def test_search_finds_li_shangfu_first(lookup, query):
    result = lookup("search", query, "--json")
    assert result.code == 0, result.err
    items = json.loads(result.out)
    assert items[0]["name"] == "Li Shangfu"
    assert items[0]["type"] == "entity"
    for item in items:
        assert {"id", "name", "kind", "score", "type"} <= set(item)
        assert 0 <= item["score"] <= 1


def test_search_can_keep_to_one_kind_and_a_limit(lookup):
    items = json.loads(lookup("search", "rosoboronexport", "--kind", "organization", "--json").out)
    assert items and all(item["kind"] == "organization" for item in items)
    # The official and the list entry naming him both match.
    both = json.loads(lookup("search", "li shangfu", "--json").out)
    assert {item["type"] for item in both} == {"entity", "sanction_entry"}
    assert len(json.loads(lookup("search", "li shangfu", "--limit", "1", "--json").out)) == 1


def test_search_cut_by_the_limit_says_so(lookup):
    cut = lookup("search", "li shangfu", "--limit", "1", "--json")
    assert len(json.loads(cut.out)) == 1
    assert cut.err_lines == ["showing the best 1 match(es) (--limit for more)"]
    whole = lookup("search", "li shangfu", "--limit", "2", "--json")
    assert len(json.loads(whole.out)) == 2 and whole.err_lines == []


def test_search_that_finds_nothing_exits_1_with_an_empty_list(lookup):
    result = lookup("search", "Zyxwvut Qqqq", "--json")
    assert result.code == 1
    assert json.loads(result.out) == []
    _one_line_reason(result, "no match")


def _header(table: str) -> list[str]:
    """The column names of a rich table as printed."""
    line = next(line for line in table.splitlines() if "score" in line)
    return [cell.strip() for cell in line.strip("┃ ").split("┃")]


def test_the_search_table_shows_the_matched_alias_and_list_record_only_when_there_are_some(
    lookup, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "200")
    alias = lookup("search", "Heinz Alfred Kissinger")
    assert _header(alias.out) == ["score", "type", "id", "name", "kind", "matched as"]
    assert "Henry Kissinger" in alias.out and "Heinz Alfred Kissinger" in alias.out
    listed = lookup("search", "li shangfu")
    assert _header(listed.out) == ["score", "type", "id", "name", "kind", "list record"]
    assert "record" in listed.out and "ofac-sdn 24838" in listed.out


def _name_cells(table: str) -> list[str]:
    """The lines of the name column, as printed."""
    column = _header(table).index("name")
    return [line.split("│")[column + 1].strip() for line in table.splitlines() if line.startswith("│")]


def test_at_80_columns_the_alias_and_list_record_go_under_the_name(lookup, monkeypatch):
    # With both columns and a post under the name, the name column was left 14 wide:
    # "Minister of / National / Defense", "Nancy Pelosi / United / States / Representati".
    monkeypatch.setenv("COLUMNS", "80")
    table = lookup("search", "li shang-fu").out
    assert all(len(line) <= 80 for line in table.splitlines()), "fits an 80-column terminal"
    assert _header(table) == ["score", "type", "id", "name", "kind"]
    names = _name_cells(table)
    assert names[:2] == ["Li Shangfu", "matched as Li Shang-fu"]
    assert names[2].startswith("Minister of National Defense (former)"), names
    assert "ofac-sdn 24838" in names, "the list record on a line of its own, under its name"


def test_a_search_after_an_import_says_it_indexes_the_new_names_first(refdb, seeded_db, queue_entry_names):
    refdb("search", "li shangfu", "--db", seeded_db.url)
    queue_entry_names(seeded_db, 2500)
    first = refdb("search", "li shangfu", "--db", seeded_db.url)
    assert first.code == 0, first.err
    # How many, and no promise of "a few seconds": the SDN's names took 22 s on PostgreSQL.
    assert first.err_lines == ["indexing 2,500 names written since the last search, once, before searching"]
    second = refdb("search", "li shangfu", "--db", seeded_db.url)
    assert second.code == 0 and second.err_lines == []


def test_on_a_terminal_a_bar_shows_the_names_indexed_before_a_search(
    refdb, seeded_db, queue_entry_names, monkeypatch
):
    refdb("search", "li shangfu", "--db", seeded_db.url)
    queue_entry_names(seeded_db, 2500)
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich's stderr console: a terminal
    monkeypatch.setenv("COLUMNS", "100")
    shown = refdb("search", "li shangfu", "--db", seeded_db.url)
    assert shown.code == 0, shown.err
    line = "indexing 2,500 names written since the last search, once, before searching"
    assert shown.err.startswith(line + "\n")
    bar = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.err)  # colours and cursor moves
    assert re.search(r"\rindexing ━+ +0/2500 names 0:00:00\r", bar), bar
    assert re.search(r"\rfinishing ━+ 2500/2500 names 0:00:\d\d\n", bar), bar
    # Under --json, as in a pipe, the one line only.
    queue_entry_names(seeded_db, 2500)
    assert refdb("search", "li shangfu", "--db", seeded_db.url, "--json").err_lines == [line]


def test_search_says_why_a_curated_hit_matters(lookup, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    table = lookup("search", "li shangfu")
    assert (
        "Minister of National Defense (former), +4 posts; sanctioned: ofac-sdn 24838 (confirmed)" in table.out
    )
    (person,) = [
        hit for hit in json.loads(lookup("search", "li shangfu", "--json").out) if hit["type"] == "entity"
    ]
    assert "Minister of National Defense" in [p["post"] for p in person["posts"]]
    assert [
        (s["list"], s["record_id"], s["link_status"], s["entry_status"]) for s in person["sanctions"]
    ] == [("ofac-sdn", "24838", "confirmed", "active")]


# --------------------------------------------------------------------------- show


def test_show_json_has_names_identifiers_tenures_sanctions_and_citations(lookup):
    result = lookup("show", "li-shangfu", "--json")
    assert result.code == 0, result.err
    profile = json.loads(result.out)
    assert {"id", "name", "kind", "names", "identifiers", "tenures", "sanctions", "citations"} <= set(profile)
    assert "李尚福" in {n["name"] for n in profile["names"]}
    assert {t["post"] for t in profile["tenures"]} >= {
        "Director of the Equipment Development Department",
        "Minister of National Defense",
        "State Councilor",
    }
    for tenure in profile["tenures"]:
        assert {"post", "organization", "start", "end"} <= set(tenure)
    [sanction] = profile["sanctions"]
    assert {"authority", "programs", "listed_on", "status", "link", "citations"} <= set(sanction)
    assert sanction["record_id"] == "24838"
    assert [p["code"] for p in sanction["programs"]] == ["CAATSA - RUSSIA"]
    assert sanction["listed_on"] == "2018-09-20"
    assert sanction["link"]["status"] == "confirmed"
    assert sanction["link"]["citations"]
    assert profile["citations"]


def test_show_by_numeric_id(lookup):
    profile = json.loads(lookup("show", "li-shangfu", "--json").out)
    again = json.loads(lookup("show", str(profile["id"]), "--json").out)
    assert again["key"] == "li-shangfu"


def test_show_prints_a_profile_for_people(lookup):
    result = lookup("show", "li-shangfu")
    assert result.code == 0, result.err
    # Tables fold long cells at the width of a non-terminal (80): check short words only.
    for text in ("Li Shangfu", "李尚福", "24838", "CAATSA", "confirm"):
        assert text in result.out
    assert "nationality: China\n" in result.out, "by name, as `refdb screen` shows it, not cn"


def test_show_cites_each_source_once_and_json_keeps_every_citation(lookup, monkeypatch):
    """The OFAC entry and its link both cite the State Department's notice: two identical
    lines in a row, and the article's quote again inside its longer quote."""
    monkeypatch.setenv("COLUMNS", "1000")  # a line a citation
    shown = lookup("show", "li-shangfu").out
    cited = [line.removeprefix("  [24838] ") for line in shown.splitlines() if line.startswith("  [24838] ")]
    profile = json.loads(lookup("show", "li-shangfu", "--json").out)
    (entry,) = profile["sanctions"]
    citations = entry["link"]["citations"] + entry["citations"]

    sources = [c["source"] for c in citations]
    assert [line.split(" (unverified)")[0].split(" — ")[0] for line in cited] == list(dict.fromkeys(sources))
    assert len(citations) == 8 > len(cited) == 5, "--json keeps every citation: each supports its own fact"
    for quote in {c["quote"] for c in citations if c["quote"]}:  # one is part of a longer one
        assert sum(quote in line for line in cited) == 1, quote
    assert cited[0].endswith('"; "LI, Shangfu"'), "a source's quotes on its one line"


def test_show_sanctions_and_holders_tables_read_on_an_80_column_terminal(lookup):
    shown = lookup("show", "li-shangfu").out
    sanctions = shown[shown.index("Sanctions") :]
    # Whole phrases, not folded: the entry, the listing date, the link's status.
    for text in ("ofac-sdn 24838", "LI, Shangfu", "2018-09-20", "confirmed"):
        assert text in sanctions
    listed = lookup("sanctions", "--entity", "li-shangfu").out
    for text in ("24838", "LI, Shangfu", "2018-09-20", "(confirmed)"):
        assert text in listed
    holders = lookup("holders", "Secretary of Defense", "--on", "2023-07-12").out
    for text in ("Lloyd Austin", "2021-01-22 to 2025-01-20"):
        assert text in holders
    assert all(len(line) <= 80 for line in (shown + listed + holders).splitlines())


def test_brackets_in_a_query_are_text_not_markup(lookup):
    result = lookup("search", "li [/] shangfu [bold]")
    assert result.code == 0, result.err
    assert "match(es) for 'li [/] shangfu [bold]'" in result.out


def test_show_of_an_unknown_entity_exits_1(lookup):
    result = lookup("show", "nobody-at-all")
    assert result.code == 1
    assert result.out == ""
    _one_line_reason(result, "nobody-at-all")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("show", "nobody-at-all"), "no entity with id"),
        (("entry", "ofac-sdn", "99999"), "no entry '99999' in list 'ofac-sdn'"),
        (("entry", "ofac", "24838"), "no list 'ofac'; the lists are ofac-sdn"),
        (("search", "li shangfu", "--list", "ofac"), "no list 'ofac'; the lists are ofac-sdn"),
    ],
)
def test_an_error_under_json_is_a_json_object_on_stdout(lookup, args, says):
    """A script reading stdout gets an answer, not nothing: the error and its exit code,
    with the same one line on stderr as without --json."""
    result = lookup(*args, "--json")
    assert result.code == 1
    answer = json.loads(result.out)
    assert set(answer) == {"error", "exit_code"} and answer["exit_code"] == 1
    assert answer["error"].startswith(says)
    assert result.err_lines == [f"refdb: {answer['error']}"]


# --------------------------------------------------------------------------- holders


def test_holders_of_secretary_of_defense_in_july_2023(lookup):
    result = lookup("holders", "Secretary of Defense", "--on", "2023-07-12", "--json")
    assert result.code == 0, result.err
    answers = json.loads(result.out)
    assert [a["person"] for a in answers] == ["Lloyd Austin"]
    assert {"person_id", "person", "certain", "tenure"} <= set(answers[0])
    assert answers[0]["tenure"]["post"] == "Secretary of Defense"


def test_holders_honours_partial_dates(lookup):
    answers = json.loads(lookup("holders", "minister of national defense", "--on", "2023", "--json").out)
    assert [a["person"] for a in answers] == ["Li Shangfu"]


def test_holders_prints_a_table_for_people(lookup):
    result = lookup("holders", "Secretary of Defense", "--on", "2023-07-12")
    assert result.code == 0
    assert "Lloyd" in result.out and "2021-01-22" in result.out


def test_holders_nobody_exits_1_with_a_one_line_reason_however_long(lookup):
    post = "Chief Inspector of Lighthouses and Harbour Beacons of the Northern Isles"
    result = lookup("holders", post, "--on", "2023-07-12", "--json")
    assert result.code == 1
    assert json.loads(result.out) == []
    _one_line_reason(result, post)


def test_holders_with_a_bad_date_exits_2(lookup):
    result = lookup("holders", "Secretary of Defense", "--on", "2023-13")
    assert result.code == 2
    assert result.out == ""
    _one_line_reason(result, "2023-13")


def test_holders_without_a_date_is_bad_usage(lookup):
    result = lookup("holders", "Secretary of Defense")
    assert result.code == 2
    assert "--on" in result.err


# --------------------------------------------------------------------------- sanctions, entry


def test_sanctions_of_an_entity(lookup):
    result = lookup("sanctions", "--entity", "li-shangfu", "--json")
    assert result.code == 0, result.err
    [entry] = json.loads(result.out)
    assert {"list", "record_id", "authority", "programs", "listed_on", "status", "links"} <= set(entry)
    assert (entry["record_id"], entry["status"]) == ("24838", "active")
    assert [(k["entity"], k["status"]) for k in entry["links"]] == [("Li Shangfu", "confirmed")]


def test_sanctions_by_program_and_date(lookup):
    entries = json.loads(
        lookup("sanctions", "--program", "CAATSA - RUSSIA", "--active-on", "2023-07", "--json").out
    )
    assert {e["record_id"] for e in entries} == {"24837", "24838"}
    before = lookup("sanctions", "--active-on", "2018-09-19", "--json")
    assert before.code == 1
    assert json.loads(before.out) == []
    _one_line_reason(before)


def test_sanctions_cut_by_the_limit_say_how_many_there_are(lookup):
    cut = lookup("sanctions", "--program", "CAATSA - RUSSIA", "--limit", "1", "--json")
    assert cut.code == 0, cut.err
    assert len(json.loads(cut.out)) == 1
    assert cut.err_lines == ["showing 1 of 2 entries (--offset for more)"]
    assert lookup("sanctions", "--program", "CAATSA - RUSSIA", "--limit", "2").err_lines == []


def test_sanctions_page_on_with_offset_as_the_listings_do(lookup):
    # `refdb officials`, `links` and `posts` page with --offset; `sanctions` had only
    # --limit, so the 1,001st OFAC entry was out of reach but by printing all before it.
    both = json.loads(lookup("sanctions", "--program", "CAATSA - RUSSIA", "--json").out)
    second = lookup("sanctions", "--program", "CAATSA - RUSSIA", "--limit", "1", "--offset", "1", "--json")
    assert second.code == 0, second.err
    assert json.loads(second.out) == both[1:]
    assert second.err_lines == ["showing 2-2 of 2 entries"]


def test_sanctions_with_a_bad_date_exits_2(lookup):
    result = lookup("sanctions", "--active-on", "20230712")
    assert result.code == 2
    _one_line_reason(result, "20230712")


def test_entry_shows_one_published_record(lookup):
    result = lookup("entry", "ofac-sdn", "24838", "--json")
    assert result.code == 0, result.err
    entry = json.loads(result.out)
    assert (entry["name"], entry["listed_on"]) == ("LI, Shangfu", "2018-09-20")
    assert entry["names"] and entry["links"]
    shown = lookup("entry", "ofac-sdn", "24838").out
    assert "nationalities: China\n" in shown and "birth dates: 1958-02\n" in shown, "not ['China']"
    missing = lookup("entry", "ofac-sdn", "99999")
    assert missing.code == 1
    _one_line_reason(missing, "99999")


# --------------------------------------------------------------------------- every command


def _leaf_commands(command, path=()):
    # list_commands/get_command, not .commands: refdb's top-level group loads its commands lazily.
    if not hasattr(command, "list_commands"):
        yield path
        return
    context = typer.Context(command)
    for name in command.list_commands(context):
        yield from _leaf_commands(command.get_command(context, name), (*path, name))


COMMANDS = sorted(_leaf_commands(typer.main.get_command(app)))


def _groups(command, path=()):
    if not hasattr(command, "list_commands"):
        return
    if path:
        yield path
    context = typer.Context(command)
    for name in command.list_commands(context):
        yield from _groups(command.get_command(context, name), (*path, name))


GROUPS = sorted(_groups(typer.main.get_command(app)))


def test_the_command_tree_is_what_the_readme_documents():
    names = {" ".join(path) for path in COMMANDS}
    for command in ("search", "show", "holders", "sanctions", "entry", "seed", "init"):
        assert command in names
    for command in ("db current", "db check", "db upgrade", "db downgrade"):
        assert command in names


@pytest.mark.parametrize("path", COMMANDS + GROUPS, ids=[" ".join(p) for p in COMMANDS + GROUPS])
def test_every_command_has_help_with_an_example(refdb, path):
    # Groups too: `refdb screen --help` is what a newcomer types to learn `refdb screen
    # FILE`; it listed the subcommands only, with no example.
    result = refdb(*path, "--help")
    assert result.code == 0, result.err
    text = " ".join(result.out.split())
    assert "Example" in text, f"`refdb {' '.join(path)} --help` shows no example"
    assert f"refdb {path[0]} " in text.split("Example", 1)[1], "an example of the command itself"


@pytest.mark.parametrize(
    "path", [(), *GROUPS, *COMMANDS], ids=["refdb", *(" ".join(p) for p in GROUPS + COMMANDS)]
)
def test_help_labels_values_in_words_and_flags_not_at_all(refdb, path):
    """Typer labelled every flag `<bool>` (a flag takes no value), text `<str>`, and wrote
    a required argument `{query}`."""
    shown = refdb(*path, "--help").out
    assert not re.findall(r"<(?:bool|str|int|float|path|file|list)\b[^>]*>|\{\w+\}", shown), shown


def test_search_help_reads_as_a_command_line_does(refdb, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    shown = refdb("search", "-h").out
    rows = [line.strip("│ ").split()[:3] for line in shown.splitlines() if line.startswith(("│ -", "│ *"))]
    assert "Usage: refdb search [OPTIONS] QUERY" in shown
    assert ["*", "QUERY", "TEXT"] in rows
    assert ["--limit", "INTEGER", "[1<=x<=1000]"] in rows
    assert ["--json", "Print", "JSON"] in rows, "a flag: no value to name"
    assert ["--help", "-h", "Show"] in rows


def _value_words(shown):
    """Each option's row in --help: the option and the word that names its value."""
    rows = (line.strip("│ ").removeprefix("* ").split() for line in shown.splitlines())
    return {row[0]: row[1] for row in rows if len(row) > 1 and row[0].startswith("--")}


DATE_OPTIONS = re.compile(r"--(on|since|as-of|birth-date|[a-z-]+-on)$")  # by name: a new one counts too
FORMS = {
    ("search", "--nationality"): "CC",
    ("officials", "--country"): "CC",
    ("posts", "--country"): "CC",
    ("audit", "--anchor"): "ID:HASH",
    ("log", "verify", "--anchor"): "ID:HASH",
    ("import", "--position"): "QID",
    ("import", "--url"): "URL",
    ("screen", "decide", "--record"): "RECORD",
}


def test_dates_and_codes_are_named_by_their_form_in_help(refdb, monkeypatch):
    """Typer named every one TEXT: `--in-office-on TEXT` said nothing of 2023 or 2023-05,
    `--country TEXT` nothing of cn."""
    monkeypatch.setenv("COLUMNS", "100")
    shown = {path: _value_words(refdb(*path, "--help").out) for path in COMMANDS + GROUPS}
    dates = {(*path, option): word for path, rows in shown.items() for option, word in rows.items()}
    dates = {key: word for key, word in dates.items() if DATE_OPTIONS.match(key[-1])}
    assert len(dates) >= 10, dates
    # --as-of takes a day: the confirmation date of what an import lists as held.
    assert {key: word for key, word in dates.items() if word != "YYYY[-MM[-DD]]"} == {
        ("import", "--as-of"): "YYYY-MM-DD"
    }
    assert {key: shown[key[:-1]][key[-1]] for key in FORMS} == FORMS


def _command(path):
    command = typer.main.get_command(app)
    for name in path:
        command = command.get_command(typer.Context(command), name)
    return command


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_help_prose_fits_an_80_column_terminal(path):
    # Typer keeps a docstring's line breaks after its first paragraph: a line longer
    # than the terminal wraps there, and the break after it leaves a ragged stub.
    paragraphs = (_command(path).help or "").split("\n\n")[1:]
    long = [line for paragraph in paragraphs for line in paragraph.splitlines()[:-1] if len(line) > 78]
    assert not long, f"`refdb {' '.join(path)} --help`: lines over 78 characters: {long}"


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_a_commands_summary_is_one_line(path):
    # The group's --help lists each command by its first paragraph and keeps its line
    # breaks: a summary over two docstring lines shows as rows cut mid-sentence.
    summary = (_command(path).help or "").strip().split("\n\n")[0]
    assert "\n" not in summary, f"`refdb {' '.join(path[:-1])} --help` cuts the summary of {path[-1]}"


CHOICES = [
    (("search",), "--kind", TARGET_KINDS),
    (("links",), "--status", LINK_STATUSES),
    (("links",), "--basis", LINK_BASES),
    (("merges",), "--status", (*MERGE_STATUSES, "all")),
]


@pytest.mark.parametrize(("path", "option", "values"), CHOICES, ids=[f"{c[0][0]} {c[1]}" for c in CHOICES])
def test_an_options_help_names_every_value_it_takes(refdb, path, option, values):
    # The vocabulary, not a hand-typed copy: `--kind unknown` was accepted but not named.
    lines = refdb(*path, "--help").out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"│ {option} "))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(("│ -", "╰")))
    help_text = " ".join(lines[start:end])
    assert [value for value in values if value not in help_text] == []


def test_listing_commands_take_the_shared_output_flags(lookup):
    holders = lookup("holders", "secretary of state", "--on", "2022", "--csv")
    assert holders.code == 0, holders.err
    assert holders.out.splitlines()[0] == "person,id,post,term"
    assert "Antony Blinken" in holders.out
    entries = [
        json.loads(line) for line in lookup("sanctions", "--entity", "li-shangfu", "--nl").out.splitlines()
    ]
    assert [(e["list"], e["record_id"]) for e in entries] == [("ofac-sdn", "24838")]
    hits = lookup("search", "li shangfu", "--csv").out.splitlines()
    assert hits[0] == "score,type,id,name,kind,matched as,list record,role"
    assert "sanctioned: ofac-sdn 24838 (confirmed)" in hits[1]
