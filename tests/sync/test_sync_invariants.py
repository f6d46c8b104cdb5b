"""DESIGN §6's invariants under random work: several laptops of one team edit one visit
offline, sync whole or in part, lose answers to their pushes and replay them; after every step
cursors only move forward and nothing is duplicated; at the end every replica equals the others
and every value anyone wrote is in the final state, superseded by a later write, or kept in a
conflict record."""

from __future__ import annotations

import json
import tempfile
import uuid
import warnings
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sync_helpers import PASSWORD, Bureau, Laptop, start_visit
from tests.server.conftest import postgres_admin_url

from fieldcheck.domain import checklist, observations, visits
from fieldcheck.models import Observation, OutboxOp
from fieldcheck.server.app import create_app
from fieldcheck.server.settings import Settings
from fieldcheck.store import open_store
from fieldcheck.sync.apply import cursor_of
from fieldcheck.sync.commands import connection_for, enroll
from fieldcheck.sync.engine import SyncEngine

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

DEVICES = 3
PLACES = ["一楼大厅", "二楼窗口", "三楼办公室", "东侧服务区"]
ANSWERS = ["yes", "no"]


def _new_pg_database() -> tuple[str, str]:
    admin_url = make_url(postgres_admin_url())
    name = f"fc_state_{uuid.uuid4().hex[:16]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name, admin_url.set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(name: str) -> None:
    engine = create_engine(make_url(postgres_admin_url()), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


class TeamOffline(RuleBasedStateMachine):
    backend = "sqlite"

    @initialize()
    def setup(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        root = Path(self.tmp.name)
        self.pg_database = _new_pg_database() if self.backend == "postgresql" else None
        url = self.pg_database[1] if self.pg_database else ""
        self.app = create_app(Settings(root / "server", url))
        self.client = TestClient(self.app, base_url="http://127.0.0.1")
        self.client.__enter__()
        self.bureau = Bureau(self.client, self.app)
        self.laptops: list[Laptop] = []
        for n in range(DEVICES):
            name = f"user{n}"
            self.bureau.add_user(name, name=f"检查员{n}")
            store = open_store(root / name)
            with store.write() as s:
                checklist.publish_shipped_templates(s)
            enroll(store, "http://127.0.0.1", name, PASSWORD, client=self.client)
            self.laptops.append(Laptop(store, self.bureau))
        self.visit_id = start_visit(self.laptops[0])
        with self.laptops[0].store.read() as s:
            template = checklist.template_of(s, visits.get_visit(s, self.visit_id))
            self.items = [i.key for i in template.items if i.type == "yes_no" and not i.visible_if][:2]
        for laptop in self.laptops:  # everyone starts from the same visit
            laptop.sync()
        self.laptops[0].sync()
        self.writes: list[tuple[str, Any]] = []  # (field, value) in the order they were made
        self.made_obs: set[str] = set()
        self.deleted_obs: set[str] = set()
        self.cursors = [0] * DEVICES

    def teardown(self) -> None:
        if hasattr(self, "laptops"):
            for laptop in self.laptops:
                laptop.store.close()
            self.client.__exit__(None, None, None)
            self.app.state.database.dispose()
            self.tmp.cleanup()
            if self.pg_database:
                _drop_pg_database(self.pg_database[0])

    # --- edits, offline ----------------------------------------------------------------

    @rule(d=st.integers(0, DEVICES - 1), place=st.sampled_from(PLACES))
    def change_place(self, d: int, place: str) -> None:
        with self.laptops[d].store.write() as s:
            if visits.get_visit(s, self.visit_id).place != place:
                visits.update_visit_details(s, self.visit_id, place=place)
                self.writes.append(("place", place))

    @rule(d=st.integers(0, DEVICES - 1), item=st.integers(0, 1), value=st.sampled_from(ANSWERS))
    def answer(self, d: int, item: int, value: str) -> None:
        key = self.items[item]
        with self.laptops[d].store.write() as s:
            if checklist.answers_of(s, self.visit_id).get(key) != value:
                checklist.answer_item(s, self.visit_id, key, value)
                self.writes.append((key, value))

    @rule(d=st.integers(0, DEVICES - 1), text=st.sampled_from(["窗口无人", "等候 35 分钟", "未亮证"]))
    def observe(self, d: int, text: str) -> None:
        with self.laptops[d].store.write() as s:
            self.made_obs.add(observations.add_observation(s, self.visit_id, text).id)

    @rule(d=st.integers(0, DEVICES - 1), pick=st.integers(0, 50))
    def delete_observation(self, d: int, pick: int) -> None:
        with self.laptops[d].store.write() as s:
            rows = observations.observations_of(s, self.visit_id)
            if rows:
                obs = rows[pick % len(rows)]
                observations.delete_observation(s, obs.id)
                self.deleted_obs.add(obs.id)

    # --- sync, whole and in part -------------------------------------------------------

    @rule(d=st.integers(0, DEVICES - 1))
    def sync(self, d: int) -> None:
        self.laptops[d].sync()

    @rule(d=st.integers(0, DEVICES - 1))
    def push_only(self, d: int) -> None:
        SyncEngine(self.laptops[d].store, self._conn(d)).push()

    @rule(d=st.integers(0, DEVICES - 1))
    def pull_only(self, d: int) -> None:
        SyncEngine(self.laptops[d].store, self._conn(d)).pull()

    @rule(d=st.integers(0, DEVICES - 1))
    def push_whose_answer_is_lost(self, d: int) -> None:
        store = self.laptops[d].store
        with store.read() as s:
            pending = list(s.scalars(select(OutboxOp.op_id).where(OutboxOp.status == "pending")))
        SyncEngine(store, self._conn(d)).push()
        with store.write() as s:  # as if the response never arrived: the ops stay pending
            s.query(OutboxOp).filter(OutboxOp.op_id.in_(pending)).update(
                {"status": "pending", "acked_version": None})

    @rule(d=st.integers(0, DEVICES - 1))
    def enrolled_again(self, d: int) -> None:
        # A new token for the same laptop (the old one stops working); its work carries on.
        store = self.laptops[d].store
        enroll(store, "http://127.0.0.1", f"user{d}", PASSWORD, client=self.client)

    def _conn(self, d: int) -> Any:
        return connection_for(self.laptops[d].store, client=self.client)

    # --- invariants after every step -----------------------------------------------------

    @invariant()
    @precondition(lambda self: hasattr(self, "laptops"))
    def cursors_only_move_forward(self) -> None:
        for d, laptop in enumerate(self.laptops):
            with laptop.store.read() as s:
                cursor = cursor_of(s)
            assert cursor >= self.cursors[d]
            self.cursors[d] = cursor

    @invariant()
    @precondition(lambda self: hasattr(self, "laptops"))
    def nothing_is_duplicated(self) -> None:
        for laptop in self.laptops:
            with laptop.store.read() as s:
                texts = s.scalars(select(Observation.id).where(Observation.visit_id == self.visit_id)).all()
            assert len(texts) == len(set(texts))
            assert set(texts) <= self.made_obs

    def check_convergence(self) -> None:
        for _ in range(2):
            for laptop in self.laptops:
                laptop.sync()
        exports = [laptop.export() for laptop in self.laptops]
        assert all(e == exports[0] for e in exports), "replicas differ after two full syncs"
        final = json.loads(exports[0])
        visit = next(v for v in final["visit"] if v["id"] == self.visit_id)
        answers = {a["item_key"]: a["value"] for a in final["answer"] if not a["deleted"]}
        state = {"place": visit["place"], **answers}
        kept = {(c["field"], json.dumps(v)) for c in final["conflict"]
                for v in (c["kept_value"], c["other_value"])}
        for n, (field, value) in enumerate(self.writes):
            later = any(f == field for f, _v in self.writes[n + 1:])
            assert state.get(field) == value or later or ("value" if field in self.items else field,
                                                          json.dumps(value)) in kept, (field, value)
        obs = {o["id"]: o for o in final["observation"]}
        assert set(obs) == self.made_obs  # every observation made, once
        assert all(obs[i]["deleted"] for i in self.deleted_obs)  # and no tombstone came back


class TeamOfflineTest(TeamOffline):
    def teardown(self) -> None:
        if hasattr(self, "laptops"):
            try:
                self.check_convergence()
            finally:
                super().teardown()


class TeamOfflineOnPostgres(TeamOfflineTest):
    backend = "postgresql"


for machine in (TeamOfflineTest, TeamOfflineOnPostgres):
    machine.TestCase.settings = settings(
        max_examples=4, stateful_step_count=12, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
test_team_offline = TeamOfflineTest.TestCase
test_team_offline_on_postgresql = TeamOfflineOnPostgres.TestCase
