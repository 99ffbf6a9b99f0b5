"""Crash test (issue 10): the six processes under a load of submissions, acceptances, assignments,
answers and ratings through the gateway, while each process in turn is killed with SIGKILL (by its
PID) and restarted on the same store and ports. Afterwards every acknowledged request (a 2xx the
client received) is in its store, every event reached every consumer exactly once in effect (one
task per assigned unit, one ledger entry and one public record per item, figures equal to the
counts), huiyin-reconcile finds the ledger in agreement — and finds an edited one — and
huiyin-audit finds every event log intact, and an edited or deleted event at its sequence.

Clients retry what failed while a process was down: with the same requestId where the method has
one; a transition (acknowledge, review, sign, issue, evaluate) retried after it happened answers
409, and the client then reads whether it happened. Nothing here measures time: waits have
generous deadlines and the load is a fixed number of items per client.

    cd tests/python && /usr/bin/python3 -m unittest -v crash_test
(binaries from HUIYIN_*_BIN, as for gateway_e2e_test; HUIYIN_RECONCILE_BIN, HUIYIN_AUDIT_BIN).
"""

import http.client
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

from gateway_e2e_test import BUILD, DEADLINE, GatewayStack, query  # puts deploy/local on the path
import huiyin_client  # noqa: E402
from workflow_gateway_test import GOOD_ANSWER

RECONCILE_BIN = (os.environ.get("HUIYIN_RECONCILE_BIN") or
                 str(BUILD / "supervision" / "huiyin-reconcile"))
AUDIT_BIN = (os.environ.get("HUIYIN_AUDIT_BIN") or
             str(BUILD.parent / "common" / "events" / "huiyin-audit"))
BACKUP_BIN = (os.environ.get("HUIYIN_BACKUP_BIN") or
              str(BUILD.parent / "common" / "store" / "huiyin-backup"))

SESSION = "县第十八届人民代表大会第七次会议"
YEAR = 2026
CLIENTS = 4
MIN_ITEMS = 3    # per client, after every process was restarted
MAX_ITEMS = 12   # per client: bounds the test when kills come fast
STEP_TIMEOUT = 90  # one request may wait out a restart on a loaded machine
SETTLE_TIMEOUT = 90  # for the feeds to carry everything to every consumer at the end
KILL_ORDER = ("intake", "assignment", "workflow", "supervision", "disclosure", "gateway")
SERVICES = ("intake", "assignment", "workflow", "supervision", "disclosure")
RETRY_STATUSES = {429, 500, 502, 503, 504}  # a process was down or starting
OFFICE = ("persons/gov-c1", "ROLE_GOVERNMENT_OFFICE", "县政府办公室 钱峰")
CONGRESS = ("persons/cong-c1", "ROLE_CONGRESS_OFFICE", "县人大选联工委 孙敏")
SUPERVISOR = ("persons/sup-c1", "ROLE_SUPERVISION_OFFICE", "县政府督查室 周敏")
UNITS = {  # unit -> (head, deputy head, clerk)
    "units/housing-c": ("persons/hc-head", "persons/hc-deputy", "persons/hc-clerk"),
    "units/traffic-c": ("persons/tc-head", "persons/tc-deputy", "persons/tc-clerk"),
}
UNIT_NAMES = {"units/housing-c": "县住房和城乡建设局", "units/traffic-c": "县交通运输局"}


class Unacknowledged(Exception):
    pass


