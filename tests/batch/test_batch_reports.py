"""SARIF (validated against the SARIF 2.1.0 schema), GitHub annotations, text summary."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from batch_support import Runner, write_jsonl

from replylint.formats.github import command, escape_data, escape_property

# The SARIF 2.1.0 schema (rtm.5, the revision GitHub code scanning validates against),
# as shipped in the npm package @microsoft/jest-sarif 1.0.0-beta.0 (MIT),
# lib/schemas/sarif-2.1.0-rtm.5.json.
SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")


@pytest.fixture
def tree(team: Path) -> Path:
    # 🙂 is two UTF-16 code units: columns after it differ from code points.
    (team / "emoji.txt").write_text("Thanks 🙂 kindly wait.\n", encoding="utf-8")
    (team / "doc.md").write_text(
        "---\nchannel: chat\n---\n> Where is my parcel?\nIt left today.\nKindly check later.\n",
        encoding="utf-8",
    )
    write_jsonl(
        team / "export.jsonl",
        [{"id": "a1", "text": "Fine."}, {"id": "a2", "text": "As per our policy, kindly wait."}],
    )
    (team / "bad.jsonl").write_text("{oops\n", encoding="utf-8")
    (team / "templates").mkdir()
    text = "Hi {{name}}, your refund was sent today and reaches your card within five days."
    (team / "templates" / "one.md").write_text(f"---\nsaved_reply: One\n---\n{text}\n", "utf-8")
    (team / "templates" / "two.md").write_text(
        f"---\nsaved_reply: Two\nfaq: [refund]\n---\n{text} Thanks!\n", "utf-8"
    )
    return team


def test_sarif_is_valid_and_points_at_the_text(tree: Path, run: Runner) -> None:
    proc = run("check", ".", "--format", "sarif", "--output", "out.sarif", cwd=tree)
    assert proc.returncode == 2, proc.stderr  # bad.jsonl: an input error
    log = json.loads((tree / "out.sarif").read_text("utf-8"))
    jsonschema.validate(log, json.loads(SCHEMA.read_text("utf-8")), cls=jsonschema.Draft4Validator)
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "replylint" and driver["version"]
    assert "informationUri" not in driver  # no docs_url configured: no page to point at
    rules = {rule["id"]: rule for rule in driver["rules"]}
    acme = rules["acme-words"]
    assert acme["defaultConfiguration"]["level"] == "error"
    assert acme["shortDescription"]["text"] and acme["help"]["markdown"].startswith("# acme-words")
    assert {"library:near-duplicate", "library:missing-faq"} <= set(rules)
    results = run_["results"]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"]["replylintFinding/v1"]

    def located(uri: str) -> list[dict]:
        return [
            r
            for r in results
            if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri
        ]

    (emoji,) = located("emoji.txt")
    location = emoji["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    # "kindly" starts at code point 10, UTF-16 column 11 (after the emoji).
    assert location["region"] == {"startLine": 1, "startColumn": 11, "endLine": 1, "endColumn": 17}
    assert emoji["level"] == "error"
    (doc,) = located("doc.md")
    assert doc["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    records = located("export.jsonl")
    assert {r["properties"]["recordId"] for r in records} == {"a2"}
    assert {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in records} == {2}
    assert all(r["message"]["text"].endswith("[record a2]") for r in records)
    (duplicate,) = [r for r in results if r["ruleId"] == "library:near-duplicate"]
    assert duplicate["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "templates/one.md"
    )
    missing = [r for r in results if r["ruleId"] == "library:missing-faq"]
    assert [m["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for m in missing] == [
        "templates/one.md"
    ]
    (invocation,) = run_["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad.jsonl"


def test_sarif_fingerprints_survive_unrelated_edits(tree: Path, run: Runner) -> None:
    def prints() -> set[str]:
        proc = run("check", "emoji.txt", "export.jsonl", "--format", "sarif", cwd=tree)
        log = json.loads(proc.stdout)
        return {r["partialFingerprints"]["replylintFinding/v1"] for r in log["runs"][0]["results"]}

    before = prints()
    (tree / "emoji.txt").write_text("A new first line.\n\nThanks 🙂 kindly wait.\n", "utf-8")
    write_jsonl(
        tree / "export.jsonl",
        [{"id": "new", "text": "Hello."}, {"id": "a2", "text": "As per our policy, kindly wait."}],
    )
    assert prints() == before


def test_github_annotations(tree: Path, run: Runner) -> None:
    proc = run("check", ".", "--format", "github", cwd=tree)
    assert proc.returncode == 2
    lines = proc.stdout.splitlines()
    assert (
        "::error file=emoji.txt,line=1,col=10,endLine=1,endColumn=16,"
        "title=replylint acme-words::Avoid 'kindly'." in lines
    )
    assert (
        "::error file=export.jsonl,line=2,title=replylint acme-words::"
        "[record a2] Avoid 'kindly'." in lines
    )
    assert any(
        line.startswith("::error file=bad.jsonl,line=1,title=replylint input error::")
        for line in lines
    )
    assert any(
        line.startswith(
            "::notice file=templates/two.md,line=1,title=replylint library%3Anear-duplicate::"
        )
        for line in lines
    )
    assert lines[-1].startswith("replylint: ")


def test_github_escaping() -> None:
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("warning", "x", file="a,b:c.txt", line=3, col=None) == (
        "::warning file=a%2Cb%3Ac.txt,line=3::x\n"
    )


def test_text_summary_table_and_library_lines(tree: Path, run: Runner) -> None:
    proc = run("check", ".", cwd=tree)
    out = proc.stdout.splitlines()
    header = out.index("rule        findings")
    assert out[header + 1].split() == ["acme-words", "4"]
    assert "templates/two.md: library near-duplicate of templates/one.md (similarity " in (
        proc.stdout
    )
    assert "templates/one.md: library missing-faq: saved reply 'One' declares no `faq`" in out
    assert out[-1] == ("6 replies checked: 4 errors; 1 near-duplicate saved reply; 1 input error")
    single = run("check", "emoji.txt", cwd=tree)
    assert "findings" not in single.stdout  # one reply: no table


def test_json_library_section(tree: Path, run: Runner) -> None:
    proc = run("check", "templates", "--format", "json", cwd=tree)
    data = json.loads(proc.stdout)
    assert list(data) == ["version", "results", "errors", "summary", "library"]
    (pair,) = data["library"]["near_duplicates"]
    assert pair["a"] == {"path": "templates/one.md", "id": None}
    assert pair["b"] == {"path": "templates/two.md", "id": None}
    assert pair["similarity"] == 0.92  # 12 of 13 word 3-grams shared
    assert data["library"]["missing_faq"] == [
        {"path": "templates/one.md", "id": None, "saved_reply": "One"}
    ]


def _offset(text: str, line: int, utf16_column: int) -> int:
    """A SARIF (line, UTF-16 column) position as an offset into `text`."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    units = 0
    offset = start
    while units < utf16_column - 1:
        units += 2 if ord(text[offset]) > 0xFFFF else 1
        offset += 1
    return offset


