"""The HTTP/JSON gateway end to end: the real huiyin-gateway in front of the real huiyin-intake,
driven with plain HTTP the way a browser, curl or another government system would.

Each test class starts intake, then the gateway, on free ports with a temporary database, a fresh
internal credential, a fresh JWT secret and API key, and kills both by PID afterwards (SIGTERM,
then SIGKILL if a process does not exit).

    cd tests/python && HUIYIN_INTAKE_BIN=../../build/services/intake/huiyin-intake \
        HUIYIN_GATEWAY_BIN=../../build/services/gateway/huiyin-gateway \
        HUIYIN_TOKEN_BIN=../../build/services/gateway/huiyin-token \
        HUIYIN_OPENAPI_VALIDATOR_NODE_PATH=/tmp/npm-openapi/node_modules \
        /usr/bin/python3 -m unittest -v gateway_e2e_test

The binaries default to the build/ tree of this checkout. When HUIYIN_OPENAPI_VALIDATOR_NODE_PATH
names a node_modules directory holding @apidevtools/swagger-parser, /openapi.json is also checked
by tests/openapi/validate.mjs (and a document it rejects fails the test); without it that one
test is skipped.
"""

import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import pathlib
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERE = pathlib.Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
sys.path.insert(0, str(REPO_ROOT / "deploy" / "local"))
import huiyin_client  # noqa: E402
import placeholder_calendar  # noqa: E402
import pki  # noqa: E402  (tests/python/pki.py: certificates made at test time)

BUILD = REPO_ROOT / "build" / "services"
INTAKE_BIN = os.environ.get("HUIYIN_INTAKE_BIN") or str(BUILD / "intake" / "huiyin-intake")
GATEWAY_BIN = os.environ.get("HUIYIN_GATEWAY_BIN") or str(BUILD / "gateway" / "huiyin-gateway")
TOKEN_BIN = os.environ.get("HUIYIN_TOKEN_BIN") or str(BUILD / "gateway" / "huiyin-token")
ASSIGNMENT_BIN = (os.environ.get("HUIYIN_ASSIGNMENT_BIN") or
                  str(BUILD / "assignment" / "huiyin-assignment"))
WORKFLOW_BIN = os.environ.get("HUIYIN_WORKFLOW_BIN") or str(BUILD / "workflow" / "huiyin-workflow")
SUPERVISION_BIN = (os.environ.get("HUIYIN_SUPERVISION_BIN") or
                   str(BUILD / "supervision" / "huiyin-supervision"))
DISCLOSURE_BIN = (os.environ.get("HUIYIN_DISCLOSURE_BIN") or
                  str(BUILD / "disclosure" / "huiyin-disclosure"))
VALIDATOR = REPO_ROOT / "tests" / "openapi" / "validate.mjs"
VALIDATOR_NODE_PATH = os.environ.get("HUIYIN_OPENAPI_VALIDATOR_NODE_PATH", "")

CALL_TIMEOUT = 5
CHINA = datetime.timezone(datetime.timedelta(hours=8))


def days_from_today(days):
    """The date `days` after today in China, as the API writes dates (YYYY-MM-DD)."""
    return (datetime.datetime.now(CHINA).date() + datetime.timedelta(days=days)).isoformat()


# A handling deadline (办结时限) that stays ahead of every test run.
DEADLINE = days_from_today(90)
START_TIMEOUT = 10
FEED_TIMEOUT = 10  # seconds for one service to see what another did, through the feeds
STOP_TIMEOUT = 15
INDEX_TIMEOUT = 2  # search and similarity indexing is asynchronous (normally a few ms)
POLL_INTERVAL = 0.1  # slow enough to stay far below the rate limit while polling

ALLOWED_ORIGIN = "https://www.example.gov.cn"
MAX_BODY_BYTES = 65536
RATE_PER_SECOND = 20
RATE_BURST = 40

# Sessions (会次) of the county people's congress and CPPCC; a test that counts, numbers or
# searches items keeps to a session of its own, since the processes are shared by a class.
S_FLOW = "县第十八届人民代表大会第四次会议"
S_PAGES = "县第十八届人民代表大会第三次会议"
S_SEARCH = "县第十八届人民代表大会第二次会议"
S_MERGE = "县第十八届人民代表大会第五次会议"
S_OTHER = "县第十八届人民代表大会第一次会议"
P_ONLINE = "政协县第十一届委员会第四次会议"

LIU = {"person": "persons/p-1004", "name": "刘桂芳", "group": "城关镇代表团",
       "phone": "13807463375"}
WANG = {"person": "persons/p-1011", "name": "王建国", "group": "双河乡代表团"}
ZHAO = {"person": "persons/p-1023", "name": "赵德明", "group": "东关街道代表团"}
LIN = {"person": "persons/p-2007", "name": "林婉儀", "group": "港澳台侨界", "phone": "13805118702"}

CPPCC_ONLINE_PRINCIPAL = "systems/cppcc-online"
NO_SUCH_ITEM = "zz-no-such-item"  # a well-formed id nobody has


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def craft_token(claims, key, alg="HS256"):
    """A JWT made by hand, to present tokens huiyin-token would never issue."""
    signing_input = (b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode()) + "." +
                     b64url(json.dumps(claims, ensure_ascii=False).encode()))
    signature = "" if alg == "none" else b64url(
        hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest())
    return f"{signing_input}.{signature}"


def office_claims(exp_offset, person="persons/p-9005"):
    now = int(time.time())
    return {"sub": person, "role": "ROLE_CONGRESS_OFFICE", "name": "孙敏",
            "iat": now - 7200, "nbf": now - 7200, "exp": now + exp_offset}


def suggestion(session, title, body, lead=LIU, year=2025, category="城乡建设", **extra):
    item = {"kind": "ITEM_KIND_SUGGESTION", "session": session, "year": year, "title": title,
            "body": body, "leadProposer": lead, "category": category,
            "channel": "CHANNEL_CONGRESS_SYSTEM"}
    item.update(extra)
    return item


def market_suggestion(session=S_OTHER, lead=LIU):
    return suggestion(session, "关于推进南关农贸市场改造升级的建议",
                      "南关农贸市场棚顶漏雨、排水沟常年堵塞，活禽与蔬菜混杂。"
                      "建议明确改造时间表，改造期间设置临时过渡市场。", lead=lead)


def query(path, **params):
    return f"{path}?{urllib.parse.urlencode(params)}" if params else path


class Reply:
    def __init__(self, method, path, status, headers, body):
        self.method, self.path, self.status, self.headers, self.body = (
            method, path, status, headers, body)

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name):
        return self.headers.get(name)

    def is_router_not_found(self):
        """The gateway's own 404 for a path no route matches (its message names the path), as
        opposed to a backend's NOT_FOUND for an item that does not exist."""
        if self.status != 404:
            return False
        error = self.json()["error"]
        return error["status"] == "NOT_FOUND" and self.path in error["message"]

    def __repr__(self):
        return f"{self.method} {self.path} → {self.status} {self.text[:600]}"


