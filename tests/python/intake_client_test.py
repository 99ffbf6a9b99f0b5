"""The real huiyin-intake binary driven by a client in another language (Python, over gRPC and
its admin HTTP port), the way the gateway and other systems will use it.

Each test starts its own process on free ports with a temporary database and a fresh internal
credential, and stops it by PID afterwards (SIGTERM, then SIGKILL if it does not exit).

    cd tests/python && HUIYIN_INTAKE_BIN=../../build/services/intake/huiyin-intake \
        /usr/bin/python3 -m unittest -v intake_client_test

HUIYIN_INTAKE_BIN names the binary (default: the build/ tree of this checkout); HUIYIN_STUB_DIR
keeps the generated Python stubs between runs (default: a temporary directory).
"""

import hashlib
import os
import pathlib
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import grpc

HERE = pathlib.Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
sys.path.insert(0, str(REPO_ROOT / "deploy" / "local"))
import huiyin_client  # noqa: E402

BINARY = os.environ.get("HUIYIN_INTAKE_BIN") or str(
    REPO_ROOT / "build" / "services" / "intake" / "huiyin-intake")
DEMO_DATA = REPO_ROOT / "deploy" / "local" / "demo_data.py"
PYTHON = "/usr/bin/python3"

CALL_TIMEOUT = 5  # every call has a deadline
START_TIMEOUT = 10
STOP_TIMEOUT = 15  # drain_seconds is 2 below; a healthy process exits well within this
INDEX_TIMEOUT = 5  # search indexing is asynchronous (normally a few ms)

S25 = "县第十八届人民代表大会第四次会议"
P25 = "政协县第十一届委员会第四次会议"

# Set by setUpModule once the stubs are generated.
STUB_DIR = None
pb = events_pb2 = intake_events_pb2 = health_pb2 = None
intake_grpc = events_grpc = health_grpc = None


def setUpModule():
    global STUB_DIR, pb, events_pb2, intake_events_pb2, health_pb2
    global intake_grpc, events_grpc, health_grpc
    if not os.access(BINARY, os.X_OK):
        raise RuntimeError(f"no huiyin-intake at {BINARY}: build it or set HUIYIN_INTAKE_BIN")
    STUB_DIR = os.environ.get("HUIYIN_STUB_DIR") or tempfile.mkdtemp(prefix="huiyin-stubs-")
    huiyin_client.use_stubs(STUB_DIR)
    from grpc_health.v1 import health_pb2, health_pb2_grpc as health_grpc
    from huiyin.events.v1 import events_pb2, events_pb2_grpc as events_grpc
    from huiyin.intake.v1 import intake_events_pb2
    from huiyin.intake.v1 import intake_pb2 as pb, intake_pb2_grpc as intake_grpc


def tearDownModule():
    if not os.environ.get("HUIYIN_STUB_DIR"):
        shutil.rmtree(STUB_DIR, ignore_errors=True)