def test_sarif_fixes_replace_regions_of_a_document(tmp_path: Path, run: Runner) -> None:
    """Applying a result's `fixes` to the file gives the text the JSON fix gives;
    a collection record (its text escaped inside the file) gets no `fixes`."""
    source = (
        "---\nchannel: public\nagent: Marie\n---\n"
        "Thanks 🙂 for waiting! Your number 06 12 34 56 78 is on file.\n"
    )
    (tmp_path / "doc.md").write_text(source, encoding="utf-8")
    write_jsonl(
        tmp_path / "export.jsonl",
        [{"id": "r1", "channel": "public", "agent": "Marie", "text": "Call 06 12 34 56 78."}],
    )
    sarif = run("check", "doc.md", "export.jsonl", "--format", "sarif", cwd=tmp_path)
    report = run("check", "doc.md", "--format", "json", cwd=tmp_path)
    log = json.loads(sarif.stdout)
    jsonschema.validate(log, json.loads(SCHEMA.read_text("utf-8")), cls=jsonschema.Draft4Validator)
    results = log["runs"][0]["results"]
    in_doc = [
        r
        for r in results
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "doc.md"
    ]
    expected = {f["rule"]: f["fixes"] for f in json.loads(report.stdout)["results"][0]["findings"]}
    assert {r["ruleId"] for r in in_doc} == {"sensitive-in-private", "signature-present"}
    for result in in_doc:
        (fix,) = result["fixes"]
        (json_fix,) = expected[result["ruleId"]]
        assert fix["description"]["text"] == json_fix["title"]
        (change,) = fix["artifactChanges"]
        assert change["artifactLocation"]["uri"] == "doc.md"
        fixed = source
        for replacement in reversed(change["replacements"]):
            region = replacement["deletedRegion"]
            start = _offset(fixed, region["startLine"], region["startColumn"])
            end = _offset(fixed, region["endLine"], region["endColumn"])
            fixed = fixed[:start] + replacement["insertedContent"]["text"] + fixed[end:]
        applied = source
        for edit in reversed(json_fix["edits"]):
            applied = applied[: edit["start"]] + edit["text"] + applied[edit["end"] :]
        assert fixed == applied != source
    in_export = [r for r in results if r["properties"].get("recordId") == "r1"]
    assert in_export and all("fixes" not in r for r in in_export)
