"""Deployment checked against the real thing: the Compose file (Debian's docker-compose), the
kustomize base (kubectl kustomize when kubectl is installed, else assembled here), the Dockerfile's
runtime packages (against `ldd` of the built binaries), Prometheus' configuration and rules
(promtool), the Grafana dashboards, a real Prometheus scraping a running stack, and an online
backup restored into a fresh stack that serves the same data.

    cd tests/python && /usr/bin/python3 -m unittest -v deploy_test
(binaries from HUIYIN_*_BIN as for gateway_e2e_test, and HUIYIN_BACKUP_BIN for huiyin-backup;
/usr/bin/prometheus, /usr/bin/promtool and docker-compose from deploy/local/install-deps.sh.)
Every process is started by this test and killed by its PID.
"""

import contextlib
import datetime
import hashlib
import json
import os
import pathlib
import re
import shutil
import socket
import sqlite3
import stat
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request

import yaml

from gateway_e2e_test import CHINA, DEADLINE, REPO_ROOT, GatewayStack, Process, query

DEPLOY = REPO_ROOT / "deploy"
K8S = DEPLOY / "k8s"
PROMETHEUS_DIR = DEPLOY / "prometheus"
GRAFANA_DIR = DEPLOY / "grafana"
BUILD = REPO_ROOT / "build"
BACKUP_BIN = os.environ.get("HUIYIN_BACKUP_BIN") or str(BUILD / "common" / "store" / "huiyin-backup")
BINARY_ENV = ["HUIYIN_INTAKE_BIN", "HUIYIN_ASSIGNMENT_BIN", "HUIYIN_WORKFLOW_BIN",
              "HUIYIN_SUPERVISION_BIN", "HUIYIN_DISCLOSURE_BIN", "HUIYIN_GATEWAY_BIN",
              "HUIYIN_TOKEN_BIN", "HUIYIN_BACKUP_BIN", "HUIYIN_RECONCILE_BIN",
              "HUIYIN_AUDIT_BIN"]
PROMETHEUS = "/usr/bin/prometheus"
PROMTOOL = "/usr/bin/promtool"

# The six processes: gRPC port and admin port (the gateway serves /metrics on its HTTP port).
BACKENDS = {"intake": (7101, 7191), "assignment": (7102, 7192), "workflow": (7103, 7193),
            "supervision": (7104, 7194), "disclosure": (7105, 7195)}
SERVICES = list(BACKENDS) + ["gateway"]
GATEWAY_PORT = 8080
SECRET_FILES = ["internal_credential", "jwt_secret", "cppcc_api_key", "api_keys.jsonl",
                "cppcc_webhook_secret", "grafana_admin_password"]
TIMEOUT = 30


def run(argv, check=True, **kwargs):
    kwargs.setdefault("timeout", 120)
    result = subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, argv))} exited {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def make_secrets(directory):
    run(["bash", DEPLOY / "docker" / "make-secrets.sh", directory])
    return pathlib.Path(directory)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8")


def config_dependencies():
    """{section: {service it calls}} from the *_address fields of config.proto's sections, e.g.
    {"workflow": {"intake", "assignment"}, ...}: what each binary is wired to."""
    text = (REPO_ROOT / "proto" / "huiyin" / "config" / "v1" / "config.proto").read_text()
    deps = {}
    for section in SERVICES:
        body = re.search(r"message %sConfig \{(.*?)\n\}" % section.capitalize(), text, re.S)
        if not body:
            continue
        fields = re.findall(r"^\s*string (\w+)_address = \d+;", body.group(1), re.M)
        deps[section] = {f for f in fields if f in BACKENDS}
    return deps


def assert_wired(test, args_by_service):
    """Each service's flags set every *_address field its config section has (and no other),
    to the callee's name and gRPC port: e.g. --workflow.intake_address=intake:7101."""
    for section, targets in config_dependencies().items():
        args = args_by_service[section]
        wired = {a.split("=", 1)[0] for a in args if a.startswith(f"--{section}.")
                 and a.split("=", 1)[0].endswith("_address") and "http_address" not in a}
        test.assertEqual(wired, {f"--{section}.{t}_address" for t in targets}, section)
        for t in targets:
            test.assertIn(f"--{section}.{t}_address={t}:{BACKENDS[t][0]}", args)


# ---------------------------------------------------------------------------------------------
# PromQL in dashboards and rules
# ---------------------------------------------------------------------------------------------

GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "1m", "$__range": "1h",
                     "$unit": ".*", "$job": ".*"}


def dashboards():
    return {p.name: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((GRAFANA_DIR / "dashboards").glob("*.json"))}


def dashboard_exprs():
    """Every PromQL expression of every dashboard (panel targets and variable queries), with
    Grafana's variables replaced by values Prometheus accepts."""
    out = []

    def panels(items):
        for p in items:
            yield p
            yield from panels(p.get("panels", []))

    for name, board in dashboards().items():
        for panel in panels(board["panels"]):
            for t in panel.get("targets", []):
                out.append((f"{name}: {panel['title']}", t["expr"]))
        for var in board.get("templating", {}).get("list", []):
            q = var.get("query", {})
            q = q.get("query", "") if isinstance(q, dict) else q
            m = re.fullmatch(r"label_values\((.*),\s*\w+\)", q)
            if m:
                out.append((f"{name}: variable {var['name']}", m.group(1)))
    subst = []
    for where, expr in out:
        for var, value in GRAFANA_VARIABLES.items():
            expr = expr.replace(var, value)
        subst.append((where, expr))
    return subst


def rule_groups():
    out = []
    for path in sorted((PROMETHEUS_DIR / "rules").glob("*.yml")):
        if path.name.endswith("_test.yml"):
            continue
        out.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["groups"])
    return out


def rule_exprs():
    return [(f"rule {r.get('record') or r.get('alert')}", r["expr"])
            for g in rule_groups() for r in g["rules"]]


def recorded_names():
    return {r["record"] for g in rule_groups() for r in g["rules"] if "record" in r}