class Client:
    """One proposer's items carried through their whole life, every step retried until
    acknowledged; `acks` records each (operation, resource) a 2xx acknowledged."""

    def __init__(self, stack, number, unit, keep_going):
        self.stack, self.number, self.unit, self.keep_going = stack, number, unit, keep_going
        self.proposer = f"persons/p-crash-{number}"
        head, deputy, clerk = UNITS[unit]
        self.congress = stack.token(*CONGRESS)
        self.office = stack.token(*OFFICE)
        self.lead = stack.token(self.proposer, "ROLE_PROPOSER", name=f"代表{number}")
        self.clerk = stack.token(clerk, "ROLE_UNIT_CLERK", name="孙浩", unit=unit)
        self.deputy = stack.token(deputy, "ROLE_UNIT_DEPUTY_HEAD", name="钱丽", unit=unit)
        self.head = stack.token(head, "ROLE_UNIT_HEAD", name="赵国强", unit=unit)
        self.responsible = {"head": head, "headName": "赵国强", "deputyHead": deputy,
                            "deputyHeadName": "钱丽", "section": "办公室", "clerk": clerk,
                            "clerkName": "孙浩"}
        self.acks = []
        self.items = []
        self.error = None
        self.retries = 0
        self.confirmed = 0  # transitions whose acknowledgement was lost, found done on reading

    def run(self):
        try:
            while len(self.items) < MAX_ITEMS and (self.keep_going() or
                                                   len(self.items) < MIN_ITEMS):
                self.one_item(len(self.items))
        except Exception as e:  # reported by the test, with the logs
            self.error = e

    # ---- one request, retried while a process is down ----
    def call(self, method, path, body, token, done=None, not_ready=()):
        """Retries until a 2xx (recorded as acknowledged by the caller) or, for a transition
        retried after it happened, until `done()` confirms it. `not_ready`: statuses meaning
        "the feeds have not brought it yet" (retried too)."""
        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline:
            try:
                reply = self.stack.request(method, path, body, token=token, record=False)
            except (OSError, http.client.HTTPException):
                reply = None  # the gateway is down or was killed mid-request
            if reply is not None and 200 <= reply.status < 300:
                return reply.json(), True
            if reply is not None and reply.status == 409 and done is not None:
                found = done()
                if found:
                    self.confirmed += 1
                    return found, False  # it happened, the acknowledgement was lost
            if reply is not None and reply.status not in RETRY_STATUSES | set(not_ready) | {409}:
                raise AssertionError(f"{method} {path}: {reply.status} {reply.text()}")
            self.retries += 1
            time.sleep(0.2)
        raise Unacknowledged(f"{method} {path} not acknowledged in {STEP_TIMEOUT} s")

    def read(self, path, token):
        return self.call("GET", path, None, token, not_ready=(404,))[0]

    def ack(self, operation, name, acknowledged):
        if acknowledged:
            self.acks.append((operation, name))

    # ---- the life of an item ----
    def one_item(self, n):
        tag = f"c{self.number}-{n}-{uuid.uuid4().hex[:8]}"
        item, ok = self.call("POST", "/v1/items", {"requestId": f"submit-{tag}", "item": {
            "kind": "ITEM_KIND_SUGGESTION", "session": SESSION, "year": YEAR,
            "title": f"关于城区老旧小区加装电梯的建议（{tag}）",
            "body": "城区多层住宅老年人上下楼困难，建议简化加装电梯审批，明确财政补贴标准。",
            "category": "城乡建设", "channel": "CHANNEL_CONGRESS_SYSTEM",
            "leadProposer": {"person": self.proposer, "name": f"代表{self.number}",
                             "group": "城关镇代表团"}}}, self.congress)
        name = item["name"]
        self.ack("submit", name, ok)
        self.items.append(name)
        _, ok = self.call("POST", f"/v1/{name}:accept", {"requestId": f"accept-{tag}"},
                          self.congress)
        self.ack("accept", name, ok)
        # Assignment knows the item once intake's feed brought it: until then 404 or 409.
        _, ok = self.call("POST", "/v1/assignments", {"requestId": f"assign-{tag}", "plan": {
            "item": name, "mode": "ASSIGNMENT_MODE_SOLE",
            "units": [{"unit": self.unit, "role": "UNIT_ROLE_LEAD"}],
            "deadline": {"fixedDate": DEADLINE}}}, self.office, not_ready=(404, 409))
        self.ack("assign", name, ok)
        task = self.stack.wait_for(lambda: self.read(query("/v1/tasks", item=name),
                                                     self.clerk).get("tasks"),
                                   timeout=STEP_TIMEOUT)[0]["name"]
        _, ok = self.call("POST", f"/v1/{task}:acknowledge", {"responsible": self.responsible},
                          self.clerk, done=lambda: self.task_state(task) != "TASK_STATE_WAITING_ACKNOWLEDGEMENT")
        self.ack("acknowledge", task, ok)
        answer, ok = self.call("POST", f"/v1/{task}/answers", {
            "requestId": f"draft-{tag}", "answer": {
                "answerClass": "ANSWER_CLASS_A", "text": GOOD_ANSWER, "contactPerson": "孙浩",
                "contactPhone": "0731-5551234", "answerDate": "2026-11-23"}}, self.clerk)
        answer = answer["name"]
        self.ack("draft", answer, ok)
        for verb, body, token, after in (
                ("review", {"approve": True}, self.deputy, "ANSWER_STATE_REVIEWED"),
                ("sign", {}, self.head, "ANSWER_STATE_SIGNED"),
                ("issue", {}, self.clerk, "ANSWER_STATE_ISSUED")):
            _, ok = self.call("POST", f"/v1/{answer}:{verb}", body, token,
                              done=lambda after=after: self.answer_at_least(task, answer, after))
            self.ack(verb, answer, ok)
        _, ok = self.call("POST", f"/v1/{answer}:evaluate",
                          {"rating": "RATING_SATISFIED", "comment": "答复具体，已开工"}, self.lead,
                          done=lambda: self.answer(task, answer).get("evaluation"))
        self.ack("evaluate", answer, ok)

    def task_state(self, task):
        return self.read(f"/v1/{task}", self.clerk)["state"]

    def answer(self, task, answer):
        return next(a for a in self.read(f"/v1/{task}", self.clerk).get("answers", [])
                    if a["name"] == answer)

    def answer_at_least(self, task, answer, state):
        order = ["ANSWER_STATE_DRAFT", "ANSWER_STATE_REVIEWED", "ANSWER_STATE_SIGNED",
                 "ANSWER_STATE_ISSUED"]
        return order.index(self.answer(task, answer)["state"]) >= order.index(state)