def http_get(url):
    """(status, body) of a GET, bypassing any HTTP proxy from the environment."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=CALL_TIMEOUT) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


class IntakeProcess:
    """One huiyin-intake process on free ports, its database and log in `workdir`."""

    def __init__(self, workdir, credential):
        self.workdir = pathlib.Path(workdir)
        self.credential = credential
        self.process = None
        self.channel = None
        self.ports = None

    def start(self):
        port_file = self.workdir / "ports"
        port_file.unlink(missing_ok=True)
        env = dict(os.environ, HUIYIN_SERVER_INTERNAL_CREDENTIAL=self.credential)
        with open(self.workdir / "intake.log", "ab") as log:
            self.process = subprocess.Popen(
                [BINARY, "--server.grpc_address=127.0.0.1:0",
                 "--server.admin_address=127.0.0.1:0",
                 f"--server.database_path={self.workdir / 'intake.db'}",
                 f"--server.port_file={port_file}", "--server.drain_seconds=2"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, env=env)
        try:
            self.ports = huiyin_client.wait_for_port_file(port_file, START_TIMEOUT, self.process)
            self.channel = grpc.insecure_channel(f"127.0.0.1:{self.ports['grpc']}",
                                                 options=[("grpc.enable_http_proxy", 0)])
            grpc.channel_ready_future(self.channel).result(timeout=START_TIMEOUT)
        except Exception:
            self.stop()
            raise RuntimeError(f"huiyin-intake did not start; its log:\n{self.log()}")
        return self

    @property
    def grpc_address(self):
        return f"127.0.0.1:{self.ports['grpc']}"

    def admin_url(self, path):
        return f"http://127.0.0.1:{self.ports['admin']}{path}"

    def stop(self, client_connected=False):
        """SIGTERM, then SIGKILL after STOP_TIMEOUT. Returns (exit code, whether it was killed).

        The test's channel is closed first unless client_connected: a Python client idle on its
        connection does not answer the server's GOAWAY, so the server would wait out its whole
        drain_seconds before exiting."""
        if not client_connected:
            self.close_channel()
        process, self.process = self.process, None
        result = (None, False)
        if process is not None and process.poll() is not None:
            result = (process.returncode, False)
        elif process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                result = (process.wait(timeout=STOP_TIMEOUT), False)
            except subprocess.TimeoutExpired:
                process.kill()
                result = (process.wait(), True)
        self.close_channel()
        return result

    def close_channel(self):
        if self.channel is not None:
            self.channel.close()
            self.channel = None

    def log(self):
        return (self.workdir / "intake.log").read_text(encoding="utf-8", errors="replace")


class IntakeBinaryTest(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="huiyin-intake-test-")
        self.addCleanup(shutil.rmtree, self.workdir, True)
        self.credential = secrets.token_urlsafe(24)
        self.server = IntakeProcess(self.workdir, self.credential).start()
        self.connect()

    def tearDown(self):
        self.server.stop()

    def connect(self):
        self.intake = intake_grpc.IntakeServiceStub(self.server.channel)
        self.feed = events_grpc.EventFeedStub(self.server.channel)
        self.health = health_grpc.HealthStub(self.server.channel)

    # ---- callers ----
    def congress_office(self, credential=None):
        return huiyin_client.caller_metadata(
            "persons/p-9001", "ROLE_CONGRESS_OFFICE",
            self.credential if credential is None else credential, display_name="孙敏")

    def cppcc_office(self):
        return huiyin_client.caller_metadata("persons/p-9101", "ROLE_CPPCC_OFFICE",
                                             self.credential, display_name="韩雪")

    def supervision_system(self):
        return huiyin_client.caller_metadata("systems/supervision-ledger", "ROLE_SYSTEM",
                                             self.credential)

    # ---- items ----
    def suggestion(self, title, body, **fields):
        item = pb.Item(
            kind=pb.ITEM_KIND_SUGGESTION, session=S25, year=2025, title=title, body=body,
            lead_proposer=pb.Proposer(person="persons/p-1004", name="刘桂芳",
                                      group="城关镇代表团", phone="13807463375"),
            category="城乡建设", channel=pb.CHANNEL_CONGRESS_SYSTEM)
        for name, value in fields.items():
            setattr(item, name, value)
        return item

    def proposal(self, title, body):
        return pb.Item(
            kind=pb.ITEM_KIND_PROPOSAL, session=P25, year=2025, title=title, body=body,
            lead_proposer=pb.Proposer(person="persons/p-2007", name="林婉儀", group="港澳台侨界",
                                      phone="13805118702"),
            category="交通", channel=pb.CHANNEL_CPPCC_ONLINE)

    def submit(self, item, request_id="", metadata=None):
        return self.intake.SubmitItem(pb.SubmitItemRequest(request_id=request_id, item=item),
                                      metadata=metadata or self.congress_office(),
                                      timeout=CALL_TIMEOUT)

    def submit_market_suggestion(self, request_id=""):
        return self.submit(self.suggestion(
            "关于推进南关农贸市场改造升级的建议",
            "南关农贸市场棚顶漏雨、排水沟常年堵塞，活禽与蔬菜混杂。"
            "建议明确改造时间表，改造期间设置临时过渡市场。"), request_id)

    def accept(self, name):
        return self.intake.AcceptItem(pb.AcceptItemRequest(name=name),
                                      metadata=self.congress_office(), timeout=CALL_TIMEOUT)

    def count_items(self):
        return self.intake.ListItems(pb.ListItemsRequest(page_size=1),
                                     metadata=self.congress_office(),
                                     timeout=CALL_TIMEOUT).total_size

    def assert_rpc_error(self, code, call, *args, **kwargs):
        with self.assertRaises(grpc.RpcError) as raised:
            call(*args, timeout=CALL_TIMEOUT, **kwargs)
        self.assertEqual(raised.exception.code(), code, raised.exception.details())
        return raised.exception

    # ---- intake ----
    def test_submitted_item_reads_back_and_acceptance_gives_first_suggestion_number(self):
        submitted = self.submit_market_suggestion()
        self.assertRegex(submitted.name, r"^items/[a-z0-9-]+$")
        self.assertEqual(submitted.state, pb.ITEM_STATE_SUBMITTED)

        read = self.intake.GetItem(pb.GetItemRequest(name=submitted.name),
                                   metadata=self.congress_office(), timeout=CALL_TIMEOUT)
        self.assertEqual(read.title, "关于推进南关农贸市场改造升级的建议")
        self.assertEqual(read.lead_proposer.phone, "13807463375")  # offices see contact data

        accepted = self.accept(submitted.name)
        self.assertEqual(accepted.state, pb.ITEM_STATE_ACCEPTED)
        self.assertEqual(accepted.number, 1)
        self.assertEqual(accepted.number_label, "建议第1号")

    def test_submission_without_title_is_invalid_argument_naming_item_title(self):
        error = self.assert_rpc_error(
            grpc.StatusCode.INVALID_ARGUMENT, self.intake.SubmitItem,
            pb.SubmitItemRequest(item=self.suggestion("", "城区停车难，建议建设公共停车场。")),
            metadata=self.congress_office())
        fields = [field for field, _ in huiyin_client.field_violations(error)]
        self.assertIn("item.title", fields)
        self.assertEqual(huiyin_client.error_info(error)[0], "INVALID_FIELD")

    def test_wrong_credential_is_unauthenticated(self):
        self.assert_rpc_error(grpc.StatusCode.UNAUTHENTICATED, self.intake.ListItems,
                              pb.ListItemsRequest(),
                              metadata=self.congress_office(credential="not-the-secret"))

    def test_call_without_credential_is_the_public_and_permission_denied(self):
        for metadata in (None, huiyin_client.caller_metadata(
                "persons/p-9001", "ROLE_CONGRESS_OFFICE", credential=None)):
            self.assert_rpc_error(grpc.StatusCode.PERMISSION_DENIED, self.intake.ListItems,
                                  pb.ListItemsRequest(), metadata=metadata)

    def test_retry_with_same_request_id_returns_the_first_item(self):
        first = self.submit_market_suggestion(request_id="cs-2025-0217")
        retry = self.submit_market_suggestion(request_id="cs-2025-0217")
        self.assertEqual(retry.name, first.name)
        self.assertEqual(self.count_items(), 1)

    def test_search_finds_item_by_two_character_word(self):
        property_item = self.submit(self.suggestion(
            "关于破解老旧小区物业管理难题的建议",
            "纺织厂宿舍、农机厂宿舍等老旧小区没有物业，下水道堵塞、楼道灯不亮长期没人管。"))
        self.submit_market_suggestion()
        deadline = time.monotonic() + INDEX_TIMEOUT
        while True:
            found = self.intake.SearchItems(pb.SearchItemsRequest(query="物业"),
                                            metadata=self.congress_office(),
                                            timeout=CALL_TIMEOUT).items
            if found or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        self.assertEqual([i.name for i in found], [property_item.name])

    def test_find_similar_ranks_traditional_character_copy_first(self):
        cppcc = self.cppcc_office()
        original = self.submit(self.proposal(
            "关于缓解县城停车难问题的提案",
            "县城人民路、解放街一带商铺密集，县医院门前每天上午车辆排长队，占道停车严重影响通行。"
            "建议利用闲置地块建设公共停车场，推行机关单位停车场错时向社会开放。"), metadata=cppcc)
        self.submit(self.proposal(
            "关于加快城区农贸市场标准化改造的提案",
            "南关、北关两个农贸市场设施老化，消防通道被占。建议分批推进标准化改造，配套建设停车位。"),
            metadata=cppcc)
        self.submit(self.proposal(
            "关于加强老旧小区物业管理的提案",
            "老旧小区楼道堆物、私搭乱建，停车位不足，建议推行社区托管物业。"), metadata=cppcc)
        traditional = self.submit(self.proposal(
            "關於緩解縣城停車難問題的提案",
            "縣城人民路、解放街一帶商鋪密集，縣醫院門前每天上午車輛排長隊，佔道停車嚴重影響通行。"
            "建議利用閒置地塊建設公共停車場，推行機關單位停車場錯時向社會開放。"), metadata=cppcc)

        deadline = time.monotonic() + INDEX_TIMEOUT
        while True:  # the copy, submitted last, is indexed last
            candidates = self.intake.FindSimilar(pb.FindSimilarRequest(name=original.name),
                                                 metadata=cppcc,
                                                 timeout=CALL_TIMEOUT).merge_candidates
            names = [c.name for c in candidates]
            if traditional.name in names or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        self.assertEqual(names[0], traditional.name, candidates)
        self.assertGreater(candidates[0].score, 0.9)

    # ---- what every process serves ----
    def test_grpc_health_reports_serving(self):
        response = self.health.Check(health_pb2.HealthCheckRequest(service=""),
                                     timeout=CALL_TIMEOUT)
        self.assertEqual(response.status, health_pb2.HealthCheckResponse.SERVING)

    def test_readyz_is_ok_and_metrics_count_calls_and_items(self):
        self.submit_market_suggestion()
        status, body = http_get(self.server.admin_url("/readyz"))
        self.assertEqual(status, 200, body)
        status, metrics = http_get(self.server.admin_url("/metrics"))
        self.assertEqual(status, 200)
        self.assertIn("huiyin_grpc_server_handled_total", metrics)
        self.assertIn("huiyin_intake_items", metrics)
        self.assertIn('huiyin_intake_items{kind="suggestion",state="submitted"} 1', metrics)

    # ---- event feed ----
    def submit_and_accept(self):
        item = self.submit_market_suggestion()
        return self.accept(item.name)

    def assert_chain_links(self, events):
        previous = ""
        for event in events:
            self.assertEqual(event.previous_hash, previous)
            # The hash covers the previous hash and the event as stored (without both hashes).
            content = events_pb2.Event()
            content.CopyFrom(event)
            content.ClearField("previous_hash")
            content.ClearField("hash")
            expected = hashlib.sha256(previous.encode() + content.SerializeToString()).hexdigest()
            self.assertEqual(event.hash, expected)
            previous = event.hash

    def test_event_feed_lists_submission_then_acceptance_with_intact_chain(self):
        accepted = self.submit_and_accept()
        response = self.feed.ListEvents(events_pb2.ListEventsRequest(after_sequence=0),
                                        metadata=self.supervision_system(), timeout=CALL_TIMEOUT)
        events = list(response.events)
        self.assertEqual([e.sequence for e in events], [1, 2])
        self.assertEqual(response.head_sequence, 2)
        self.assertEqual([e.payload.type_url.rsplit("/", 1)[1] for e in events],
                         ["huiyin.intake.v1.ItemSubmitted", "huiyin.intake.v1.ItemAccepted"])
        self.assertEqual({e.subject for e in events}, {accepted.name})
        self.assertEqual(events[1].actor.principal, "persons/p-9001")
        payload = intake_events_pb2.ItemAccepted()
        self.assertTrue(events[1].payload.Unpack(payload))
        self.assertEqual(payload.item.number_label, "建议第1号")
        self.assert_chain_links(events)

        verified = self.feed.VerifyChain(events_pb2.VerifyChainRequest(),
                                         metadata=self.supervision_system(), timeout=CALL_TIMEOUT)
        self.assertEqual(verified.events_checked, 2)
        self.assertEqual(verified.first_broken_sequence, 0)

    def test_event_feed_subscription_streams_past_then_new_events(self):
        accepted = self.submit_and_accept()
        stream = self.feed.Subscribe(events_pb2.SubscribeRequest(after_sequence=0),
                                     metadata=self.supervision_system(), timeout=CALL_TIMEOUT)
        try:
            past = [next(stream), next(stream)]
            self.assertEqual([e.sequence for e in past], [1, 2])
            self.assertEqual({e.subject for e in past}, {accepted.name})
            later = self.submit(self.suggestion(
                "关于进一步解决县城停车难的建议",
                "县医院、实验小学周边早晚高峰一位难求，建议建设立体停车场。"))
            live = next(stream)
        finally:
            stream.cancel()
        self.assertEqual(live.sequence, 3)
        self.assertEqual(live.subject, later.name)
        self.assert_chain_links(past + [live])

    # ---- process lifecycle ----
    def test_sigterm_exits_zero_and_restart_keeps_acknowledged_items(self):
        accepted = self.submit_and_accept()
        pending = self.submit(self.suggestion(
            "关于在双河乡设立急救站点的建议",
            "双河乡距县城六十多公里，建议依托乡卫生院设立120急救分站。", category="医疗卫生"))

        exit_code, killed = self.server.stop(client_connected=True)
        self.assertFalse(killed, "huiyin-intake did not exit on SIGTERM by itself")
        self.assertEqual(exit_code, 0, self.server.log())

        self.server.start()
        self.connect()
        self.assertEqual(self.count_items(), 2)
        again = self.intake.GetItem(pb.GetItemRequest(name=accepted.name),
                                    metadata=self.congress_office(), timeout=CALL_TIMEOUT)
        self.assertEqual(again.number_label, "建议第1号")
        # Numbering continues after the restart; a number is never given twice.
        self.assertEqual(self.accept(pending.name).number_label, "建议第2号")

    def test_acknowledged_submission_survives_sigkill(self):
        accepted = self.submit_and_accept()
        self.server.process.kill()  # no drain, no clean close of the database
        self.server.stop()

        self.server.start()
        self.connect()
        again = self.intake.GetItem(pb.GetItemRequest(name=accepted.name),
                                    metadata=self.congress_office(), timeout=CALL_TIMEOUT)
        self.assertEqual(again.number_label, "建议第1号")
        verified = self.feed.VerifyChain(events_pb2.VerifyChainRequest(),
                                         metadata=self.supervision_system(), timeout=CALL_TIMEOUT)
        self.assertEqual((verified.events_checked, verified.first_broken_sequence), (2, 0))

    def test_demo_data_loads_once_and_a_second_run_changes_nothing(self):
        def load():
            result = subprocess.run(
                [PYTHON, str(DEMO_DATA), "--address", self.server.grpc_address,
                 f"--credential={self.credential}", "--stub-dir", STUB_DIR],
                capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr)
            head = self.feed.ListEvents(events_pb2.ListEventsRequest(page_size=1),
                                        metadata=self.supervision_system(),
                                        timeout=CALL_TIMEOUT).head_sequence
            return self.count_items(), head, result.stdout

        items, head, _ = load()
        self.assertGreaterEqual(items, 25)
        again_items, again_head, output = load()
        self.assertEqual(again_items, items)
        self.assertEqual(again_head, head, "a re-run wrote new events")
        self.assertIn("0 new this run", output)


if __name__ == "__main__":
    unittest.main()