def referenced_metrics(expr):
    """Metric names an expression reads: identifiers outside label matchers and strings."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}", "{}", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    names = set()
    for m in re.finditer(r"(?<![\w:.$])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()", expr):
        word = m.group(1)
        if word in {"by", "without", "on", "ignoring", "bool", "and", "or", "unless", "offset",
                    "group_left", "group_right", "inf", "nan"}:
            continue
        if re.fullmatch(r"\d+[smhdwy]", word):
            continue
        names.add(word)
    return names


def exported_names(metrics_text):
    """Metric families a /metrics page exports (histograms by family and by series name)."""
    names = set()
    for line in metrics_text.splitlines():
        m = re.match(r"# TYPE (\S+) (\w+)", line)
        if m:
            names.add(m.group(1))
            if m.group(2) == "histogram":
                names.update(m.group(1) + s for s in ("_bucket", "_sum", "_count"))
        elif line and not line.startswith("#"):
            names.add(re.match(r"[^{\s]+", line).group(0))
    return names


# ---------------------------------------------------------------------------------------------
# Data: one unit, one item carried to an issued answer rated by its proposer
# ---------------------------------------------------------------------------------------------

SESSION = "县第十八届人民代表大会第七次会议"
OFFICE = ("persons/gov-d1", "ROLE_GOVERNMENT_OFFICE", "县政府办公室 钱峰")
CONGRESS = ("persons/cong-d1", "ROLE_CONGRESS_OFFICE", "县人大选联工委 孙敏")
SUPERVISION = ("persons/du-cha-d1", "ROLE_SUPERVISION_OFFICE", "县政府督查室 周明")
LEAD = ("persons/p-8101", "ROLE_PROPOSER", "何秀兰")
UNIT = "units/water-d"
HEAD, DEPUTY, CLERK = "persons/wd-head", "persons/wd-deputy", "persons/wd-clerk"
ANSWER = (
    "尊敬的何秀兰代表：\n"
    "您提出的《关于解决东关街道老旧小区二次供水水压不足的建议》收悉。经研究，现答复如下：\n"
    "一、东关街道三个老旧小区的二次供水泵房已列入今年改造计划，11月底前完成设备更换。\n"
    "二、改造期间由供水公司每日巡检，水压不足时启用临时加压设备。\n"
    "感谢您对供水工作的关心和支持。\n"
    "联系人：马丽，电话：0731-5553210\n"
    "县水利局")
ANSWER_B = (
    "尊敬的何秀兰代表：\n"
    "您提出的《关于修缮城关镇南河排涝泵站的建议》收悉。经研究，现答复如下：\n"
    "南河排涝泵站修缮已列入年度计划，分步实施：2026年1月15日前完成两台水泵大修，"
    "汛期前增设一台备用机组。\n"
    "感谢您对水利工作的关心和支持。\n"
    "联系人：马丽，电话：0731-5553210\n"
    "县水利局")
COMMITMENT_DUE = "2026-01-15"  # in the past: the commitment is overdue


def wait_for(probe, what, timeout=TIMEOUT, interval=0.2):
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def ok(reply):
    if reply.status != 200:
        raise AssertionError(repr(reply))
    return reply.json()


class UnitPeople:
    """The unit's people and the offices, as bearer tokens of one stack."""

    def __init__(self, stack):
        self.office, self.congress = stack.token(*OFFICE), stack.token(*CONGRESS)
        self.clerk = stack.token(CLERK, "ROLE_UNIT_CLERK", name="马丽", unit=UNIT)
        self.deputy = stack.token(DEPUTY, "ROLE_UNIT_DEPUTY_HEAD", name="高建", unit=UNIT)
        self.head = stack.token(HEAD, "ROLE_UNIT_HEAD", name="冯涛", unit=UNIT)
        self.lead = stack.token(LEAD[0], LEAD[1], name=LEAD[2])


def create_unit(stack, people):
    ok(stack.request("POST", "/v1/units", {"unitId": UNIT.split("/")[1], "unit": {
        "displayName": "县水利局", "kind": "UNIT_KIND_BUREAU", "active": True,
        "categories": ["城乡建设"], "members": [
            {"person": HEAD, "name": "冯涛", "role": "MEMBER_ROLE_HEAD", "section": "局办公室"},
            {"person": DEPUTY, "name": "高建", "role": "MEMBER_ROLE_DEPUTY_HEAD", "section": "供水股"},
            {"person": CLERK, "name": "马丽", "role": "MEMBER_ROLE_CLERK", "section": "供水股"}]}},
        token=people.office))


def assign_item(stack, people, title, body):
    """Submits, accepts and assigns an item to the unit; returns (item, task) once workflow
    has the task and the unit has signed for it."""
    item = ok(stack.request("POST", "/v1/items", {"item": {
        "kind": "ITEM_KIND_SUGGESTION", "session": SESSION, "year": 2026, "title": title,
        "body": body, "category": "城乡建设", "channel": "CHANNEL_CONGRESS_SYSTEM",
        "leadProposer": {"person": LEAD[0], "name": LEAD[2], "group": "东关街道代表团"}}},
        token=people.congress))["name"]
    ok(stack.request("POST", f"/v1/{item}:accept", {}, token=people.congress))
    wait_for(lambda: any(i["item"] == item for i in stack.request(
        "GET", query("/v1/assignments:waiting", pageSize=100),
        token=people.office).json().get("items", [])), "the item on assignment's waiting list")
    ok(stack.request("POST", "/v1/assignments", {"plan": {
        "item": item, "mode": "ASSIGNMENT_MODE_SOLE",
        "units": [{"unit": UNIT, "role": "UNIT_ROLE_LEAD"}],
        "deadline": {"fixedDate": DEADLINE}}}, token=people.office))
    task = wait_for(lambda: next(iter(stack.request(
        "GET", query("/v1/tasks", item=item), token=people.clerk).json().get("tasks", [])), None),
        "workflow's task")["name"]
    ok(stack.request("POST", f"/v1/{task}:acknowledge", {"responsible": {
        "head": HEAD, "headName": "冯涛", "deputyHead": DEPUTY, "deputyHeadName": "高建",
        "section": "供水股", "clerk": CLERK, "clerkName": "马丽"}}, token=people.clerk))
    return item, task


def issue_answer(stack, people, task, answer):
    answer = dict(answer, contactPerson="马丽", contactPhone="0731-5553210",
                  answerDate=datetime.datetime.now(CHINA).date().isoformat())
    name = ok(stack.request("POST", f"/v1/{task}/answers", {"answer": answer},
                            token=people.clerk))["name"]
    ok(stack.request("POST", f"/v1/{name}:review", {"approve": True}, token=people.deputy))
    ok(stack.request("POST", f"/v1/{name}:sign", {}, token=people.head))
    ok(stack.request("POST", f"/v1/{name}:issue", {}, token=people.clerk))
    return name