def run_tool(argv, env=None):
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env)


class CrashTest(unittest.TestCase):
    """The load and the kills run once (setUpClass); the tests then check what they left, in
    the order of their names (test_4 edits copies of stores, test_3 supervision's store)."""

    @classmethod
    def setUpClass(cls):
        for binary in (RECONCILE_BIN, AUDIT_BIN, BACKUP_BIN):
            if not os.access(binary, os.X_OK):
                raise RuntimeError(f"no executable {binary}: build it or set HUIYIN_*_BIN")
        cls.stack = stack = GatewayStack()
        # Several clients share the offices' tokens: the rate limit is not under test here.
        stack.gateway_flags = ["--gateway.rate_limit_per_second=10000",
                               "--gateway.rate_limit_burst=10000"]
        stack.start()
        try:
            cls.office = stack.token(*OFFICE)
            cls.supervisor = stack.token(*SUPERVISOR)
            for unit, (head, deputy, clerk) in UNITS.items():
                stack.create_unit(unit, UNIT_NAMES[unit], "城乡建设", [
                    (head, "赵国强", "MEMBER_ROLE_HEAD", "办公室"),
                    (deputy, "钱丽", "MEMBER_ROLE_DEPUTY_HEAD", "办公室"),
                    (clerk, "孙浩", "MEMBER_ROLE_CLERK", "办公室")], cls.office)
            cls.kills = cls.load_while_killing()
            cls.settle()
            print(f"crash run: {len(cls.all_items())} items, "
                  f"{sum(len(c.acks) for c in cls.clients)} requests acknowledged, "
                  f"{sum(c.retries for c in cls.clients)} retries, "
                  f"{sum(c.confirmed for c in cls.clients)} found done after a lost "
                  f"acknowledgement, kills: {cls.kills}", file=sys.stderr)
        except Exception:
            logs = stack.logs()
            stack.stop()
            stack.remove()
            raise RuntimeError(f"the crash run failed; logs:\n{logs[-20000:]}")

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()
        cls.stack.remove()

    @classmethod
    def load_while_killing(cls):
        killing = threading.Event()
        killing.set()
        units = list(UNITS)
        cls.clients = [Client(cls.stack, n, units[n % len(units)], killing.is_set)
                       for n in range(CLIENTS)]
        threads = [threading.Thread(target=c.run) for c in cls.clients]
        for t in threads:
            t.start()
        kills = []
        try:
            for name in KILL_ORDER:
                cls.wait_for_progress(12)
                pid = getattr(cls.stack, name).pid
                cls.stack.restart(name, signal.SIGKILL)
                kills.append((name, pid))
        finally:
            killing.clear()
            for t in threads:
                t.join(timeout=len(KILL_ORDER) * STEP_TIMEOUT)
        for c in cls.clients:
            if c.error is not None:
                raise c.error
        return kills

    @classmethod
    def wait_for_progress(cls, requests):
        """Until the clients have had `requests` more acknowledged (so a kill lands mid-load)."""
        start = sum(len(c.acks) for c in cls.clients)
        deadline = time.monotonic() + STEP_TIMEOUT
        while sum(len(c.acks) for c in cls.clients) < start + requests:
            if time.monotonic() > deadline or all(c.error for c in cls.clients):
                return
            time.sleep(0.05)

    @classmethod
    def settle(cls):
        """Until supervision and disclosure have applied everything the owners did."""
        n = len(cls.all_items())

        def public_and_rated(record):
            return (record["state"] == "DISCLOSURE_STATE_PUBLISHED" and
                    all(a.get("rating") for a in record.get("answers", [])))

        def settled():
            records = cls.records()
            return (cls.figures()["rated"] == n and len(records) == n and
                    all(public_and_rated(r) for r in records))

        cls.stack.wait_for(settled, timeout=SETTLE_TIMEOUT)

    # ---- reading back through the API ----
    @classmethod
    def all_items(cls):
        return [i for c in cls.clients for i in c.items]

    @classmethod
    def pages(cls, path, field, token, **params):
        out, token_param = [], ""
        while True:
            reply = cls.stack.request("GET", query(path, pageSize=100, pageToken=token_param,
                                                   **params), token=token, record=False)
            assert reply.status == 200, reply
            body = reply.json()
            out += body.get(field, [])
            token_param = body.get("nextPageToken", "")
            if not token_param:
                return out

    @classmethod
    def figures(cls):
        reply = cls.stack.request("GET", query("/v1/figures", year=YEAR, session=SESSION),
                                  token=cls.supervisor, record=False)
        assert reply.status == 200, reply
        counts = (reply.json().get("rows") or [{}])[0].get("counts", {})
        return {k: int(counts.get(k, 0)) for k in ("assigned", "answered", "rated", "satisfied",
                                                   "closed", "classA")}

    @classmethod
    def records(cls):
        return cls.pages("/v1/disclosures", "disclosures", cls.office, session=SESSION)

    def get(self, path, token=None):
        reply = self.stack.request("GET", path, token=token or self.office, record=False)
        self.assertEqual(reply.status, 200, reply)
        return reply.json()

    def reconcile(self, *extra):
        s = self.stack
        env = dict(os.environ, HUIYIN_SERVER_INTERNAL_CREDENTIAL=s.credential)
        return run_tool([RECONCILE_BIN,
                         f"--supervision_address=127.0.0.1:{s.supervision_ports['grpc']}",
                         f"--supervision.intake_address=127.0.0.1:{s.intake_ports['grpc']}",
                         f"--supervision.assignment_address=127.0.0.1:{s.assignment_ports['grpc']}",
                         f"--supervision.workflow_address=127.0.0.1:{s.workflow_ports['grpc']}",
                         f"--supervision.disclosure_address=127.0.0.1:{s.disclosure_ports['grpc']}",
                         *extra], env)

    # ---- the checks ----
    def test_1_every_process_was_killed_under_load(self):
        self.assertEqual([name for name, _ in self.kills], list(KILL_ORDER))
        for name, pid in self.kills:
            self.assertNotEqual(getattr(self.stack, name).pid, pid, name)
        self.assertGreaterEqual(len(self.all_items()), CLIENTS * MIN_ITEMS)

    def test_1_every_acknowledged_request_is_in_its_store(self):
        tasks = {}
        for operation, name in (a for c in self.clients for a in c.acks):
            with self.subTest(operation=operation, name=name):
                if operation in ("submit", "accept"):
                    self.assertEqual(self.get(f"/v1/{name}")["state"], "ITEM_STATE_ACCEPTED")
                elif operation == "assign":
                    self.assertEqual(self.get(f"/v1/{name}/assignment")["item"]["item"], name)
                elif operation == "acknowledge":
                    self.assertIn(self.get(f"/v1/{name}")["state"],
                                  ("TASK_STATE_HANDLING", "TASK_STATE_ANSWERED",
                                   "TASK_STATE_CLOSED"))
                else:  # an answer: drafted, reviewed, signed, issued, evaluated
                    task = name.split("/answers/")[0]
                    tasks.setdefault(task, self.get(f"/v1/{task}"))
                    answer = next(a for a in tasks[task]["answers"] if a["name"] == name)
                    self.assertEqual(answer["state"], "ANSWER_STATE_ISSUED")
                    if operation == "evaluate":
                        self.assertEqual(answer["evaluation"]["rating"], "RATING_SATISFIED")

    def test_2_every_event_reached_every_consumer_exactly_once(self):
        items = sorted(self.all_items())
        n = len(items)
        # intake: one item per submission, however often it was retried (requestId)
        listed = self.pages("/v1/items", "items", self.office, session=SESSION)
        self.assertEqual(sorted(i["name"] for i in listed), items)
        # assignment's waiting list (from intake's feed): nothing left waiting
        waiting = self.pages("/v1/assignments:waiting", "items", self.office)
        self.assertEqual([w["item"] for w in waiting if w["item"] in items], [])
        # workflow (from assignment's feed): one task per assigned unit
        for item in items:
            tasks = self.get(query("/v1/tasks", item=item))["tasks"]
            self.assertEqual(len(tasks), 1, item)
            self.assertEqual(len(tasks[0]["answers"]), 1, item)
        # supervision (from all four feeds): one entry per item, figures equal to the counts
        entries = self.pages("/v1/ledger", "entries", self.supervisor, session=SESSION)
        self.assertEqual(sorted(e["item"]["item"] for e in entries), items)
        for e in entries:
            self.assertEqual(len(e["units"]), 1, e["name"])
            self.assertEqual([a.get("rating") for a in e["answers"]], ["RATING_SATISFIED"])
            steps = {step["step"]: step.get("state") for step in e["units"][0].get("steps", [])}
            for step in ("STEP_ACKNOWLEDGEMENT", "STEP_ANSWER"):
                self.assertEqual(steps.get(step), "DEADLINE_STATE_DONE", (e["name"], step))
        self.assertEqual(self.figures(), {"assigned": n, "answered": n, "rated": n,
                                          "satisfied": n, "closed": n, "classA": n})
        # disclosure (from intake's and workflow's feeds): one record per item, published once
        records = self.records()
        self.assertEqual(sorted(r["item"] for r in records), items)
        for r in records:  # published on the answer, updated once with the rating
            self.assertEqual((r["state"], r["version"]), ("DISCLOSURE_STATE_PUBLISHED", 2))

    def test_3_reconcile_agrees_then_finds_an_edited_ledger(self):
        agreed = self.reconcile("--recheck_seconds=3")
        self.assertEqual(agreed.returncode, 0, agreed.stdout + agreed.stderr)
        self.assertIn("all agree", agreed.stdout)

        # What a lost and a doubled event would leave: an item missing from the ledger, a
        # satisfied rating counted twice. Edited offline, then supervision restarted on it.
        victim = sorted(self.all_items())[0]
        label = self.get(f"/v1/{victim}")["numberLabel"]
        self.stack.supervision.kill(signal.SIGTERM)
        with sqlite3.connect(self.stack.workdir / "supervision.db") as db:
            self.assertEqual(db.execute("DELETE FROM entries WHERE item = ?",
                                        (victim,)).rowcount, 1)
            db.execute("UPDATE figure_counters SET satisfied = satisfied + 1 "
                       "WHERE year = ? AND dimension = 1", (YEAR,))
        self.stack.restart("supervision")
        found = self.reconcile("--recheck_seconds=1")
        self.assertEqual(found.returncode, 1, found.stdout + found.stderr)
        self.assertRegex(found.stdout, f"{label} \\({victim}\\): intake has the item .*"
                                       "the ledger has no entry")
        self.assertRegex(found.stdout, r"satisfied is \d+ counted from workflow's tasks; "
                                       r"supervision says \d+")
        self.assertIn("disagreement", found.stdout.splitlines()[-1])

        # The repair: supervision rebuilds its ledger from the events it applied.
        rebuilt = self.stack.request("POST", "/v1/ledger:rebuild", {}, token=self.supervisor,
                                     record=False)
        self.assertEqual(rebuilt.status, 200, rebuilt)
        again = self.reconcile("--recheck_seconds=3")
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)

    def test_4_every_event_log_is_intact_and_attributable(self):
        s = self.stack
        env = dict(os.environ, HUIYIN_SERVER_INTERNAL_CREDENTIAL=s.credential)
        huiyin_client.use_stubs(os.environ.get("HUIYIN_STUB_DIR") or
                                str(BUILD.parent / "tests" / "python_stubs"))
        from huiyin.events.v1 import events_pb2
        for service in SERVICES:
            with self.subTest(service=service):
                online = run_tool([AUDIT_BIN, "verify",
                                   f"--address=127.0.0.1:{getattr(s, service + '_ports')['grpc']}"],
                                  env)
                self.assertEqual(online.returncode, 0, online.stdout + online.stderr)
                self.assertIn("chain intact", online.stdout)
                offline = run_tool([AUDIT_BIN, "verify",
                                    f"--database={s.workdir / (service + '.db')}"])
                self.assertEqual(offline.returncode, 0, offline.stdout + offline.stderr)
                # Every change says who (principal, role), when and about what.
                with sqlite3.connect(f"file:{s.workdir / (service + '.db')}?mode=ro",
                                     uri=True) as db:
                    for sequence, blob in db.execute("SELECT sequence, event FROM event_outbox"):
                        event = events_pb2.Event.FromString(blob)
                        self.assertTrue(event.actor.principal and event.actor.role,
                                        f"{service} event {sequence} has no actor")
                        self.assertTrue(event.occur_time.seconds and event.subject,
                                        f"{service} event {sequence}")
                        if event.payload.type_url.endswith(".AnswerEvaluated"):
                            self.assertEqual(event.reason, "答复具体，已开工")  # the comment

    def test_4_audit_finds_an_edited_and_a_deleted_event(self):
        with tempfile.TemporaryDirectory(prefix="huiyin-audit-") as tmp:
            edited = os.path.join(tmp, "intake-edited.db")
            deleted = os.path.join(tmp, "intake-deleted.db")
            backup = run_tool([BACKUP_BIN, f"--database={self.stack.workdir / 'intake.db'}",
                               f"--to={edited}"])
            self.assertEqual(backup.returncode, 0, backup.stderr)
            shutil.copyfile(edited, deleted)
            with sqlite3.connect(edited) as db:
                (blob,) = db.execute("SELECT event FROM event_outbox WHERE sequence = 3").fetchone()
                # The same length, another title: still a well-formed event, a different one.
                changed = bytes(blob).replace("老旧小区".encode(), "新建小区".encode(), 1)
                self.assertNotEqual(changed, bytes(blob))
                db.execute("UPDATE event_outbox SET event = ? WHERE sequence = 3", (changed,))
            with sqlite3.connect(deleted) as db:
                db.execute("DELETE FROM event_outbox WHERE sequence = 5")
            for path, sequence in ((edited, 3), (deleted, 5)):
                result = run_tool([AUDIT_BIN, "verify", f"--database={path}"])
                self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
                self.assertIn(f"chain BROKEN at sequence {sequence} ", result.stdout)


if __name__ == "__main__":
    unittest.main()