class Process:
    """A child process killed by its PID: SIGTERM, then SIGKILL after STOP_TIMEOUT."""

    def __init__(self, argv, env, log_path):
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=log, env=env)

    @property
    def pid(self):
        return self.popen.pid

    def kill(self, sig=signal.SIGTERM):
        if self.popen.poll() is not None:
            return self.popen.returncode
        os.kill(self.popen.pid, sig)
        try:
            return self.popen.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.kill(self.popen.pid, signal.SIGKILL)
            return self.popen.wait()

    def log(self):
        return pathlib.Path(self.log_path).read_text(encoding="utf-8", errors="replace")


class GatewayStack:
    """huiyin-intake, -assignment, -workflow, -supervision, -disclosure and -gateway in a
    temporary directory,
    and an HTTP client for the gateway that remembers every request (for the OpenAPI coverage
    check).

    With tls=True the stack runs as README "Transport security" describes: a CA made for the run
    (self.ca) issues each process a certificate naming it (SAN DNS:<service>, IP:127.0.0.1), the
    services speak mutual TLS to each other, and the gateway serves HTTPS with a certificate of
    another CA (self.public_ca), which the stack's HTTP client verifies."""

    def __init__(self, tls=False):
        self.workdir = pathlib.Path(tempfile.mkdtemp(prefix="huiyin-gateway-e2e-"))
        self.credential = secrets.token_urlsafe(24)
        self.jwt_secret = secrets.token_urlsafe(48).encode("ascii")
        self.api_key = "hy-" + secrets.token_urlsafe(32)
        self.intake = self.assignment = self.workflow = self.supervision = None
        self.disclosure = self.gateway = None
        self.intake_ports = self.assignment_ports = self.workflow_ports = None
        self.supervision_ports = self.disclosure_ports = None
        self.port = None
        # Extra flags of huiyin-disclosure (a test class may set its public base URL), of
        # huiyin-workflow and of huiyin-gateway (they come last, so they override the defaults:
        # a load test may raise the rate limit).
        self.disclosure_flags = []
        self.workflow_flags = []
        self.gateway_flags = []
        self.exercised = []
        self._tokens = {}
        self.tls = tls
        self.ca = self.public_ca = None
        self._keys = {}  # service → pki.KeyPair, with tls

    def start(self):
        for binary in (INTAKE_BIN, ASSIGNMENT_BIN, WORKFLOW_BIN, SUPERVISION_BIN, DISCLOSURE_BIN,
                       GATEWAY_BIN, TOKEN_BIN):
            if not os.access(binary, os.X_OK):
                raise RuntimeError(f"no executable {binary}: build it or set HUIYIN_*_BIN")
        (self.workdir / "jwt.secret").write_bytes(self.jwt_secret)
        key_line = {"sha256": hashlib.sha256(self.api_key.encode()).hexdigest(),
                    "principal": CPPCC_ONLINE_PRINCIPAL, "role": "ROLE_SYSTEM",
                    "name": "委员在线提案管理系统"}
        (self.workdir / "api_keys.jsonl").write_text(
            json.dumps(key_line, ensure_ascii=False) + "\n", encoding="utf-8")
        placeholder_calendar.write(self.workdir / "calendar.txt")
        env = self._env()
        try:
            if self.tls:
                self._make_certificates()
            self._start_intake(self.env_of("intake", env))
            self._start_assignment(self.env_of("assignment", env))
            self._start_workflow(self.env_of("workflow", env))
            # before supervision, which follows its feed
            self._start_disclosure(self.env_of("disclosure", env))
            self._start_supervision(self.env_of("supervision", env))
            self._start_gateway(self.env_of("gateway", env))
            self._wait_ready()
        except Exception:
            logs = self.logs()
            self.stop()
            self.remove()
            raise RuntimeError(f"the stack did not start; logs:\n{logs}")
        return self

    def _make_certificates(self):
        self.ca = pki.Authority(self.workdir / "pki", "huiyin-internal")
        for service in ("intake", "assignment", "workflow", "supervision", "disclosure",
                        "gateway"):
            self._keys[service] = self.ca.issue(service, [service])
        self.public_ca = pki.Authority(self.workdir / "pki", "public")
        self._keys["https"] = self.public_ca.issue("huiyin.example.gov.cn",
                                                   ["huiyin.example.gov.cn"])

    def tls_files(self, service):
        """huiyin_client.TlsFiles of `service`'s certificate (a Python client may present it)."""
        keys = self._keys[service]
        return huiyin_client.TlsFiles(self.ca.ca_file, keys.cert_file, keys.key_file)

    def env_of(self, service, env):
        """`env` with the TLS files of `service` (HUIYIN_TLS_*), when the stack runs TLS."""
        if not self.tls:
            return env
        files = self.tls_files(service)
        env = dict(env, HUIYIN_TLS_CA_FILE=files.ca_file,
                   HUIYIN_TLS_CERT_CHAIN_FILE=files.cert_chain_file,
                   HUIYIN_TLS_PRIVATE_KEY_FILE=files.private_key_file)
        if service == "gateway":
            env.update(HUIYIN_TLS_HTTPS_CERT_CHAIN_FILE=self._keys["https"].cert_file,
                       HUIYIN_TLS_HTTPS_PRIVATE_KEY_FILE=self._keys["https"].key_file)
        return env

    def _start_intake(self, env):
        port_file = self.workdir / "intake.ports"
        port_file.unlink(missing_ok=True)  # a restart writes it anew
        self.intake = Process(
            [INTAKE_BIN, *self._listen_flags("intake"),
             f"--server.database_path={self.workdir / 'intake.db'}",
             f"--server.port_file={port_file}", "--server.drain_seconds=2"],
            env, self.workdir / "intake.log")
        self.intake_ports = huiyin_client.wait_for_port_file(port_file, START_TIMEOUT,
                                                             self.intake.popen)

    def _start_assignment(self, env):
        port_file = self.workdir / "assignment.ports"
        port_file.unlink(missing_ok=True)  # a restart writes it anew
        self.assignment = Process(
            [ASSIGNMENT_BIN, *self._listen_flags("assignment"),
             f"--server.database_path={self.workdir / 'assignment.db'}",
             f"--server.port_file={port_file}", "--server.drain_seconds=2",
             f"--assignment.intake_address=127.0.0.1:{self.intake_ports['grpc']}"],
            env, self.workdir / "assignment.log")
        self.assignment_ports = huiyin_client.wait_for_port_file(port_file, START_TIMEOUT,
                                                                 self.assignment.popen)

    def _start_workflow(self, env):
        port_file = self.workdir / "workflow.ports"
        port_file.unlink(missing_ok=True)  # a restart writes it anew
        self.workflow = Process(
            [WORKFLOW_BIN, *self._listen_flags("workflow"),
             f"--server.database_path={self.workdir / 'workflow.db'}",
             f"--server.port_file={port_file}", "--server.drain_seconds=2",
             f"--workflow.intake_address=127.0.0.1:{self.intake_ports['grpc']}",
             f"--workflow.assignment_address=127.0.0.1:{self.assignment_ports['grpc']}"]
            + self.workflow_flags,
            env, self.workdir / "workflow.log")
        self.workflow_ports = huiyin_client.wait_for_port_file(port_file, START_TIMEOUT,
                                                               self.workflow.popen)

    def _start_supervision(self, env):
        port_file = self.workdir / "supervision.ports"
        port_file.unlink(missing_ok=True)  # a restart writes it anew
        self.supervision = Process(
            [SUPERVISION_BIN, *self._listen_flags("supervision"),
             f"--server.database_path={self.workdir / 'supervision.db'}",
             f"--server.port_file={port_file}", "--server.drain_seconds=2",
             f"--supervision.intake_address=127.0.0.1:{self.intake_ports['grpc']}",
             f"--supervision.assignment_address=127.0.0.1:{self.assignment_ports['grpc']}",
             f"--supervision.workflow_address=127.0.0.1:{self.workflow_ports['grpc']}",
             f"--supervision.disclosure_address=127.0.0.1:{self.disclosure_ports['grpc']}"],
            env, self.workdir / "supervision.log")
        self.supervision_ports = huiyin_client.wait_for_port_file(port_file, START_TIMEOUT,
                                                                  self.supervision.popen)

    def _start_disclosure(self, env):
        port_file = self.workdir / "disclosure.ports"
        port_file.unlink(missing_ok=True)  # a restart writes it anew
        self.disclosure = Process(
            [DISCLOSURE_BIN, *self._listen_flags("disclosure"),
             f"--server.database_path={self.workdir / 'disclosure.db'}",
             f"--server.port_file={port_file}", "--server.drain_seconds=2",
             f"--disclosure.intake_address=127.0.0.1:{self.intake_ports['grpc']}",
             f"--disclosure.workflow_address=127.0.0.1:{self.workflow_ports['grpc']}"]
            + self.disclosure_flags,
            env, self.workdir / "disclosure.log")
        self.disclosure_ports = huiyin_client.wait_for_port_file(port_file, START_TIMEOUT,
                                                                 self.disclosure.popen)

    def _start_gateway(self, env):
        port_file = self.workdir / "gateway.ports"
        port_file.unlink(missing_ok=True)
        self.gateway = Process(
            [GATEWAY_BIN, f"--gateway.http_address=127.0.0.1:{self.port or 0}",
             f"--gateway.intake_address=127.0.0.1:{self.intake_ports['grpc']}",
             f"--gateway.assignment_address=127.0.0.1:{self.assignment_ports['grpc']}",
             f"--gateway.workflow_address=127.0.0.1:{self.workflow_ports['grpc']}",
             f"--gateway.supervision_address=127.0.0.1:{self.supervision_ports['grpc']}",
             f"--gateway.disclosure_address=127.0.0.1:{self.disclosure_ports['grpc']}",
             f"--gateway.jwt_hs256_secret_file={self.workdir / 'jwt.secret'}",
             f"--gateway.api_keys_file={self.workdir / 'api_keys.jsonl'}",
             f"--gateway.cors_allowed_origins={ALLOWED_ORIGIN}",
             f"--gateway.max_body_bytes={MAX_BODY_BYTES}",
             f"--gateway.rate_limit_per_second={RATE_PER_SECOND}",
             f"--gateway.rate_limit_burst={RATE_BURST}",
             f"--server.port_file={port_file}"] + self.gateway_flags,
            env, self.workdir / "gateway.log")
        self.port = huiyin_client.wait_for_port_file(port_file, START_TIMEOUT,
                                                     self.gateway.popen)["http"]

    def _env(self):
        # Deadlines are counted from today: past the shipped years, into placeholder ones.
        return dict(os.environ, HUIYIN_SERVER_INTERNAL_CREDENTIAL=self.credential,
                    HUIYIN_SERVER_CALENDAR_FILE=str(self.workdir / "calendar.txt"))

    def _listen_flags(self, name):
        """Free ports the first time; the same ones on a restart, where the others reach it."""
        ports = getattr(self, f"{name}_ports") or {"grpc": 0, "admin": 0}
        return [f"--server.grpc_address=127.0.0.1:{ports['grpc']}",
                f"--server.admin_address=127.0.0.1:{ports['admin']}"]

    def restart(self, name, sig=signal.SIGKILL):
        """Kills one process (`name`: intake … gateway) by its PID with `sig` and starts it
        again on the same store and ports."""
        getattr(self, name).kill(sig)
        getattr(self, f"_start_{name}")(self.env_of(name, self._env()))

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while self.request("GET", "/readyz", record=False).status != 200:
            if time.monotonic() > deadline:
                raise TimeoutError("/readyz did not become 200")
            time.sleep(0.05)

    def stop(self):
        for name in ("gateway", "disclosure", "supervision", "workflow", "assignment", "intake"):
            process = getattr(self, name)
            if process is not None:
                process.kill()
                setattr(self, name, None)

    def remove(self):
        shutil.rmtree(self.workdir, ignore_errors=True)

    def logs(self):
        out = []
        for name in ("intake.log", "assignment.log", "workflow.log", "supervision.log",
                     "disclosure.log", "gateway.log"):
            path = self.workdir / name
            if path.exists():
                out.append(f"--- {name}\n" + path.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(out)

    # ---- callers ----
    def token(self, sub, role, name="", unit=""):
        """A bearer token from the real huiyin-token tool."""
        key = (sub, role, name, unit)
        if key not in self._tokens:
            argv = [TOKEN_BIN, f"--secret-file={self.workdir / 'jwt.secret'}", f"--sub={sub}",
                    f"--role={role}"]
            if name:
                argv.append(f"--name={name}")
            if unit:
                argv.append(f"--unit={unit}")
            result = subprocess.run(argv, capture_output=True, text=True, timeout=CALL_TIMEOUT)
            if result.returncode != 0:
                raise RuntimeError(f"huiyin-token failed: {result.stderr}")
            self._tokens[key] = result.stdout.strip()
        return self._tokens[key]

    # ---- HTTP ----
    def connect(self):
        if self.tls:
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=CALL_TIMEOUT,
                                               context=self.https_context())
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=CALL_TIMEOUT)

    def https_context(self):
        """A client context that verifies the gateway against the public CA (and its name)."""
        return ssl.create_default_context(cafile=self.public_ca.ca_file)

    # ---- the life of an item up to a unit's task, for tests that start from there ----
    def wait_for(self, probe, timeout=FEED_TIMEOUT):
        """Polls `probe` until it returns something true (the feeds between the services are
        asynchronous) and returns that; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = probe()
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError("the event feeds did not deliver in time")

    def create_unit(self, unit, display_name, category, people, token):
        """A handling unit; `people` are (person, name, MEMBER_ROLE_…, section)."""
        reply = self.request("POST", "/v1/units", {"unitId": unit.split("/")[1], "unit": {
            "displayName": display_name, "kind": "UNIT_KIND_BUREAU", "active": True,
            "categories": [category], "members": [
                {"person": person, "name": name, "role": role, "section": section}
                for person, name, role, section in people]}}, token=token)
        assert reply.status == 200, reply
        return reply.json()

    def accepted_item(self, item, token):
        """Submits `item` (the JSON of an Item) and accepts it (立案); returns its name."""
        submitted = self.request("POST", "/v1/items", {"item": item}, token=token)
        assert submitted.status == 200, submitted
        name = submitted.json()["name"]
        accepted = self.request("POST", f"/v1/{name}:accept", {}, token=token)
        assert accepted.status == 200, accepted
        return name

    def assigned_task(self, item, unit, office, clerk, deadline=None):
        """Assigns `item` to `unit` alone once assignment has it waiting, and returns the
        unit's task as its clerk sees it. The deadline is DEADLINE by default."""
        self.wait_for(lambda: any(i["item"] == item for i in self.request(
            "GET", query("/v1/assignments:waiting", pageSize=100),
            token=office).json().get("items", [])))
        assigned = self.request("POST", "/v1/assignments", {"plan": {
            "item": item, "mode": "ASSIGNMENT_MODE_SOLE",
            "units": [{"unit": unit, "role": "UNIT_ROLE_LEAD"}],
            "deadline": deadline or {"fixedDate": DEADLINE}}}, token=office)
        assert assigned.status == 200, assigned
        return self.wait_for(lambda: next(iter(self.request(
            "GET", query("/v1/tasks", item=item), token=clerk).json().get("tasks", [])), None))


    def request(self, method, path, body=None, headers=None, token=None, connection=None,
                record=True):
        """One request (on `connection`, or a connection of its own). body: a dict (sent as
        JSON), str or bytes. Returns a Reply."""
        if isinstance(body, dict):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
        elif isinstance(body, str):
            body = body.encode("utf-8")
        all_headers = {"Content-Type": "application/json"} if body is not None else {}
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        all_headers.update(headers or {})
        conn = connection or self.connect()
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            if connection is None:
                conn.close()
        reply = Reply(method, path.split("?", 1)[0], response.status, response.msg, data)
        if record:
            self.exercised.append(reply)
        return reply