def load_answered_item(stack):
    """Creates the unit, an accepted item assigned to it, an issued A-class answer and the
    proposer's 满意 rating, all through the gateway; waits until supervision's figures have it.
    Returns the item's name."""
    people = UnitPeople(stack)
    create_unit(stack, people)
    item, task = assign_item(stack, people, "关于解决东关街道老旧小区二次供水水压不足的建议",
                             "东关街道三个老旧小区高层住户长期水压不足，夏季用水高峰时五楼以上经常停水。"
                             "建议更换二次供水设备，明确改造时间。")
    answer = issue_answer(stack, people, task, {"answerClass": "ANSWER_CLASS_A", "text": ANSWER})
    ok(stack.request("POST", f"/v1/{answer}:evaluate",
                     {"rating": "RATING_SATISFIED", "comment": "设备已更换，水压正常"},
                     token=people.lead))
    supervision = stack.token(*SUPERVISION)
    wait_for(lambda: figure_of(stack, supervision, "satisfactionRate") == 1,
             "supervision's figures to count the rated answer")
    return item


def load_overdue_commitment(stack):
    """A second item of the unit answered B-class with a commitment due in January and not
    fulfilled: an overdue step (承诺事项) for supervision."""
    people = UnitPeople(stack)
    _, task = assign_item(stack, people, "关于修缮城关镇南河排涝泵站的建议",
                          "南河排涝泵站设备老化，去年汛期两台水泵故障。建议尽快修缮并增加备用机组。")
    issue_answer(stack, people, task, {"answerClass": "ANSWER_CLASS_B", "text": ANSWER_B,
                                       "commitments": [{"text": "完成南河排涝泵站两台水泵大修",
                                                        "dueDate": COMMITMENT_DUE}]})
    metrics = f"http://127.0.0.1:{stack.supervision_ports['admin']}/metrics"
    wait_for(lambda: re.search(r'^huiyin_supervision_overdue_steps\{(?=[^}]*step="COMMITMENT")'
                               r'(?=[^}]*unit="%s")[^}]*\} 1\b' % UNIT, http_get(metrics)[1],
                               re.M), "supervision to see the overdue commitment")


def figure_of(stack, token, figure):
    rows = stack.request("GET", query("/v1/figures", year=2026, groupBy="GROUP_BY_UNIT"),
                         token=token).json().get("rows", [])
    return next((r["figures"].get(figure, 0) for r in rows if r["group"] == UNIT), None)


def admin_ports(stack):
    """{service: admin port} of a running GatewayStack."""
    ports = {name: getattr(stack, f"{name}_ports")["admin"] for name in BACKENDS}
    ports["gateway"] = stack.port
    return ports


def scrape_all(stack):
    return {name: http_get(f"http://127.0.0.1:{port}/metrics")[1]
            for name, port in admin_ports(stack).items()}


# ---------------------------------------------------------------------------------------------
# Files: compose, Dockerfile, kustomize, Prometheus configuration and rules, dashboards
# ---------------------------------------------------------------------------------------------

class ComposeTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="huiyin-deploy-compose-"))
        cls.secrets = make_secrets(cls.tmp / "secrets")
        env = dict(os.environ, HUIYIN_SECRETS_DIR=str(cls.secrets))
        compose = ["docker-compose", "-f", REPO_ROOT / "docker-compose.yml"]
        run(compose + ["config", "-q"], env=env, cwd=REPO_ROOT)
        cls.config = yaml.safe_load(run(compose + ["config"], env=env, cwd=REPO_ROOT).stdout)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_runs_the_six_services_prometheus_and_grafana(self):
        self.assertEqual(set(self.config["services"]), set(SERVICES) | {"prometheus", "grafana"})
        for name in SERVICES:
            service = self.config["services"][name]
            self.assertEqual(service["command"][0], f"huiyin-{name}")
            self.assertEqual(service["build"]["dockerfile"], "deploy/docker/Dockerfile")
            self.assertTrue((REPO_ROOT / service["build"]["dockerfile"]).is_file())
            self.assertTrue(service["read_only"], name)
            self.assertEqual(service["cap_drop"], ["ALL"], name)

    def test_only_the_gateway_and_grafana_are_published(self):
        published = {name: [str(p["target"]) if isinstance(p, dict) else str(p).split(":")[-1]
                            for p in service.get("ports", [])]
                     for name, service in self.config["services"].items()}
        self.assertEqual({n: p for n, p in published.items() if p},
                         {"gateway": [str(GATEWAY_PORT)], "grafana": ["3000"]})
        self.assertTrue(self.config["networks"]["backend"]["internal"])

    def test_every_store_has_its_own_volume_and_every_service_a_health_check(self):
        volumes = set()
        for name, (grpc, admin) in BACKENDS.items():
            service = self.config["services"][name]
            self.assertIn(f"--server.grpc_address=0.0.0.0:{grpc}", service["command"])
            self.assertIn(f"--server.admin_address=0.0.0.0:{admin}", service["command"])
            self.assertIn(f"--server.database_path=/var/lib/huiyin/{name}.db", service["command"])
            data = [v for v in service["volumes"] if v.endswith(":/var/lib/huiyin:rw")
                    or v.endswith(":/var/lib/huiyin")]
            self.assertEqual(len(data), 1, service["volumes"])
            volume = data[0].split(":")[0]
            self.assertIn(volume, self.config["volumes"])
            volumes.add(volume)
            self.assertEqual(service["healthcheck"]["test"],
                             ["CMD", "huiyin-healthcheck", f"127.0.0.1:{admin}/readyz"])
        self.assertEqual(len(volumes), len(BACKENDS))
        self.assertEqual(self.config["services"]["gateway"]["healthcheck"]["test"],
                         ["CMD", "huiyin-healthcheck", f"127.0.0.1:{GATEWAY_PORT}/readyz"])
        for name in ("prometheus", "grafana"):
            self.assertIn("healthcheck", self.config["services"][name])

    def test_keys_come_from_secrets_not_from_the_file_or_the_image(self):
        values = {f: (self.secrets / f).read_text().strip() for f in SECRET_FILES}
        rendered = json.dumps(self.config["services"])
        for name, value in values.items():
            self.assertNotIn(value, rendered, f"{name} appears in the service definitions")
        for name in SERVICES:
            service = self.config["services"][name]
            self.assertIn("internal_credential", [s["source"] for s in service["secrets"]])
            self.assertEqual(service["environment"]["HUIYIN_INTERNAL_CREDENTIAL_FILE"],
                             "/run/secrets/internal_credential")
        for name, secret in self.config["secrets"].items():
            self.assertTrue(pathlib.Path(secret["file"]).is_file(), name)
        gateway = self.config["services"]["gateway"]["command"]
        self.assertIn("--gateway.jwt_hs256_secret_file=/run/secrets/jwt_secret", gateway)
        self.assertIn("--gateway.api_keys_file=/run/secrets/api_keys", gateway)

    def test_prometheus_and_grafana_mount_the_shipped_configuration(self):
        prometheus = self.config["services"]["prometheus"]
        self.assertIn(f"{DEPLOY / 'prometheus'}:/etc/prometheus:ro", prometheus["volumes"])
        self.assertIn("--config.file=/etc/prometheus/prometheus.yml", prometheus["command"])
        grafana = self.config["services"]["grafana"]
        self.assertIn(f"{GRAFANA_DIR / 'provisioning'}:/etc/grafana/provisioning:ro",
                      grafana["volumes"])
        provider = yaml.safe_load((GRAFANA_DIR / "provisioning" / "dashboards" / "huiyin.yml")
                                  .read_text(encoding="utf-8"))["providers"][0]
        self.assertIn(f"{GRAFANA_DIR / 'dashboards'}:{provider['options']['path']}:ro",
                      grafana["volumes"])

    def test_services_are_wired_to_what_their_configuration_names(self):
        assert_wired(self, {name: self.config["services"][name]["command"] for name in SERVICES})

    def test_prometheus_scrapes_every_admin_port_by_service_name(self):
        config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8"))
        targets = {job["job_name"]: job["static_configs"][0]["targets"]
                   for job in config["scrape_configs"]}
        for name, (_, admin) in BACKENDS.items():
            self.assertEqual(targets[f"huiyin-{name}"], [f"{name}:{admin}"])
        self.assertEqual(targets["huiyin-gateway"], [f"gateway:{GATEWAY_PORT}"])

    def test_make_secrets_is_idempotent_and_keeps_the_directory_private(self):
        before = {f: (self.secrets / f).read_bytes() for f in SECRET_FILES}
        make_secrets(self.secrets)
        self.assertEqual({f: (self.secrets / f).read_bytes() for f in SECRET_FILES}, before)
        self.assertEqual(stat.S_IMODE(self.secrets.stat().st_mode), 0o700)
        key_line = json.loads(before["api_keys.jsonl"])
        self.assertEqual(key_line["sha256"], hashlib.sha256(before["cppcc_api_key"]).hexdigest())


