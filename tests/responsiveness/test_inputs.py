"""Each kind of export is read, bad rows are reported with their line, and files that
cannot be an export are refused with an error naming them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import duckdb
import pytest

from replylint.inputs.conversations import ExportError, FieldNames, load_exports, new_database
from replylint.responsiveness.command import main

from .conftest import write_jsonl

# c1: answered in 180 s, then in 1,200 s; c2: never answered. Median 690 s.
LOG = [
    {"conversation": "c1", "id": "1", "time": "2024-05-02T10:00:00+00:00", "role": "customer",
     "text": "My parcel is late", "brand": "Acme"},
    {"conversation": "c1", "id": "2", "time": "2024-05-02T12:03:00+02:00", "role": "agent",
     "text": "Sorry about that, checking now. - Marie", "brand": "Acme"},
    {"conversation": "c1", "id": "3", "time": 1714644600, "role": "customer",
     "text": "Any news?", "brand": "Acme"},
    {"conversation": "c1", "id": "4", "time": "2024-05-02T10:30:00Z", "role": "agent",
     "text": "It ships today.", "agent": "Tom", "brand": "Acme"},
    {"conversation": "c2", "id": "5", "time": "2024-05-02T11:00:00+00:00", "role": "customer",
     "text": "Hello?", "brand": "Acme"},
    {"conversation": "c2", "id": "6", "time": "2024-05-02T11:01:00+00:00", "role": "bot",
     "text": "Auto reply", "brand": "Acme"},
    {"conversation": "c2", "id": "7", "time": "2024-05-02 11:02:00", "role": "agent",
     "text": "No offset", "brand": "Acme"},
]  # fmt: skip


def analysed(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "out.json"
    assert main([*args, "-o", str(out)]) == 0
    return json.loads(out.read_text("utf-8"))


def assert_log_figures(report: dict) -> None:
    assert report["customer_messages"] == 3
    assert report["answered"] == 2
    assert report["unanswered"] == 1
    assert report["response_time_s"]["median"] == 690
    assert report["within_target"]["count"] == 1
    agents = {(a["brand"], a["agent"]) for a in report["by_agent"]}
    assert agents == {("Acme", "-Marie"), ("Acme", "Tom")}


def test_generic_jsonl_reports_bad_rows_by_line(tmp_path: Path) -> None:
    report = analysed(tmp_path, str(write_jsonl(tmp_path / "log.jsonl", LOG)))
    assert_log_figures(report)
    reasons = {row["line"]: row["reason"] for row in report["skipped_rows"]}
    assert set(reasons) == {6, 7}
    assert "neither customer nor agent" in reasons[6]
    assert "no UTC offset" in reasons[7]


def test_generic_csv_with_mapped_columns(tmp_path: Path) -> None:
    lines = ["thread,msg,sent_at,who,body,agent,brand"]
    for r in LOG:
        lines.append(
            f'{r["conversation"]},{r["id"]},{r["time"]},{r["role"]},"{r["text"]}",'
            f"{r.get('agent', '')},{r['brand']}"
        )
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fields = ["conversation=thread", "id=msg", "time=sent_at", "role=who", "text=body"]
    report = analysed(tmp_path, str(path), *(f"--field={f}" for f in fields))
    assert_log_figures(report)
    assert [row["line"] for row in report["skipped_rows"]] == [7, 8]


def test_generic_parquet(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "log.jsonl", LOG[:5])
    path = tmp_path / "log.parquet"
    duckdb.sql(
        f"COPY (SELECT conversation, id, CAST(time AS VARCHAR) AS time, role, text, agent, brand"
        f" FROM read_json('{source}', columns = {{conversation: 'VARCHAR', id: 'VARCHAR',"
        f" time: 'VARCHAR', role: 'VARCHAR', text: 'VARCHAR', agent: 'VARCHAR',"
        f" brand: 'VARCHAR'}})) TO '{path}' (FORMAT parquet)"
    )
    assert_log_figures(analysed(tmp_path, str(path)))


TWCS = """tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
1.0,501,True,Mon Oct 30 10:00:00 +0000 2017,@AcmeHelp my order?,"2,3",
2.0,AcmeHelp,False,Mon Oct 30 10:02:00 +0000 2017,@501 Looking into it ^JK,,1.0
3.0,AcmeHelp,False,Mon Oct 30 10:01:00 +0000 2017,@501 On it *ALA,,1.0
4.0,502,True,Mon Oct 30 11:00:00 +0000 2017,@AcmeHelp hello,99,
5.0,503,True,not a date,@AcmeHelp broken,,
"""


def test_twcs_without_index_column_and_float_ids(tmp_path: Path) -> None:
    path = tmp_path / "twcs.csv"
    path.write_text(TWCS, encoding="utf-8")
    report = analysed(tmp_path, str(path))
    # tweet 1 is answered by its earliest direct reply (tweet 3, 60 s); tweet 4 names
    # reply 99, which the file does not hold.
    assert report["customer_messages"] == 2
    assert report["answered"] == 1
    assert report["response_time_s"]["median"] == 60
    assert report["reply_not_in_export"] == 1
    assert [(a["agent"], a["answered"]) for a in report["by_agent"]] == [("*ALA", 1)]
    assert [b["brand"] for b in report["by_brand"]] == ["AcmeHelp"]
    assert [row["line"] for row in report["skipped_rows"]] == [6]


def test_twcs_named_replies_written_as_floats_with_spaces(tmp_path: Path) -> None:
    # Tweet 10 names 11 (the customer's own follow-up, in the file) and 12 (not in
    # it); tweet 13 names only 11. Only tweet 10 names a reply the export lacks.
    path = tmp_path / "twcs.csv"
    path.write_text(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        '10.0,601,True,Tue Oct 31 09:00:00 +0000 2017,@AcmeHelp first," 11.0, 12 ",\n'
        "11.0,601,True,Tue Oct 31 09:05:00 +0000 2017,@AcmeHelp again,,10.0\n"
        "13.0,602,True,Tue Oct 31 09:10:00 +0000 2017,@AcmeHelp hi,11.0,\n",
        encoding="utf-8",
    )
    report = analysed(tmp_path, str(path))
    assert report["customer_messages"] == 3
    assert report["answered"] == 0
    assert report["reply_not_in_export"] == 1


def facebook_thread(page: str) -> dict:
    # Facebook lists the newest message first and escapes UTF-8 bytes as latin-1.
    return {
        "participants": [{"name": page}, {"name": "Jean Dupont"}],
        "messages": [
            {"sender_name": page, "timestamp_ms": 1714644240000,
             "content": "Merci, je regarde.\n– Marie"},
            {"sender_name": "Jean Dupont", "timestamp_ms": 1714644000000,
             "content": b"Ma commande est en retard".decode("latin-1")},
            {"sender_name": "Jean Dupont", "content": "no time"},
        ],
        "thread_path": "inbox/jeandupont_abc",
    }  # fmt: skip


def assert_facebook_figures(report: dict) -> None:
    assert report["customer_messages"] == 1
    assert report["response_time_s"]["median"] == 240
    assert [b["brand"] for b in report["by_brand"]] == ["Acme Page"]
    assert [a["agent"] for a in report["by_agent"]] == ["-Marie"]
    assert "no timestamp_ms" in report["skipped_rows"][0]["reason"]


def test_facebook_folder_zip_and_single_file(tmp_path: Path) -> None:
    thread = tmp_path / "export" / "messages" / "inbox" / "jeandupont_abc"
    thread.mkdir(parents=True)
    single = thread / "message_1.json"
    single.write_text(json.dumps(facebook_thread("Acme Page")), encoding="utf-8")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(single, "messages/inbox/jeandupont_abc/message_1.json")
    for path in (tmp_path / "export", archive, single):
        assert_facebook_figures(analysed(tmp_path, str(path), "--page", "Acme Page"))


def test_facebook_export_needs_the_page_name(tmp_path: Path) -> None:
    path = tmp_path / "message_1.json"
    path.write_text(json.dumps(facebook_thread("Acme Page")), encoding="utf-8")
    with pytest.raises(ExportError, match=r"--page NAME \(participants: Acme Page, Jean"):
        load_exports(new_database(), [path])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty export"),
        ("header.csv", b"conversation,id,time,role,text\n", "empty export"),
        ("latin1.jsonl", '{"text": "café"}\n'.encode("latin-1"), "not UTF-8 text"),
        ("latin1.csv", TWCS.replace("hello", "héllo").encode("latin-1"), "not UTF-8 text"),
        ("notes.txt", b"hello", "not a conversation export"),
        ("other.csv", b"a,b\n1,2\n", "not a conversation log: expected the columns"),
        ("other.json", b'{"macros": []}', "not a Facebook messages export"),
        ("broken.parquet", b"PAR1 not really", "not a Parquet file"),
    ],
)
def test_files_that_are_not_exports_are_named_in_the_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and message in err
    assert "Traceback" not in err


def test_unknown_field_mapping_is_an_error() -> None:
    with pytest.raises(ExportError, match="expected FIELD=COLUMN"):
        FieldNames.mapped(["when=created"])