def openapi_operations(document):
    """{(METHOD, openapi path)} of a document."""
    return {(method.upper(), path) for path, operations in document["paths"].items()
            for method in operations}


def path_pattern(openapi_path):
    """A regex of a concrete path for an OpenAPI path ("/v1/items/{item}:accept")."""
    parts = re.split(r"(\{[^}]+\})", openapi_path)
    return re.compile("^" + "".join(
        "[^/:]+" if p.startswith("{") else re.escape(p) for p in parts) + "$")


def undocumented(replies, document):
    """The requests among `replies` that a route served but the document does not describe."""
    patterns = [(method, path_pattern(path)) for method, path in openapi_operations(document)]
    out = []
    for reply in replies:
        if reply.method == "OPTIONS" or reply.status == 405 or reply.is_router_not_found():
            continue  # preflights, and what the router itself refused, are not operations
        if not any(m == reply.method and p.match(reply.path) for m, p in patterns):
            out.append(f"{reply.method} {reply.path}")
    return sorted(set(out))


class GatewayTestCase(unittest.TestCase):
    stack = None
    # A class may tune the gateway ("--gateway.rate_limit_burst=…") or workflow.
    gateway_flags = ()
    workflow_flags = ()

    @classmethod
    def setUpClass(cls):
        stack = GatewayStack()
        stack.gateway_flags = list(cls.gateway_flags)
        stack.workflow_flags = list(cls.workflow_flags)
        cls.start_stack(stack)

    @classmethod
    def start_stack(cls, stack):
        """Starts `stack` as the class's, stopped and removed after the class even when a
        subclass's setUpClass fails after this (a class cleanup)."""
        cls.stack = stack.start()
        cls.addClassCleanup(stack.remove)
        cls.addClassCleanup(stack.stop)
        return stack

    # ---- callers: a person of their own per test where the rate limit could matter ----
    def office(self, person="persons/p-9001"):
        return self.stack.token(person, "ROLE_CONGRESS_OFFICE", name="孙敏")

    def proposer(self, who):
        return self.stack.token(who["person"], "ROLE_PROPOSER", name=who["name"])

    def call(self, method, path, body=None, token=None, headers=None, connection=None):
        return self.stack.request(method, path, body=body, headers=headers, token=token,
                                  connection=connection)

    def submit(self, item, token=None):
        reply = self.call("POST", "/v1/items", {"item": item}, token=token or self.office())
        self.assertEqual(reply.status, 200, reply)
        return reply.json()

    def item_path(self, name, verb=""):
        return f"/v1/{name}" + (f":{verb}" if verb else "")

    # ---- assertions ----
    def assert_ok(self, reply):
        self.assertEqual(reply.status, 200, reply)
        self.assertTrue(reply.header("Content-Type").startswith("application/json"), reply)
        return reply.json()

    def assert_error(self, reply, http_status, status, field=None, request_id=None,
                     header_request_id=True):
        """The one JSON error shape: code, status, message, requestId (equal to X-Request-Id),
        and, when `field` is given, a field violation naming it."""
        self.assertEqual(reply.status, http_status, reply)
        self.assertTrue(reply.header("Content-Type").startswith("application/json"), reply)
        error = reply.json()["error"]
        self.assertEqual(error["code"], http_status, reply)
        self.assertEqual(error["status"], status, reply)
        self.assertIsInstance(error["message"], str)
        self.assertTrue(error["message"], reply)
        self.assertRegex(error["requestId"], r"^[A-Za-z0-9._-]{1,128}$")
        if header_request_id:
            self.assertEqual(reply.header("X-Request-Id"), error["requestId"], reply)
        if request_id is not None:
            self.assertEqual(error["requestId"], request_id, reply)
        if field is not None:
            fields = [v["field"] for v in error.get("fieldViolations", [])]
            self.assertIn(field, fields, reply)
            bad_request = [d for d in error.get("details", [])
                           if d.get("@type") == "type.googleapis.com/google.rpc.BadRequest"]
            self.assertTrue(bad_request, reply)
        return error

    def assert_names_json_field(self, reply, field):
        """A JSON value of the wrong type or an unknown enum name: 400 naming the field itself."""
        self.assert_error(reply, 400, "INVALID_ARGUMENT", field=field)