class DockerfileTest(unittest.TestCase):
    text = (DEPLOY / "docker" / "Dockerfile").read_text(encoding="utf-8")

    def runtime_packages(self):
        runtime = self.text.split("AS runtime", 1)[1]
        install = re.search(r"apt-get install[^\n]*--no-install-recommends((?:[^\n]*\\\n)+[^\n]*)",
                            runtime).group(1)
        return set(re.findall(r"\b([a-z0-9][a-z0-9.+-]+)\b",
                              install.replace("\\\n", " ").split("&&")[0]))

    def test_builds_on_debian_12_with_the_shared_package_list_and_ships_slim(self):
        stages = re.findall(r"^FROM (\S+) AS (\w+)", self.text, re.M)
        self.assertEqual(stages, [("debian:12", "build"), ("debian:12-slim", "runtime")])
        self.assertIn("bash /tmp/install-deps.sh --build", self.text)
        result = run(["bash", "-n", DEPLOY / "local" / "install-deps.sh"])
        self.assertEqual(result.returncode, 0)
        self.assertRegex(self.text, r"\nUSER 10001:10001\n")
        for source in re.findall(r"^COPY (?!--from)(\S+)", self.text, re.M):
            self.assertTrue((REPO_ROOT / source).exists(), source)

    def test_builds_every_binary_of_the_repository(self):
        declared = set()
        for cmake in REPO_ROOT.glob("**/CMakeLists.txt"):
            top = cmake.relative_to(REPO_ROOT).parts[0]
            if "build" in top or top == "tests":
                continue  # build trees, and tools that measure the system (huiyin-bench) ship not
            declared |= set(re.findall(r"huiyin_cc_binary\(NAME (huiyin-[\w-]+)",
                                       cmake.read_text(encoding="utf-8")))
        built = set(re.search(r'ARG HUIYIN_BINARIES="([^"]+)"', self.text).group(1).split())
        self.assertEqual(built, declared)

    def test_runtime_stage_has_the_package_of_every_shared_library(self):
        packages = self.runtime_packages()
        needs = {}  # real path of a shared library -> the binaries that load it
        for var in BINARY_ENV:
            binary = os.environ.get(var)
            if binary and os.access(binary, os.X_OK):
                for lib in re.findall(r"=> (/\S+)", run(["ldd", binary]).stdout):
                    needs.setdefault(os.path.realpath(lib), []).append(os.path.basename(binary))
        self.assertGreater(len(needs), 0, "no binary to check: set HUIYIN_*_BIN")
        # One dpkg call for all; with merged /usr dpkg may know a file as /lib/… only.
        paths = sorted(set(needs) | {re.sub(r"^/usr", "", p) for p in needs})
        owners = {}
        for line in run(["dpkg", "-S"] + paths, check=False).stdout.splitlines():
            package, path = line.split(": ", 1)
            owners[path] = package.split(":")[0]
        for lib, binaries in needs.items():
            package = owners.get(lib) or owners.get(re.sub(r"^/usr", "", lib))
            self.assertIsNotNone(package, f"no Debian package has {lib}")
            if package != "libc6":  # essential: in every Debian image
                self.assertIn(package, packages, f"{binaries} need {lib} from {package}")
        known = run(["apt-cache", "show", "--no-all-versions"] + sorted(packages),
                    check=False).stdout
        self.assertEqual(set(re.findall(r"^Package: (\S+)", known, re.M)), packages)

    def test_entrypoint_reads_the_credential_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            secret = pathlib.Path(tmp) / "internal_credential"
            secret.write_text("s3cr3t-credential\n")
            env = dict(os.environ, HUIYIN_INTERNAL_CREDENTIAL_FILE=str(secret))
            result = run(["sh", DEPLOY / "docker" / "entrypoint.sh", "sh", "-c",
                          'printf "%s|%s" "$HUIYIN_SERVER_INTERNAL_CREDENTIAL" '
                          '"${HUIYIN_INTERNAL_CREDENTIAL_FILE-unset}"'], env=env)
            self.assertEqual(result.stdout, "s3cr3t-credential|unset")
            env["HUIYIN_INTERNAL_CREDENTIAL_FILE"] = str(secret) + ".missing"
            self.assertEqual(run(["sh", DEPLOY / "docker" / "entrypoint.sh", "true"], env=env,
                                 check=False).returncode, 1)

    def test_dockerignore_keeps_builds_stores_and_keys_out(self):
        ignored = (REPO_ROOT / ".dockerignore").read_text().split()
        for pattern in (".git", "build", "build-*", "var", "deploy/k8s/secrets", "**/*.db"):
            self.assertIn(pattern, ignored)


class KustomizeTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="huiyin-deploy-k8s-"))
        base = cls.tmp / "k8s"
        shutil.copytree(K8S, base, ignore=shutil.ignore_patterns("secrets"))
        make_secrets(base / "secrets")
        cls.kustomization = yaml.safe_load((base / "kustomization.yaml").read_text())
        kubectl = shutil.which("kubectl")
        if kubectl:
            cls.rendered_by = "kubectl kustomize"
            out = run([kubectl, "kustomize", base]).stdout
            cls.objects = [d for d in yaml.safe_load_all(out) if d]
        else:
            cls.rendered_by = "this test"
            cls.objects = cls.assemble(base)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def assemble(cls, base):
        """What kustomize does with this base, for machines without kubectl: the resources, the
        namespace, the generated Secret (without its name hash)."""
        k = cls.kustomization
        objects = []
        for resource in k["resources"]:
            objects.extend(d for d in yaml.safe_load_all((base / resource).read_text()) if d)
        for gen in k.get("secretGenerator", []):
            data = {}
            for entry in gen["files"]:
                key, path = entry.split("=", 1)
                data[key] = (base / path).read_bytes()
            objects.append({"apiVersion": "v1", "kind": "Secret",
                            "metadata": {"name": gen["name"]}, "data": data})
        for o in objects:
            if o["kind"] != "Namespace":
                o["metadata"]["namespace"] = k["namespace"]
        return objects

    def named(self, kind, name=None):
        found = [o for o in self.objects if o["kind"] == kind
                 and (name is None or o["metadata"]["name"] == name)]
        if name is not None:
            self.assertEqual(len(found), 1, f"{kind}/{name} in the output of {self.rendered_by}")
            return found[0]
        return found

    def workloads(self):
        return {o["metadata"]["name"]: o for o in self.objects
                if o["kind"] in ("StatefulSet", "Deployment")}

    def test_resources_exist_and_parse(self):
        for resource in self.kustomization["resources"]:
            path = K8S / resource
            self.assertTrue(path.is_file(), resource)
            self.assertTrue(all(d is None or "kind" in d
                                for d in yaml.safe_load_all(path.read_text())), resource)
        generated = {e.split("=", 1)[1] for g in self.kustomization["secretGenerator"]
                     for e in g["files"]}
        self.assertTrue(generated <= {f"secrets/{f}" for f in SECRET_FILES}, generated)

    def test_a_stateful_set_with_a_volume_per_backend_and_replicated_gateway(self):
        self.named("Namespace", "huiyin")
        for name in BACKENDS:
            sts = self.named("StatefulSet", name)
            self.assertEqual(sts["spec"]["replicas"], 1)
            self.assertEqual(len(sts["spec"]["volumeClaimTemplates"]), 1)
            claim = sts["spec"]["volumeClaimTemplates"][0]["metadata"]["name"]
            mounts = sts["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
            self.assertIn({"name": claim, "mountPath": "/var/lib/huiyin"}, mounts)
            service = self.named("Service", sts["spec"]["serviceName"])
            self.assertEqual(service["spec"]["clusterIP"], "None")
        gateway = self.named("Deployment", "gateway")
        self.assertGreaterEqual(gateway["spec"]["replicas"], 2)
        self.assertEqual(self.named("Service", "gateway")["spec"]["type"], "LoadBalancer")
        for o in self.objects:
            if o["kind"] != "Namespace":
                self.assertEqual(o["metadata"].get("namespace"), "huiyin", o["metadata"]["name"])

    def test_pods_are_hardened_probed_and_bounded(self):
        for name, workload in self.workloads().items():
            pod = workload["spec"]["template"]["spec"]
            self.assertTrue(pod["securityContext"]["runAsNonRoot"], name)
            self.assertFalse(pod["automountServiceAccountToken"], name)
            for c in pod["containers"]:
                sc = c["securityContext"]
                self.assertTrue(sc["readOnlyRootFilesystem"], name)
                self.assertFalse(sc["allowPrivilegeEscalation"], name)
                self.assertEqual(sc["capabilities"]["drop"], ["ALL"], name)
                for kind in ("requests", "limits"):
                    self.assertEqual(set(c["resources"][kind]), {"cpu", "memory"}, name)
                self.assertEqual(c["args"][0], f"huiyin-{name}")
                ports = {p["name"]: p["containerPort"] for p in c["ports"]}
                annotations = workload["spec"]["template"]["metadata"]["annotations"]
                if name in BACKENDS:
                    grpc, admin = BACKENDS[name]
                    self.assertEqual(ports, {"grpc": grpc, "admin": admin})
                    self.assertIn(f"--server.grpc_address=0.0.0.0:{grpc}", c["args"])
                    self.assertIn(f"--server.admin_address=0.0.0.0:{admin}", c["args"])
                    self.assertEqual(c["readinessProbe"]["grpc"]["port"], grpc, name)
                    self.assertEqual(c["startupProbe"]["grpc"]["port"], grpc, name)
                    self.assertEqual(c["livenessProbe"]["httpGet"],
                                     {"path": "/healthz", "port": "admin"})
                    self.assertEqual(annotations["prometheus.io/port"], str(admin))
                else:
                    self.assertEqual(ports, {"http": GATEWAY_PORT})
                    self.assertEqual(c["readinessProbe"]["httpGet"]["path"], "/readyz")
                    self.assertEqual(annotations["prometheus.io/port"], str(GATEWAY_PORT))

    def test_keys_come_from_the_generated_secret(self):
        secrets = {o["metadata"]["name"]: o for o in self.named("Secret")}
        self.assertEqual(len(secrets), 1)
        (secret_name, secret), = secrets.items()
        self.assertTrue(secret_name.startswith("huiyin-secrets"))
        for name, workload in self.workloads().items():
            pod = workload["spec"]["template"]["spec"]
            env = {e["name"]: e for e in pod["containers"][0]["env"]}
            ref = env["HUIYIN_SERVER_INTERNAL_CREDENTIAL"]["valueFrom"]["secretKeyRef"]
            self.assertEqual((ref["name"], ref["key"]), (secret_name, "internal_credential"))
            for volume in pod.get("volumes", []):
                if "secret" in volume:
                    self.assertEqual(volume["secret"]["secretName"], secret_name)
                    for item in volume["secret"]["items"]:
                        self.assertIn(item["key"], secret["data"])

    def test_services_are_wired_to_what_their_configuration_names(self):
        assert_wired(self, {name: w["spec"]["template"]["spec"]["containers"][0]["args"]
                            for name, w in self.workloads().items()})

    def test_network_policies_allow_exactly_the_calls_the_binaries_make(self):
        policies = self.named("NetworkPolicy")
        deny = [p for p in policies if p["spec"]["podSelector"] == {}
                and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
                and not p["spec"].get("ingress") and not p["spec"].get("egress")]
        self.assertEqual(len(deny), 1, "a default-deny policy")

        def selects(policy, app):
            labels = policy["spec"]["podSelector"].get("matchLabels", {})
            return all(v == {"app.kubernetes.io/name": app}.get(k) for k, v in labels.items())

        def port_ok(rule, port):
            return not rule.get("ports") or any(p["port"] == port for p in rule["ports"])

        def peer_is(peer, app):
            return (set(peer) == {"podSelector"} and
                    peer["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": app})

        def allowed(src, dst):
            port = BACKENDS[dst][0]
            egress = any(port_ok(r, port) and any(peer_is(p, dst) for p in r.get("to", []))
                         for pol in policies if selects(pol, src) and pol["spec"].get("egress")
                         for r in pol["spec"]["egress"])
            ingress = any(port_ok(r, port) and any(peer_is(p, src) for p in r.get("from", []))
                          for pol in policies if selects(pol, dst) and pol["spec"].get("ingress")
                          for r in pol["spec"]["ingress"])
            return egress and ingress

        expected = {(src, dst) for src, targets in config_dependencies().items()
                    for dst in targets}
        actual = {(src, dst) for src in SERVICES for dst in BACKENDS if src != dst
                  and allowed(src, dst)}
        self.assertEqual(actual, expected)
        # From outside the namespace: the gateway's port, and Prometheus to admin ports only.
        for pol in policies:
            for rule in pol["spec"].get("ingress", []):
                peers = rule.get("from")
                if not peers:
                    self.assertTrue(selects(pol, "gateway") and pol["spec"]["podSelector"],
                                    f"{pol['metadata']['name']} admits anyone")
                    self.assertEqual([p["port"] for p in rule["ports"]], [GATEWAY_PORT])
                elif any("namespaceSelector" in p for p in peers):
                    admin_ports = {a for _, a in BACKENDS.values()}
                    self.assertTrue({p["port"] for p in rule["ports"]} <= admin_ports,
                                    pol["metadata"]["name"])


class PrometheusFilesTest(unittest.TestCase):

    def test_promtool_checks_both_configurations_and_the_rules(self):
        for config in ("prometheus.yml", "kubernetes.yml"):
            run([PROMTOOL, "check", "config", PROMETHEUS_DIR / config])
        rules = [p for p in (PROMETHEUS_DIR / "rules").glob("*.yml")
                 if not p.name.endswith("_test.yml")]
        run([PROMTOOL, "check", "rules"] + rules)

    def test_promtool_rule_unit_tests_pass(self):
        run([PROMTOOL, "test", "rules", "alerts_test.yml"], cwd=PROMETHEUS_DIR / "rules")

    def test_the_alerts_asked_for_exist(self):
        alerts = {r["alert"] for g in rule_groups() for r in g["rules"] if "alert" in r}
        self.assertTrue({"HuiyinServiceDown", "HuiyinOverdueTasksRising",
                         "HuiyinDisclosureOverdue", "HuiyinGrpcErrorRate",
                         "HuiyinHttpErrorRate"} <= alerts, alerts)

    def test_dashboards_are_valid_json_on_the_provisioned_data_source(self):
        source = yaml.safe_load((GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml")
                                .read_text(encoding="utf-8"))["datasources"][0]
        self.assertEqual(source["url"], "http://prometheus:9090")
        boards = dashboards()
        self.assertEqual(set(boards), {"figures.json", "service-health.json"})
        self.assertEqual(len({b["uid"] for b in boards.values()}), len(boards))
        for name, board in boards.items():
            ids = [p["id"] for p in board["panels"]]
            self.assertEqual(len(ids), len(set(ids)), name)
            for panel in board["panels"]:
                if panel["type"] == "row":
                    continue
                self.assertEqual(panel["datasource"]["uid"], source["uid"], panel["title"])
                self.assertTrue(panel["targets"], panel["title"])
                for t in panel["targets"]:
                    self.assertEqual(t["datasource"]["uid"], source["uid"], panel["title"])
        exprs = dashboard_exprs()
        self.assertGreater(len(exprs), 30)
        for figure in ("answer_rate", "on_time_answer_rate", "satisfaction_rate"):
            self.assertTrue(any(figure in e for _, e in exprs), figure)

    def test_recorded_names_used_anywhere_are_recorded(self):
        records = recorded_names()
        for where, expr in dashboard_exprs() + rule_exprs():
            for name in referenced_metrics(expr):
                if ":" in name:
                    self.assertIn(name, records, where)


# ---------------------------------------------------------------------------------------------
# The running stack: metrics, Prometheus, health checks
# ---------------------------------------------------------------------------------------------

class RunningStackTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.stack = GatewayStack().start()
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="huiyin-deploy-prometheus-"))
        cls.prometheus = None
        try:
            cls.item = load_answered_item(cls.stack)
            load_overdue_commitment(cls.stack)
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.prometheus is not None:
            cls.prometheus.kill()
        cls.stack.stop()
        cls.stack.remove()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_metric_the_dashboards_and_rules_read_is_exported(self):
        exported = set()
        for text in scrape_all(self.stack).values():
            exported |= exported_names(text)
        records = recorded_names()
        missing = {}
        for where, expr in dashboard_exprs() + rule_exprs():
            for name in referenced_metrics(expr):
                if name not in exported and name not in records and name != "up":
                    missing.setdefault(name, []).append(where)
        self.assertEqual(missing, {}, "metrics referenced but not exported by any process")

    def test_the_figures_dashboard_names_every_exported_figure(self):
        text = scrape_all(self.stack)["supervision"]
        figures = set(re.findall(r'^huiyin_supervision_figure\{[^}]*figure="(\w+)"', text, re.M))
        self.assertIn("answer_rate", figures)
        board = dashboards()["figures.json"]
        renames = {}
        for panel in board["panels"]:
            for t in panel.get("transformations", []):
                renames.update(t.get("options", {}).get("renameByName", {}))
        self.assertEqual(figures - set(renames), set(), "figures without a column title")

    def test_health_check_script_reads_the_admin_ports(self):
        script = DEPLOY / "docker" / "healthcheck.sh"
        for name, port in admin_ports(self.stack).items():
            self.assertEqual(run(["bash", script, f"127.0.0.1:{port}/readyz"],
                                 check=False, timeout=10).returncode, 0, name)
        port = admin_ports(self.stack)["intake"]
        self.assertNotEqual(run(["bash", script, f"127.0.0.1:{port}/no-such-page"],
                                check=False, timeout=10).returncode, 0)
        self.assertNotEqual(run(["bash", script, f"127.0.0.1:{free_port()}/readyz"],
                                check=False, timeout=10).returncode, 0)

    # ---- a real Prometheus on the shipped configuration and rules ----
    def start_prometheus(self):
        config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8"))
        config["global"].update(scrape_interval="1s", scrape_timeout="1s",
                                evaluation_interval="1s")
        config["rule_files"] = [str(PROMETHEUS_DIR / f) for f in config["rule_files"]]
        ports = admin_ports(self.stack)
        jobs = []
        for job in config["scrape_configs"]:
            name = job["job_name"].removeprefix("huiyin-")
            if name in ports:
                job["static_configs"] = [{"targets": [f"127.0.0.1:{ports[name]}"]}]
                jobs.append(job)
        self.assertEqual(len(jobs), len(SERVICES))
        config["scrape_configs"] = jobs
        path = self.tmp / "prometheus.yml"
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        run([PROMTOOL, "check", "config", path])
        port = free_port()
        type(self).prometheus = Process(
            [PROMETHEUS, f"--config.file={path}", f"--storage.tsdb.path={self.tmp / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
            dict(os.environ), self.tmp / "prometheus.log")
        self.api = f"http://127.0.0.1:{port}/api/v1"
        wait_for(lambda: self.try_get(f"http://127.0.0.1:{port}/-/ready"), "Prometheus ready")

    def try_get(self, url):
        try:
            return http_get(url)[0] == 200
        except OSError:
            if self.prometheus.popen.poll() is not None:
                raise AssertionError("prometheus exited:\n" + self.prometheus.log())
            return False

    def promql(self, expr):
        status, body = http_get(f"{self.api}/query?" + urllib.parse.urlencode({"query": expr}))
        reply = json.loads(body)
        self.assertEqual(reply["status"], "success", f"{expr}: {reply}")
        return reply["data"]["result"]

    def value(self, expr):
        result = self.promql(expr)
        return float(result[0]["value"][1]) if len(result) == 1 else None

    def test_prometheus_scrapes_the_stack_and_answers_the_figures(self):
        self.start_prometheus()
        wait_for(lambda: len([r for r in self.promql('up{job=~"huiyin-.*"} == 1')])
                 == len(SERVICES), "every process scraped")
        labels = f'unit="{UNIT}"'
        # 办复率 and 满意率 of the unit: its one item answered and rated 满意.
        wait_for(lambda: self.value(
            f'huiyin_supervision_figure{{{labels}, figure="answer_rate"}}') == 1.0,
            "the unit's 办复率 in Prometheus")
        self.assertEqual(self.value(
            f'huiyin_supervision_figure{{{labels}, figure="satisfaction_rate"}}'), 1.0)
        self.assertEqual(self.value(
            f'huiyin_supervision_figure{{{labels}, figure="class_a_close_rate"}}'), 1.0)
        # The unfulfilled commitment due in January: an overdue step of the unit.
        wait_for(lambda: self.value(
            f'huiyin_supervision_overdue_steps{{{labels}, step="COMMITMENT"}}') == 1.0,
            "the overdue commitment in Prometheus")
        # The recording rules turn them into the series the dashboards read.
        wait_for(lambda: self.value(
            f'unit_figure:huiyin_supervision_figure:max{{{labels}, figure="answer_rate"}}') == 1.0,
            "the recorded figure")
        wait_for(lambda: self.value('huiyin:supervision_overdue_tasks:sum') is not None
                 and self.value('job:huiyin_grpc_server_handled:rate5m{job="huiyin-intake"}')
                 is not None, "the recorded service aggregates")
        # Every expression of every dashboard and rule is valid PromQL to this Prometheus.
        for where, expr in dashboard_exprs() + rule_exprs():
            with self.subTest(where=where):
                self.promql(expr)
        rules = json.loads(http_get(f"{self.api}/rules")[1])["data"]["groups"]
        self.assertEqual({g["name"] for g in rules}, {g["name"] for g in rule_groups()})
        broken = [(r["name"], r.get("lastError")) for g in rules for r in g["rules"]
                  if r.get("health") == "err"]
        self.assertEqual(broken, [])


# ---------------------------------------------------------------------------------------------
# Backup while running, restore into a fresh stack
# ---------------------------------------------------------------------------------------------

class BackupRestoreTest(unittest.TestCase):
    WRITER_SESSION = "县第十八届人民代表大会第八次会议"

    def setUp(self):
        self.stacks = []
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="huiyin-deploy-backup-"))

    def tearDown(self):
        for stack in self.stacks:
            stack.stop()
            stack.remove()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start_stack(self, restore_from=None):
        stack = GatewayStack()
        self.stacks.append(stack)
        if restore_from is not None:
            result = run(["bash", DEPLOY / "local" / "restore.sh", restore_from, stack.workdir])
            self.assertEqual(len(re.findall(r"^restored ", result.stdout, re.M)), len(BACKENDS))
        return stack.start()

    def snapshot(self, stack, item):
        """What offices see of the data, through the gateway."""
        office, supervision = stack.token(*OFFICE), stack.token(*SUPERVISION)
        item_id = item.split("/")[1]
        return {
            "item": ok(stack.request("GET", f"/v1/{item}", token=office)),
            "assignments": ok(stack.request("GET", query("/v1/assignments", unit=UNIT),
                                            token=office)),
            "tasks": ok(stack.request("GET", query("/v1/tasks", item=item), token=office)),
            "ledger": ok(stack.request("GET", f"/v1/ledger/{item_id}", token=supervision)),
            "figures": ok(stack.request("GET", query("/v1/figures", year=2026,
                                                     groupBy="GROUP_BY_UNIT"), token=supervision)),
        }

    def writer_items(self, stack):
        token = stack.token(*CONGRESS)
        items, page = [], ""
        while True:
            params = {"session": self.WRITER_SESSION, "pageSize": 100}
            if page:
                params["pageToken"] = page
            reply = ok(stack.request("GET", query("/v1/items", **params), token=token))
            items += [i for i in reply.get("items", []) if i["session"] == self.WRITER_SESSION]
            page = reply.get("nextPageToken", "")
            if not page:
                return {i["name"]: i for i in items}

    def test_backup_taken_while_writing_restores_into_a_stack_that_serves_the_same_data(self):
        stack = self.start_stack()
        item = load_answered_item(stack)

        # Items keep arriving while the backup runs.
        stop, submitted = threading.Event(), []
        writer_token = stack.token("persons/cong-d2", "ROLE_CONGRESS_OFFICE", name="县人大 吴芳")

        def write():
            n = 0
            while not stop.is_set():
                n += 1
                reply = stack.request("POST", "/v1/items", {"item": {
                    "kind": "ITEM_KIND_SUGGESTION", "session": self.WRITER_SESSION, "year": 2026,
                    "title": f"关于增设第{n}批社区健身设施的建议",
                    "body": f"第{n}批：社区健身设施老化，建议更新并增设适老化器材。",
                    "category": "社会事业", "channel": "CHANNEL_CONGRESS_SYSTEM",
                    "leadProposer": {"person": "persons/p-8102", "name": "孔令辉",
                                     "group": "城关镇代表团"}}}, token=writer_token,
                    record=False)
                if reply.status == 200:
                    submitted.append(reply.json()["name"])
                time.sleep(0.06)  # under the gateway's per-caller rate limit

        writer = threading.Thread(target=write)
        writer.start()
        try:
            wait_for(lambda: len(submitted) >= 5, "items written before the backup")
            before_backup = len(submitted)
            env = dict(os.environ, HUIYIN_VAR_DIR=str(stack.workdir), HUIYIN_BACKUP_BIN=BACKUP_BIN)
            result = run(["bash", DEPLOY / "local" / "backup.sh", self.tmp / "backups"], env=env)
            after_backup = len(submitted)
        finally:
            stop.set()
            writer.join()
        backup = pathlib.Path(result.stdout.strip().splitlines()[-1])
        manifest = [json.loads(line) for line in (backup / "MANIFEST.jsonl").read_text()
                    .splitlines()]
        self.assertEqual({pathlib.Path(m["to"]).stem for m in manifest}, set(BACKENDS))
        self.assertTrue(all(m["schema_version"] > 0 and m["bytes"] > 0 for m in manifest))
        run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=backup)
        # Followers were copied before their sources: no saved cursor is ahead of the feed it
        # reads, or the follower would skip the source's next events after a restore.
        heads, cursors = {}, []
        for name in BACKENDS:
            with contextlib.closing(sqlite3.connect(f"file:{backup / name}.db?mode=ro",
                                                    uri=True)) as db:
                heads[name] = db.execute("SELECT max(sequence) FROM event_outbox").fetchone()[0]
                cursors += [(name, source, seq) for source, seq in
                            db.execute("SELECT source, sequence FROM event_cursors")]
        self.assertGreaterEqual({source for _, source, _ in cursors},
                                {"intake", "assignment", "workflow"})
        for follower, source, seq in cursors:
            self.assertLessEqual(seq, heads[source] or 0, f"{follower}'s cursor on {source}")

        # A store still open by its service is not overwritten.
        refused = run(["bash", DEPLOY / "local" / "restore.sh", backup, stack.workdir],
                      check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("stop that service first", refused.stderr)

        expected = self.snapshot(stack, item)
        written = self.writer_items(stack)
        stack.stop()

        restored = self.start_stack(restore_from=backup)
        self.assertEqual(self.snapshot(restored, item), expected)
        # The writer's items: those acknowledged before the backup began are all there, none
        # acknowledged after it ended is, and every one there is exactly as it was written.
        kept = self.writer_items(restored)
        self.assertTrue(set(submitted[:before_backup]) <= set(kept))
        self.assertTrue(set(kept) <= set(submitted[:after_backup]))
        for name, restored_item in kept.items():
            self.assertEqual(restored_item, written[name])
        # The restored services take new work: a new item is numbered and searchable as usual.
        congress = restored.token(*CONGRESS)
        new = ok(restored.request("POST", "/v1/items", {"item": {
            "kind": "ITEM_KIND_SUGGESTION", "session": self.WRITER_SESSION, "year": 2026,
            "title": "关于恢复后新增建议的测试", "body": "恢复后的系统照常受理新的建议。",
            "category": "社会事业", "channel": "CHANNEL_CONGRESS_SYSTEM",
            "leadProposer": {"person": "persons/p-8103", "name": "钟敏",
                             "group": "城关镇代表团"}}}, token=congress))
        self.assertNotIn(new["name"], submitted)
        # And supervision's /metrics of the restored stack shows the unit's figure again.
        text = http_get(f"http://127.0.0.1:{restored.supervision_ports['admin']}/metrics")[1]
        self.assertRegex(text, r'huiyin_supervision_figure\{(?=[^}]*unit="%s")'
                               r'(?=[^}]*figure="answer_rate")[^}]*\} 1(\.0+)?\b' % UNIT)


if __name__ == "__main__":
    unittest.main()
