"""Random sequences of writes through every door, as random actors, with the archive's promises
checked after each step (issue 25): the rules live in the core, so no door can break them.

Doors: the command line (import, add), web forms through the test client with CSRF (add,
edit, propose, accept, verify, extraction save), the JSON API with tokens (POST, PATCH,
attribution). Actors: a contributor and an editor (the command line is the home's admin).
After every step:
- no statement changed speaker unless an editor re-attributed it on purpose;
- no revision was lost (every earlier version is still there, unchanged);
- nothing the step did not mean to change was changed;
- a contributor's step never changed an archived statement;
- a refused step left the archive identical;
- no step created a speaker unless it said the speaker was new.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from hatsugen.core import Hatsugen
from hatsugen.web.app import create_app

from conftest import ADMIN, PASSWORD, SEO, Cli, form_fields, statement, write_jsonl

EXACT = ["mizuhara-aiko", "水原愛子", "Aiko Mizuhara", "@aiko_mizuhara", "seo-minjun", "서민준",
         "Seo Min-jun"]  # fmt: skip
FUZZY = ["水原", "みずはら", "Mizuhara", "Seo Min Jun", "서", "Minjun"]
NEW = ["霧島花", "Hana Kirishima", "森川蓮"]
SEEDS = [
    statement(),
    statement(id="seo-1", speaker=SEO, lang="ko", text="항구를 다시 열겠습니다.", role=None,
              translations=[{"lang": "en", "text": "We will reopen the port.", "by": "press"},
                            {"lang": "ja", "text": "港を再開します。", "by": "editor"},
                            {"lang": "zh", "text": "我们将重新开放港口。", "by": "machine"},
                            {"lang": "fr", "text": "Nous rouvrirons le port.", "by": "machine"}]),
    statement(id="mizuhara-2", text="公園を整備します。", translations=None,
              source={"url": "https://example.org/aozora/2"}),
]  # fmt: skip
# CI runs 200 sequences; a quick run 15 ($HATSUGEN_DOOR_SEQUENCES to choose).
EXAMPLES = int(os.environ.get("HATSUGEN_DOOR_SEQUENCES", 200 if os.environ.get("CI") else 15))


def _template() -> Path:
    """One home made once per test session; each sequence starts from a copy of it.

    Made with real randomness: Hypothesis seeds `random` alike for every sequence, and Whoosh
    names its segments with it, so an index made under that seed would meet its own segment
    names again in each copy."""
    kept = random.getstate()
    random.seed(os.urandom(16))
    try:
        return _make_template()
    finally:
        random.setstate(kept)


def _make_template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="doors-template-"))
    home = folder / "home"
    app = Hatsugen(home)
    app.import_files([str(write_jsonl(folder / "seeds.jsonl", SEEDS))], actor=ADMIN)
    secrets = {}
    for name, role in (("ed", "editor"), ("cora", "contributor")):
        app.accounts.add(name, role, PASSWORD)
        _, session, _ = app.accounts.sign_in(name, PASSWORD, "127.0.0.1")
        _, token = app.accounts.create_token(name)
        secrets[name] = (session, token)
    app.export(out := (folder / "export.json").open("w", encoding="utf-8"))
    out.close()
    app.close()
    (folder / "secrets.json").write_text(json.dumps(secrets), encoding="utf-8")
    return folder


_TEMPLATE: list[Path] = []


def snapshot(home: Path) -> dict:
    conn = sqlite3.connect(home / "archive.sqlite3")
    try:
        statements = {r[0]: (r[1], json.loads(r[2]), r[3]) for r in conn.execute(
            "SELECT id, speaker_id, record, version FROM statements")}  # fmt: skip
        revisions = {(r[0], r[1]): r[2] for r in conn.execute(
            "SELECT statement_id, version, record FROM revisions")}  # fmt: skip
        speakers = {r[0]: r[1] for r in conn.execute("SELECT id, data FROM speakers")}
        proposals = sorted(conn.execute("SELECT * FROM proposals").fetchall())
        return {"statements": statements, "revisions": revisions, "speakers": speakers,
                "proposals": proposals}  # fmt: skip
    finally:
        conn.close()


class Doors(RuleBasedStateMachine):
    counter = itertools.count()

    @initialize()
    def start(self) -> None:
        if not _TEMPLATE:
            _TEMPLATE.append(_template())
        template = _TEMPLATE[0]
        self.tmp = Path(tempfile.mkdtemp(prefix="doors-"))
        self.home = self.tmp / "home"
        shutil.copytree(template / "home", self.home)
        self.seeds = str(template / "seeds.jsonl")
        self.export = str(template / "export.json")
        self.cli = Cli(self.home)
        self.app = create_app({"HATSUGEN_HOME": str(self.home), "TESTING": True})
        secrets = json.loads((template / "secrets.json").read_text(encoding="utf-8"))
        self.web, self.csrf, self.api = {}, {}, {}
        for name, (session, token) in secrets.items():
            client = self.app.test_client()
            client.set_cookie("hatsugen_session", session)
            page = client.get("/add").get_data(as_text=True)
            self.csrf[name] = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            self.web[name] = client
            self.api[name] = {"Authorization": f"Bearer {token}"}
        self.state = snapshot(self.home)
        self.known = set(EXACT)  # names that are exact: the archive's, and those made since

    def teardown(self) -> None:
        if hasattr(self, "app"):
            self.app.extensions["hatsugen"].close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the promises --------------------------------------------------------------------
    def step(
        self,
        ok: bool,
        *,
        actor: str,
        target: str | None = None,
        fields: frozenset[str] = frozenset(),
        reattribute: bool = False,
        new_speaker: bool = False,
    ) -> None:
        """Check what the step that just ran did against what it meant to do."""
        before, after = self.state, snapshot(self.home)
        self.state = after
        if not ok:
            assert after == before, "a refused change changed the archive"
            return
        for key, record in before["revisions"].items():
            assert after["revisions"].get(key) == record, f"revision {key} lost or changed"
        for sid, (speaker, record, version) in before["statements"].items():
            assert sid in after["statements"], f"{sid} disappeared"
            now_speaker, now_record, now_version = after["statements"][sid]
            assert now_version >= version
            if now_version != version:
                assert (sid, version) in after["revisions"], f"{sid} v{version} not kept"
            if now_record == record:
                continue
            assert actor != "cora", f"a contributor's step changed archived {sid}"
            assert sid == target, f"{sid} changed by a step aimed at {target}"
            changed = {
                k for k in set(record) | set(now_record) if record.get(k) != now_record.get(k)
            }
            assert changed <= fields, f"{sid}: {sorted(changed - fields)} changed unasked"
            if now_speaker != speaker:
                assert reattribute and actor in ("ed", "admin"), f"{sid} changed speaker"
        created = set(after["speakers"]) - set(before["speakers"])
        assert not created or new_speaker, f"speakers {created} created unasked"

    def text(self) -> str:
        return f"発言その{next(self.counter)}。"

    def some_statement(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.state["statements"])))

    def version(self, sid: str) -> int:
        return self.state["statements"][sid][2]

    # -- the doors -----------------------------------------------------------------------
    @rule(actor=st.sampled_from(["ed", "cora"]), name=st.sampled_from(EXACT + FUZZY + NEW),
          new=st.booleans(), existing=st.booleans(),
          status=st.sampled_from(["unverified", "verified"]), data=st.data())  # fmt: skip
    def api_post(self, actor: str, name: str, new: bool, existing: bool, status: str,
                 data: st.DataObject) -> None:  # fmt: skip
        body: dict = {"speaker": name, "lang": "ja", "text": self.text(), "new_speaker": new}
        if existing:
            body["id"] = self.some_statement(data)
        if status == "verified":
            body["attribution"] = {"status": "verified", "evidence": [
                {"url": "https://example.org/video", "kind": "video"}]}  # fmt: skip
        sent = self.web[actor].post("/api/statements", json=body, headers=self.api[actor])
        assert sent.status_code in (201, 400, 403, 409), sent.get_data(as_text=True)
        if sent.status_code == 201:
            assert not existing, "POST replaced an archived statement"
            assert name in self.known or new, f"{name!r} taken for someone unasked"
            assert status == "unverified" or actor == "ed", "a contributor published a verdict"
        self.added(sent.status_code == 201, actor, name, new)

    def added(self, ok: bool, actor: str, name: str, new: bool) -> None:
        self.step(ok, actor=actor, new_speaker=new)
        if ok and new:
            self.known.add(name)

    @rule(actor=st.sampled_from(["ed", "cora"]), name=st.sampled_from(EXACT + FUZZY + NEW),
          new=st.booleans())  # fmt: skip
    def web_add(self, actor: str, name: str, new: bool) -> None:
        form = {"csrf_token": self.csrf[actor], "speaker": name, "lang": "ja",
                "text": self.text()}  # fmt: skip
        if new:
            form["new_speaker"] = "1"
        sent = self.web[actor].post("/add", data=form)
        assert sent.status_code in (302, 400), sent.get_data(as_text=True)
        assert sent.status_code == 400 or name in self.known or new
        self.added(sent.status_code == 302, actor, name, new)

    @rule(name=st.sampled_from(EXACT + FUZZY + NEW), new=st.booleans())
    def cli_add(self, name: str, new: bool) -> None:
        args = ["add", "--speaker", name, "--lang", "ja", "--text", self.text()]
        result = self.cli(*args, *(["--new-speaker"] if new else []))
        assert result.exit_code in (0, 2), result.output
        assert result.exit_code == 2 or name in self.known or new
        self.added(result.exit_code == 0, "admin", name, new)

    @rule(actor=st.sampled_from(["ed", "cora"]),
          field=st.sampled_from(["notes", "place", "translation"]), stale=st.booleans(),
          data=st.data())  # fmt: skip
    def web_edit(self, actor: str, field: str, stale: bool, data: st.DataObject) -> None:
        sid = self.some_statement(data)
        fields = form_fields(self.web["ed"].get(f"/s/{sid}/edit").get_data(as_text=True))
        if stale:
            fields["version"] = str(self.version(sid) - 1)
        fields.update(csrf_token=self.csrf[actor], reason="a change")
        value = f"value {next(self.counter)}"
        if field == "translation":
            row = next(i for i in itertools.count() if f"translation_{i}_text" not in fields
                       or not fields[f"translation_{i}_text"])  # fmt: skip
            fields.update({f"translation_{row}_lang": "de", f"translation_{row}_text": value,
                           f"translation_{row}_by": "machine"})  # fmt: skip
        else:
            fields[field] = value
        sent = self.web[actor].post(f"/s/{sid}/edit", data=fields)
        assert sent.status_code in (302, 403, 409), sent.get_data(as_text=True)[:500]
        changed = {"translations"} if field == "translation" else {field}
        self.step(sent.status_code == 302, actor=actor, target=sid, fields=frozenset(changed))

    @rule(other=st.sampled_from(["mizuhara-aiko", "seo-minjun"]), data=st.data())
    def web_reattribute(self, other: str, data: st.DataObject) -> None:
        """An editor's deliberate re-attribution: the one step that may change a speaker."""
        sid = self.some_statement(data)
        fields = form_fields(self.web["ed"].get(f"/s/{sid}/edit").get_data(as_text=True))
        fields.update(csrf_token=self.csrf["ed"], speaker=other, reason="re-attributed")
        sent = self.web["ed"].post(f"/s/{sid}/edit", data=fields)
        assert sent.status_code == 302, sent.get_data(as_text=True)[:500]
        self.step(True, actor="ed", target=sid, fields=frozenset({"speaker"}), reattribute=True)

    @rule(actor=st.sampled_from(["ed", "cora"]), stale=st.booleans(), data=st.data())
    def web_propose(self, actor: str, stale: bool, data: st.DataObject) -> None:
        sid = self.some_statement(data)
        fields = form_fields(self.web[actor].get(f"/s/{sid}/propose").get_data(as_text=True))
        if stale:
            fields["version"] = str(self.version(sid) - 1)
        fields.update(csrf_token=self.csrf[actor], notes=self.text(), reason="a proposal")
        sent = self.web[actor].post(f"/s/{sid}/propose", data=fields)
        assert sent.status_code in (302, 409), sent.get_data(as_text=True)[:500]
        assert sent.status_code == 409 or not stale
        self.step(sent.status_code == 302, actor=actor)

    @rule(actor=st.sampled_from(["ed", "cora"]), data=st.data())
    def web_accept(self, actor: str, data: st.DataObject) -> None:
        open_ = [p for p in self.state["proposals"] if p[7] == "open"]
        if not open_:
            return
        proposal = data.draw(st.sampled_from(open_))
        sid, based_on = proposal[1], proposal[2]
        sent = self.web[actor].post(f"/proposals/{proposal[0]}/accept",
                                    data={"csrf_token": self.csrf[actor]})  # fmt: skip
        assert sent.status_code in (302, 403, 409)
        if sent.status_code == 302:
            assert actor == "ed" and based_on == self.version(sid)
        self.step(sent.status_code == 302, actor=actor, target=sid, fields=frozenset({"notes"}))

    @rule(actor=st.sampled_from(["ed", "cora"]), stale=st.booleans(), data=st.data())
    def api_patch(self, actor: str, stale: bool, data: st.DataObject) -> None:
        sid = self.some_statement(data)
        version = self.version(sid) - (1 if stale else 0)
        sent = self.web[actor].patch(f"/api/statements/{sid}", json={"notes": self.text(),
                                     "reason": "r"}, headers={**self.api[actor],
                                     "If-Match": f'"{version}"'})  # fmt: skip
        assert sent.status_code in (200, 403, 412, 400)
        self.step(sent.status_code == 200, actor=actor, target=sid, fields=frozenset({"notes"}))

    @rule(actor=st.sampled_from(["ed", "cora"]), api=st.booleans(),
          status=st.sampled_from(["", "disputed", "misattributed"]), data=st.data())  # fmt: skip
    def verify(self, actor: str, api: bool, status: str, data: st.DataObject) -> None:
        sid = self.some_statement(data)
        url = f"https://example.org/check/{next(self.counter)}"
        if api:
            body = {
                "evidence": {"url": url, "kind": "fact_check"},
                **({"status": status} if status else {}),
            }
            sent = self.web[actor].post(f"/api/statements/{sid}/attribution", json=body,
                                        headers=self.api[actor])  # fmt: skip
            ok = sent.status_code == 200
        else:
            form = {"csrf_token": self.csrf[actor], "status": status, "evidence_url": url,
                    "evidence_kind": "fact_check", "actually_said_by": ""}  # fmt: skip
            sent = self.web[actor].post(f"/s/{sid}/verify", data=form)
            ok = sent.status_code == 302
        assert sent.status_code in (200, 302, 400, 403), sent.get_data(as_text=True)[:300]
        self.step(ok, actor=actor, target=sid, fields=frozenset({"attribution"}))

    @rule(actor=st.sampled_from(["ed", "cora"]), name=st.sampled_from(EXACT + FUZZY + NEW),
          aliases=st.booleans(), new=st.booleans())  # fmt: skip
    def extraction_save(self, actor: str, name: str, aliases: bool, new: bool) -> None:
        form = {"csrf_token": self.csrf[actor], "count": "1", "keep_0": "1", "speaker_0": name,
                "lang_0": "ja", "text_0": self.text()}  # fmt: skip
        if aliases:
            form["aliases_0"] = f"@alias{next(self.counter)}"
        if new:
            form["new_speaker_0"] = "1"
        sent = self.web[actor].post("/extract/save", data=form)
        assert sent.status_code in (200, 400, 403), sent.get_data(as_text=True)[:300]
        ok = sent.status_code == 200
        if ok:
            assert name in self.known or new, f"{name!r} taken for someone unasked"
            assert actor == "ed" or not aliases or new, "a contributor changed a speaker"
        self.added(ok, actor, name, new)

    @rule(which=st.sampled_from(["seeds", "export"]))
    def cli_import_old_copy(self, which: str) -> None:
        """The seed file or an early export, imported again: it never undoes later work."""
        path = self.seeds if which == "seeds" else self.export
        result = self.cli("import", path, "--skip-conflicts")
        assert result.exit_code == 0, result.output
        before = self.state
        self.step(True, actor="admin", fields=frozenset())
        assert self.state["statements"] == before["statements"]


Doors.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=8, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)  # fmt: skip
TestEveryDoorKeepsTheArchivesPromises = Doors.TestCase