class GatewayEndToEndTest(GatewayTestCase):
    """One intake and one gateway for the class; each test keeps to its own data."""

    @classmethod
    def tearDownClass(cls):
        # Every request a route served during the class must be in /openapi.json.
        try:
            document = cls.stack.request("GET", "/openapi.json", record=False).json()
            missing = undocumented(cls.stack.exercised, document)
        finally:
            super().tearDownClass()
        if missing:
            raise AssertionError(f"served but not in /openapi.json: {missing}")

    # ---- the way through intake ----
    def test_suggestion_is_submitted_read_listed_and_accepted_with_the_first_number(self):
        office = self.office()
        item = suggestion(S_FLOW, "关于加快城区老旧供水管网改造的建议",
                          "城关镇西街、北街一带供水管网铺设于上世纪八十年代，管道锈蚀，"
                          "夏季用水高峰常出现水压不足、水质发黄。建议分年度实施管网改造。",
                          year=2025, category="城乡建设")
        reply = self.call("POST", "/v1/items", {"requestId": "cs-2025-0101", "item": item},
                          token=office)
        submitted = self.assert_ok(reply)
        self.assertRegex(submitted["name"], r"^items/[a-z0-9-]+$")
        self.assertEqual(submitted["state"], "ITEM_STATE_SUBMITTED")
        self.assertEqual(submitted["kind"], "ITEM_KIND_SUGGESTION")
        self.assertEqual(submitted["leadProposer"]["name"], "刘桂芳")
        self.assertEqual(reply.header("ETag"), f'"{submitted["etag"]}"')
        self.assertNotIn("number_label", submitted)  # lowerCamelCase, never proto names

        retry = self.call("POST", "/v1/items", {"requestId": "cs-2025-0101", "item": item},
                          token=office)
        self.assertEqual(self.assert_ok(retry)["name"], submitted["name"])

        read = self.assert_ok(self.call("GET", self.item_path(submitted["name"]), token=office))
        self.assertEqual(read["title"], item["title"])
        self.assertEqual(read["leadProposer"]["phone"], "13807463375")

        listed = self.assert_ok(self.call("GET", query("/v1/items", session=S_FLOW),
                                          token=office))
        self.assertEqual([i["name"] for i in listed["items"]], [submitted["name"]])
        self.assertEqual(listed["totalSize"], 1)

        reply = self.call("POST", self.item_path(submitted["name"], "accept"), {}, token=office)
        accepted = self.assert_ok(reply)
        self.assertEqual(accepted["state"], "ITEM_STATE_ACCEPTED")
        self.assertEqual(accepted["number"], 1)
        self.assertEqual(accepted["numberLabel"], "建议第1号")
        self.assertEqual(reply.header("ETag"), f'"{accepted["etag"]}"')
        self.assertNotEqual(accepted["etag"], submitted["etag"])

    def test_list_pages_through_every_item_once_in_submission_order(self):
        office = self.office("persons/p-9002")
        titles = ["关于完善城区公交线路的建议", "关于增设学校周边交通信号灯的建议",
                  "关于加强农村饮用水安全保障的建议", "关于规范电动自行车停放充电的建议",
                  "关于建设城市口袋公园的建议"]
        submitted = [self.submit(suggestion(
            S_PAGES, title, f"{title[2:-3]}事关群众日常生活，代表在走访中多次听到群众反映，"
            "建议有关部门统筹研究、尽快解决。", year=2024), token=office)["name"]
            for title in titles]

        names, token, pages = [], "", 0
        while True:
            params = {"session": S_PAGES, "kind": "ITEM_KIND_SUGGESTION", "pageSize": 2}
            if token:
                params["pageToken"] = token
            page = self.assert_ok(self.call("GET", query("/v1/items", **params), token=office))
            pages += 1
            self.assertLessEqual(len(page["items"]), 2)
            self.assertEqual(page["totalSize"], 5)
            names += [i["name"] for i in page["items"]]
            token = page.get("nextPageToken", "")
            if not token:
                break
            self.assertLess(pages, 10, "paging does not end")
        self.assertEqual(pages, 3)
        self.assertEqual(names, submitted)  # submission order, each once

        # snake_case query parameters name the same fields
        first = self.assert_ok(self.call("GET", query("/v1/items", session=S_PAGES, page_size=2),
                                         token=office))
        second = self.assert_ok(self.call("GET", query(
            "/v1/items", session=S_PAGES, page_size=2, page_token=first["nextPageToken"]),
            token=office))
        self.assertEqual([i["name"] for i in second["items"]], submitted[2:4])

    def test_reworded_duplicate_is_found_similar_and_merged_into_the_first(self):
        office = self.office("persons/p-9003")
        first = self.submit(suggestion(
            S_MERGE, "关于缓解县医院周边停车难问题的建议",
            "县医院门前每天上午车辆排长队，占道停车严重影响通行，救护车进出困难。"
            "建议利用医院东侧闲置地块建设公共停车场，推行周边机关单位停车场错时开放。",
            year=2026, category="交通"), token=office)
        duplicate = self.submit(suggestion(
            S_MERGE, "关于解决县医院门前停车难的建议",
            "县医院门前上午车辆排起长队，占道停车影响通行，救护车进出不便。"
            "建议在医院东侧闲置地块建设停车场，周边机关单位停车场错时向社会开放。",
            lead=WANG, year=2026, category="交通"), token=office)

        deadline = time.monotonic() + INDEX_TIMEOUT
        while True:
            similar = self.assert_ok(self.call(
                "GET", self.item_path(first["name"]) + "/similar", token=office))
            candidates = [c["name"] for c in similar.get("mergeCandidates", [])]
            if duplicate["name"] in candidates or time.monotonic() > deadline:
                break
            time.sleep(POLL_INTERVAL)
        self.assertEqual(candidates[:1], [duplicate["name"]], similar)
        self.assertGreater(similar["mergeCandidates"][0]["score"], 0.5)

        merged = self.assert_ok(self.call(
            "POST", self.item_path(duplicate["name"], "merge"),
            {"target": first["name"], "reason": "与刘桂芳代表所提建议内容相同，并案办理"},
            token=office))
        self.assertEqual(merged["merged"]["state"], "ITEM_STATE_MERGED")
        self.assertEqual(merged["merged"]["mergedInto"], first["name"])
        self.assertEqual(merged["target"]["mergedItems"], [duplicate["name"]])
        joined = {p["person"]: p.get("joinedFromItem") for p in merged["target"]["coProposers"]}
        self.assertEqual(joined, {WANG["person"]: duplicate["name"]})

    def test_search_finds_an_item_by_a_two_character_word(self):
        office = self.office("persons/p-9004")
        property_item = self.submit(suggestion(
            S_SEARCH, "关于破解老旧小区物业管理难题的建议",
            "纺织厂宿舍、农机厂宿舍等老旧小区没有物业，下水道堵塞、楼道灯不亮长期没人管。"
            "建议推行社区托管物业，财政给予适当补贴。", lead=ZHAO, year=2023), token=office)
        self.submit(market_suggestion(S_SEARCH), token=office)

        deadline = time.monotonic() + INDEX_TIMEOUT
        while True:
            found = self.assert_ok(self.call(
                "GET", query("/v1/items:search", q="物业", session=S_SEARCH), token=office))
            names = [i["name"] for i in found.get("items", [])]
            if names or time.monotonic() > deadline:
                break
            time.sleep(POLL_INTERVAL)
        self.assertEqual(names, [property_item["name"]])

    def test_lead_proposer_withdraws_their_suggestion(self):
        office = self.office("persons/p-9006")
        item = self.submit(suggestion(
            S_OTHER, "关于在双河乡设立急救站点的建议",
            "双河乡距县城六十多公里，急救车往返需两个多小时，建议依托乡卫生院设立120急救分站。",
            lead=WANG, year=2022, category="医疗卫生"), token=office)

        not_theirs = self.call("POST", self.item_path(item["name"], "withdraw"),
                               {"reason": "不是我提的"}, token=self.proposer(LIU))
        self.assert_error(not_theirs, 403, "PERMISSION_DENIED")

        withdrawn = self.assert_ok(self.call(
            "POST", self.item_path(item["name"], "withdraw"),
            {"reason": "乡卫生院已纳入县急救网络建设计划，撤回本建议"},
            token=self.proposer(WANG), headers={"If-Match": f'"{item["etag"]}"'}))
        self.assertEqual(withdrawn["state"], "ITEM_STATE_WITHDRAWN")
        self.assertEqual(withdrawn["stateReason"], "乡卫生院已纳入县急救网络建设计划，撤回本建议")

    def test_cppcc_online_system_submits_a_proposal_with_its_api_key(self):
        proposal = {"kind": "ITEM_KIND_PROPOSAL", "session": P_ONLINE, "year": 2025,
                    "title": "关于缓解县城停车难问题的提案",
                    "body": "县城人民路、解放街一带商铺密集，占道停车严重影响通行。"
                            "建议利用闲置地块建设公共停车场，推行机关单位停车场错时向社会开放。",
                    "leadProposer": LIN, "category": "交通", "channel": "CHANNEL_CPPCC_ONLINE"}
        reply = self.call("POST", "/v1/items", {"requestId": "wyzx-2025-0156", "item": proposal},
                          headers={"X-Api-Key": self.stack.api_key})
        submitted = self.assert_ok(reply)
        self.assertEqual(submitted["kind"], "ITEM_KIND_PROPOSAL")
        self.assertEqual(submitted["channel"], "CHANNEL_CPPCC_ONLINE")
        self.assertEqual(submitted["state"], "ITEM_STATE_SUBMITTED")

        wrong_key = self.call("POST", "/v1/items", {"item": proposal},
                              headers={"X-Api-Key": "hy-" + secrets.token_urlsafe(32)})
        self.assert_error(wrong_key, 401, "UNAUTHENTICATED")
        self.assertEqual(wrong_key.header("WWW-Authenticate"), "Bearer")

    # ---- every error class, produced for real ----
    def test_malformed_json_is_400_naming_body(self):
        reply = self.call("POST", "/v1/items", '{"item": {"title": "关于', token=self.office())
        self.assert_error(reply, 400, "INVALID_ARGUMENT", field="body")

    def test_wrong_json_type_is_400_naming_the_field(self):
        reply = self.call("POST", "/v1/items", {"item": {"year": "二〇二五"}},
                          token=self.office())
        self.assert_names_json_field(reply, "item.year")

    def test_unknown_enum_name_is_400_naming_the_field(self):
        reply = self.call("POST", "/v1/items", {"item": {"kind": "ITEM_KIND_MOTION"}},
                          token=self.office())
        self.assert_names_json_field(reply, "item.kind")
        listed = self.call("GET", query("/v1/items", state="ITEM_STATE_LOST"), token=self.office())
        self.assert_error(listed, 400, "INVALID_ARGUMENT", field="state")

    def test_body_over_the_limit_is_413_with_a_json_error(self):
        body = {"item": market_suggestion()}
        body["item"]["body"] = "建议" * (MAX_BODY_BYTES // 6 + 1000)
        encoded = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.assertGreater(len(encoded), MAX_BODY_BYTES)
        reply = self.call("POST", "/v1/items", encoded, token=self.office(),
                          headers={"X-Request-Id": "big-body-1"})
        error = self.assert_error(reply, 413, "OUT_OF_RANGE", request_id="big-body-1")
        self.assertIn(str(MAX_BODY_BYTES), error["message"])

    def test_invalid_utf8_in_the_body_is_400_naming_body(self):
        raw = b'{"item": {"title": "\xb9\xd8\xd3\xda\xbd\xa8\xd2\xe9"}}'  # GBK, not UTF-8
        reply = self.call("POST", "/v1/items", raw, token=self.office())
        self.assert_error(reply, 400, "INVALID_ARGUMENT", field="body")

    def test_an_id_that_is_not_one_is_400_naming_name(self):
        reply = self.call("GET", "/v1/items/NOT_AN_ID", token=self.office())
        self.assert_error(reply, 400, "INVALID_ARGUMENT", field="name")

    def test_missing_credential_is_401_with_www_authenticate(self):
        reply = self.call("POST", "/v1/items", {"item": market_suggestion()})
        self.assert_error(reply, 401, "UNAUTHENTICATED")
        self.assertEqual(reply.header("WWW-Authenticate"), "Bearer")
        basic = self.call("GET", "/v1/items", headers={"Authorization": "Basic c3VuOm1pbg=="})
        self.assert_error(basic, 401, "UNAUTHENTICATED")

    def test_expired_token_is_401(self):
        # The same hand-made token is accepted while valid: it fails for its exp alone.
        valid = craft_token(office_claims(exp_offset=3600), self.stack.jwt_secret)
        self.assert_ok(self.call("GET", query("/v1/items", pageSize=1), token=valid))
        expired = craft_token(office_claims(exp_offset=-3600), self.stack.jwt_secret)
        reply = self.call("GET", query("/v1/items", pageSize=1), token=expired)
        error = self.assert_error(reply, 401, "UNAUTHENTICATED")
        self.assertIn("expired", error["message"])
        self.assertEqual(reply.header("WWW-Authenticate"), "Bearer")

    def test_token_signed_with_another_key_is_401(self):
        forged = craft_token(office_claims(exp_offset=3600), secrets.token_bytes(48))
        reply = self.call("GET", "/v1/items", token=forged)
        error = self.assert_error(reply, 401, "UNAUTHENTICATED")
        self.assertIn("signature", error["message"])
        self.assertEqual(reply.header("WWW-Authenticate"), "Bearer")

    def test_unsigned_alg_none_token_is_401(self):
        for alg in ("none", "None", "NONE"):
            unsigned = craft_token(office_claims(exp_offset=3600), b"", alg=alg)
            reply = self.call("GET", "/v1/items", token=unsigned)
            self.assert_error(reply, 401, "UNAUTHENTICATED")
            self.assertEqual(reply.header("WWW-Authenticate"), "Bearer")

    def test_unit_clerk_may_not_submit_403(self):
        clerk = self.stack.token("persons/p-3001", "ROLE_UNIT_CLERK", name="周静",
                                 unit="units/u-17")
        reply = self.call("POST", "/v1/items", {"item": market_suggestion()}, token=clerk)
        self.assert_error(reply, 403, "PERMISSION_DENIED")

    def test_accepting_twice_is_409(self):
        office = self.office("persons/p-9007")
        item = self.submit(market_suggestion(), token=office)
        self.assert_ok(self.call("POST", self.item_path(item["name"], "accept"), {},
                                 token=office))
        again = self.call("POST", self.item_path(item["name"], "accept"), {}, token=office)
        self.assert_error(again, 409, "FAILED_PRECONDITION")

    def test_stale_if_match_is_412_and_the_current_etag_succeeds(self):
        office = self.office("persons/p-9008")
        read = self.submit(suggestion(
            S_OTHER, "关于整治城区餐饮油烟扰民的建议",
            "人民路沿街餐饮店油烟直排，周边居民长期受扰。建议督促安装油烟净化设施并定期检测。",
            year=2022, category="生态环境"), token=office)
        duplicate = self.submit(suggestion(
            S_OTHER, "关于治理人民路餐饮油烟污染的建议",
            "人民路餐饮店油烟直排扰民，建议安装油烟净化设施。", lead=ZHAO, year=2022,
            category="生态环境"), token=office)
        # Someone else merges a duplicate into it after it was read: its etag moves on.
        self.assert_ok(self.call("POST", self.item_path(duplicate["name"], "merge"),
                                 {"target": read["name"]}, token=office))

        stale = self.call("POST", self.item_path(read["name"], "accept"), {}, token=office,
                          headers={"If-Match": f'"{read["etag"]}"'})
        self.assert_error(stale, 412, "ABORTED")

        current = self.call("GET", self.item_path(read["name"]), token=office)
        self.assert_ok(current)
        accepted = self.assert_ok(self.call("POST", self.item_path(read["name"], "accept"), {},
                                            token=office,
                                            headers={"If-Match": current.header("ETag")}))
        self.assertEqual(accepted["state"], "ITEM_STATE_ACCEPTED")

    def test_unknown_route_is_404_naming_the_path(self):
        for method, path in (("GET", "/v1/proposals"), ("POST", "/v2/items"),
                             ("GET", "/v1/items/abc/answers")):
            reply = self.call(method, path, token=self.office())
            self.assert_error(reply, 404, "NOT_FOUND")
            self.assertTrue(reply.is_router_not_found(), reply)
        missing_item = self.call("GET", f"/v1/items/{NO_SUCH_ITEM}", token=self.office())
        self.assert_error(missing_item, 404, "NOT_FOUND")
        self.assertFalse(missing_item.is_router_not_found(), missing_item)

    def test_wrong_method_is_405_with_allow(self):
        reply = self.call("DELETE", "/v1/items/x", token=self.office())
        self.assert_error(reply, 405, "UNIMPLEMENTED")
        self.assertEqual(reply.header("Allow"), "GET")
        put = self.call("PUT", "/v1/items", {}, token=self.office())
        self.assert_error(put, 405, "UNIMPLEMENTED")
        self.assertEqual(sorted(put.header("Allow").split(", ")), ["GET", "POST"])

    def test_flood_from_one_client_is_429_with_retry_after_and_spares_others(self):
        flooder = self.office("persons/p-9666")
        connection = self.stack.connect()
        replies = []
        started = time.monotonic()
        try:
            for _ in range(3 * RATE_BURST):
                replies.append(self.call("GET", query("/v1/items", pageSize=1), token=flooder,
                                         connection=connection))
        finally:
            connection.close()
        elapsed = time.monotonic() - started
        statuses = [r.status for r in replies]
        self.assertEqual(set(statuses) - {200, 429}, set(), statuses)
        self.assertEqual(statuses[:RATE_BURST], [200] * RATE_BURST)  # the burst goes through
        self.assertLessEqual(statuses.count(200), RATE_BURST + RATE_PER_SECOND * elapsed + 1)
        limited = [r for r in replies if r.status == 429]
        self.assertTrue(limited, f"no 429 in {len(replies)} requests over {elapsed:.2f} s")
        self.assert_error(limited[0], 429, "RESOURCE_EXHAUSTED")
        self.assertGreaterEqual(int(limited[0].header("Retry-After")), 1)

        other = self.call("GET", query("/v1/items", pageSize=1),
                          token=self.office("persons/p-9667"))
        self.assert_ok(other)

    # ---- what every request gets ----
    def test_given_request_id_is_echoed_in_the_header_and_the_error_body(self):
        given = "cs-20250217-0001"
        reply = self.call("GET", "/v1/items/NOT_AN_ID", token=self.office(),
                          headers={"X-Request-Id": given})
        self.assertEqual(reply.header("X-Request-Id"), given)
        self.assert_error(reply, 400, "INVALID_ARGUMENT", request_id=given)
        ok = self.call("GET", query("/v1/items", pageSize=1), token=self.office(),
                       headers={"X-Request-Id": given})
        self.assertEqual(ok.header("X-Request-Id"), given)

        # None given, or one not fit for logs: a fresh id (128 random bits, 32 hex digits).
        made_ids = set()
        for headers in ({}, {"X-Request-Id": "请求 1; drop".encode("utf-8")}):
            made = self.call("GET", "/v1/proposals", headers=headers)
            self.assertRegex(made.header("X-Request-Id"), r"^[0-9a-f]{32}$")
            self.assert_error(made, 404, "NOT_FOUND")
            made_ids.add(made.header("X-Request-Id"))
        self.assertEqual(len(made_ids), 2)

    def test_cors_preflight_from_the_allowed_origin_is_204(self):
        reply = self.call("OPTIONS", "/v1/items", headers={
            "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"})
        self.assertEqual(reply.status, 204, reply)
        self.assertEqual(reply.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
        self.assertIn("POST", reply.header("Access-Control-Allow-Methods"))
        allowed_headers = reply.header("Access-Control-Allow-Headers").lower()
        for header in ("authorization", "content-type", "if-match", "x-request-id"):
            self.assertIn(header, allowed_headers)
        self.assertIn("Origin", reply.header("Vary"))

        actual = self.call("GET", query("/v1/items", pageSize=1), token=self.office(),
                           headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(actual.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
        self.assertIn("X-Request-Id", actual.header("Access-Control-Expose-Headers"))

    def test_cors_preflight_from_another_origin_is_403(self):
        reply = self.call("OPTIONS", "/v1/items", headers={
            "Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
        self.assert_error(reply, 403, "PERMISSION_DENIED")
        self.assertIsNone(reply.header("Access-Control-Allow-Origin"))
        not_served = self.call("OPTIONS", "/v1/items", headers={
            "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "DELETE"})
        self.assert_error(not_served, 403, "PERMISSION_DENIED")
        actual = self.call("GET", query("/v1/items", pageSize=1), token=self.office(),
                           headers={"Origin": "https://evil.example.com"})
        self.assertIsNone(actual.header("Access-Control-Allow-Origin"))

    def test_healthz_and_readyz_are_200(self):
        health = self.call("GET", "/healthz")
        self.assertEqual((health.status, health.json()), (200, {"status": "ok"}))
        ready = self.call("GET", "/readyz")
        self.assertEqual((ready.status, ready.json()), (200, {"status": "ready"}))

    def test_metrics_label_routes_by_template_never_by_id(self):
        office = self.office("persons/p-9009")
        item = self.submit(market_suggestion(), token=office)
        item_id = item["name"].split("/", 1)[1]
        self.assert_ok(self.call("GET", self.item_path(item["name"]), token=office))
        self.call("GET", f"/v1/items/{NO_SUCH_ITEM}", token=office)
        self.call("GET", f"/v1/no-route/{item_id}", token=office)

        metrics = self.call("GET", "/metrics")
        self.assertEqual(metrics.status, 200)
        samples = re.findall(r"^huiyin_http_requests_total\{(.*)\} (\S+)$",
                             metrics.text, re.MULTILINE)
        self.assertTrue(samples, metrics.text)
        routes = {re.search(r'route="([^"]*)"', labels).group(1) for labels, _ in samples}
        self.assertIn("/v1/{name=items/*}", routes)
        self.assertTrue(any("{name=items/*}" in r for r in routes))
        for route in routes:
            self.assertNotIn(item_id, route)
            self.assertNotIn(NO_SUCH_ITEM, route)
            self.assertTrue(route == "unmatched" or route.startswith("/"), route)
        get_item = [float(value) for labels, value in samples
                    if 'route="/v1/{name=items/*}"' in labels and 'method="GET"' in labels
                    and 'code="200"' in labels]
        self.assertTrue(get_item and get_item[0] >= 1, metrics.text)

    # ---- the description of the API ----
    def openapi_document(self):
        reply = self.call("GET", "/openapi.json")
        self.assertEqual(reply.status, 200, reply)
        document = reply.json()
        self.assertTrue(document["openapi"].startswith("3."), document.get("openapi"))
        return document

    def test_openapi_lists_exactly_the_served_routes(self):
        document = self.openapi_document()
        operations = openapi_operations(document)
        for route in [("POST", "/v1/items"), ("GET", "/v1/items"), ("GET", "/v1/items/{item}"),
                      ("POST", "/v1/items/{item}:accept"), ("POST", "/v1/items/{item}:reject"),
                      ("POST", "/v1/items/{item}:merge"), ("POST", "/v1/items/{item}:withdraw"),
                      ("GET", "/v1/items/{item}/similar"), ("GET", "/v1/items:search"),
                      ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"),
                      ("GET", "/openapi.json")]:
            self.assertIn(route, operations)

        office = self.office("persons/p-9010")
        for method, path in sorted(operations):
            declared = {p["name"] for p in document["paths"][path][method.lower()].get(
                "parameters", []) if p["in"] == "path"}
            self.assertEqual(declared, set(re.findall(r"\{([^}]+)\}", path)), path)
            concrete = re.sub(r"\{[^}]+\}", NO_SUCH_ITEM, path)
            reply = self.call(method, concrete, {} if method == "POST" else None, token=office)
            self.assertFalse(reply.is_router_not_found(), reply)
            self.assertNotEqual(reply.status, 405, reply)
            self.assertLess(reply.status, 500, reply)

        # And the other way: every request served so far is described (all of them are checked
        # again when the class ends).
        self.assertEqual(undocumented(self.stack.exercised, document), [])

    def test_openapi_document_passes_swagger_parser_validation(self):
        if not VALIDATOR_NODE_PATH:
            self.skipTest("HUIYIN_OPENAPI_VALIDATOR_NODE_PATH is not set")
        node = shutil.which("node")
        self.assertIsNotNone(node, "HUIYIN_OPENAPI_VALIDATOR_NODE_PATH is set but there is no node")
        document = self.openapi_document()
        path = self.stack.workdir / "openapi.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        result = subprocess.run([node, str(VALIDATOR), str(path)], capture_output=True,
                                text=True, timeout=60,
                                env=dict(os.environ, NODE_PATH=VALIDATOR_NODE_PATH))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(f"openapi: valid, {len(document['paths'])} paths", result.stdout)


class GatewayWithoutIntakeTest(GatewayTestCase):
    """Its own processes: the test kills intake under the gateway."""

    def test_readyz_and_calls_are_503_once_intake_is_gone(self):
        office = self.office()
        self.assertEqual(self.call("GET", "/readyz").status, 200)
        self.assert_ok(self.call("GET", query("/v1/items", pageSize=1), token=office))

        self.stack.intake.kill(signal.SIGKILL)
        self.stack.intake = None

        ready = self.call("GET", "/readyz", headers={"X-Request-Id": "probe-1"})
        error = self.assert_error(ready, 503, "UNAVAILABLE", request_id="probe-1")
        self.assertNotIn("127.0.0.1", error["message"])  # no internals on the public port
        listed = self.call("GET", query("/v1/items", pageSize=1), token=office)
        error = self.assert_error(listed, 503, "UNAVAILABLE")
        self.assertNotIn("127.0.0.1", error["message"])
        self.assertEqual(listed.header("Retry-After"), "1")
        submitted = self.call("POST", "/v1/items", {"item": market_suggestion()}, token=office)
        self.assert_error(submitted, 503, "UNAVAILABLE")
        self.assertEqual(self.call("GET", "/healthz").status, 200)  # the gateway itself is up


class GatewayGuessingTest(GatewayTestCase):
    """Its own processes: a flood of wrong credentials from one address."""

    def test_guessing_api_keys_is_throttled_by_address(self):
        statuses = [self.call("GET", "/v1/items", headers={"X-Api-Key": f"guess-{n:04d}"}).status
                    for n in range(120)]
        self.assertIn(401, statuses)
        limited = [n for n, status in enumerate(statuses) if status == 429]
        self.assertTrue(limited, statuses)
        # The burst is spent on guesses first; nothing past it gets a free try.
        self.assertLessEqual(statuses.count(401), 60, statuses)


if __name__ == "__main__":
    unittest.main()
