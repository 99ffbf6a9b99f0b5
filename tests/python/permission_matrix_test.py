"""Who may do what: every HTTP route the gateway serves, called by every role of
huiyin.common.v1.Role, with no credential, and with a system's API key, against the real six
services — with the answer each call must get written down in one table,
tests/permissions/matrix.txt (its header says how to read it).

The world the calls meet is built first, through the gateway: two handling units (住建局, whose
people are the unit columns, and 交通局, "another unit"), a lead proposer (the proposer column)
and another proposer, items at every step of their life (submitted, waiting for assignment,
assigned, answered in draft, reviewed, signed, issued with a commitment, withheld from the
public), a notice, an objection and an extension request. Each row of the table names the
request (a path with those fixtures in braces; the body is in BODIES under the row's case);
within a row the denied callers go first, so a caller who is allowed and changes the resource
cannot hide a denial that should have happened.

The table must list exactly the routes the gateway serves (its /openapi.json, generated from the
same google.api.http annotations it routes by): a route added without a row, or a row whose
route is gone, fails.

    cd tests/python && /usr/bin/python3 -m unittest -v permission_matrix_test
(binaries from HUIYIN_*_BIN, as for gateway_e2e_test).
"""

import datetime
import json
import pathlib
import re
import unittest
import urllib.parse

from gateway_e2e_test import (CHINA, DEADLINE, GatewayTestCase, craft_token, days_from_today,
                              query)

MATRIX = pathlib.Path(__file__).resolve().parents[1] / "permissions" / "matrix.txt"
TODAY = days_from_today(0)
EXTENDED = days_from_today(150)  # an extension beyond DEADLINE, within 6 months
COMMITMENT_DUE = datetime.date.fromisoformat(days_from_today(200))
COMMITMENT = (f"{COMMITMENT_DUE.year}年{COMMITMENT_DUE.month}月{COMMITMENT_DUE.day}日前"
              "完成雨污分流管网改造")
YEAR = 2026
SESSION = "县第十八届人民代表大会第八次会议"

HOUSING, TRANSPORT = "units/pm-housing", "units/pm-transport"
# Every caller of the table's columns: (principal, role, unit, name). UNSPEC, ANON and KEY are
# made differently (a token with no role, no credential, the stack's API key).
CALLERS = {
    "PRO": ("persons/pm-liu", "ROLE_PROPOSER", "", "刘桂芳"),
    "CONG": ("persons/pm-cong", "ROLE_CONGRESS_OFFICE", "", "孙敏"),
    "CPPCC": ("persons/pm-cppcc", "ROLE_CPPCC_OFFICE", "", "何丽"),
    "GOV": ("persons/pm-gov", "ROLE_GOVERNMENT_OFFICE", "", "钱峰"),
    "SUP": ("persons/pm-sup", "ROLE_SUPERVISION_OFFICE", "", "周红"),
    "CLERK": ("persons/pm-h-clerk", "ROLE_UNIT_CLERK", HOUSING, "孙浩"),
    "DEPUTY": ("persons/pm-h-deputy", "ROLE_UNIT_DEPUTY_HEAD", HOUSING, "钱丽"),
    "HEAD": ("persons/pm-h-head", "ROLE_UNIT_HEAD", HOUSING, "赵国强"),
    "LEADER": ("persons/pm-leader", "ROLE_LEADING_OFFICIAL", "", "陈志远"),
    "PUBLIC": ("persons/pm-public", "ROLE_PUBLIC", "", "市民"),
    "SYSTEM": ("systems/pm-oa", "ROLE_SYSTEM", "", "县政府OA系统"),
}
COLUMNS = list(CALLERS) + ["UNSPEC", "ANON", "KEY"]
UNAUTHENTICATED_COLUMNS = {"UNSPEC", "ANON"}  # denied with 401, the others with 403

LIU = {"person": CALLERS["PRO"][0], "name": "刘桂芳", "group": "城关镇代表团",
       "phone": "13807463375"}
WANG = {"person": "persons/pm-wang", "name": "王建国", "group": "双河乡代表团"}
TRANSPORT_CLERK = ("persons/pm-t-clerk", "ROLE_UNIT_CLERK", TRANSPORT, "周涛")
TRANSPORT_PEOPLE = {"head": ("persons/pm-t-head", "郑伟"), "deputy": ("persons/pm-t-deputy", "吴静"),
                    "clerk": ("persons/pm-t-clerk", "周涛")}
HOUSING_PEOPLE = {"head": (CALLERS["HEAD"][0], "赵国强"), "deputy": (CALLERS["DEPUTY"][0], "钱丽"),
                  "clerk": (CALLERS["CLERK"][0], "孙浩")}

ANSWER_TEXT = (
    "尊敬的代表：\n"
    "您提出的建议收悉。我局高度重视，经认真研究，现答复如下：\n"
    "一、老旧小区改造已列入2026年计划，财政安排资金300万元，首批6个小区已于10月开工。\n"
    f"二、{COMMITMENT}，届时书面告知进展。\n"
    "感谢您对住房和城乡建设工作的关心和支持。\n"
    "联系人：孙浩，电话：0731-5551234\n"
    "县住房和城乡建设局")


# The accepted items, by fixture name.
TITLES = {
    "item_main": "关于改造城关镇西街排水管网的建议", "item_co": "关于优化城区公交线路的建议",
    "item_other": "关于增设学校周边交通信号灯的建议", "item_draft": "关于加快老旧小区加装电梯的建议",
    "item_reviewed": "关于规范物业服务收费的建议", "item_signed": "关于建设城市口袋公园的建议",
    "item_issued": "关于推进老旧小区改造的建议", "item_wang": "关于在双河乡建设污水处理站的建议",
    "item_wait": "关于规范电动自行车停放充电的建议", "item_wait_batch": "关于完善农村饮用水设施的建议"}


def unit_body(unit_id, display_name, category, people):
    return {"unitId": unit_id, "unit": {
        "displayName": display_name, "kind": "UNIT_KIND_BUREAU", "active": True,
        "categories": [category], "members": [
            {"person": people["head"][0], "name": people["head"][1], "role": "MEMBER_ROLE_HEAD",
             "section": "局办公室"},
            {"person": people["deputy"][0], "name": people["deputy"][1],
             "role": "MEMBER_ROLE_DEPUTY_HEAD", "section": "业务股"},
            {"person": people["clerk"][0], "name": people["clerk"][1],
             "role": "MEMBER_ROLE_CLERK", "section": "业务股"}]}}


def responsible(people):
    return {"responsible": {
        "head": people["head"][0], "headName": people["head"][1],
        "deputyHead": people["deputy"][0], "deputyHeadName": people["deputy"][1],
        "section": "业务股", "clerk": people["clerk"][0], "clerkName": people["clerk"][1]}}


def suggestion(title, lead=LIU):
    return {"kind": "ITEM_KIND_SUGGESTION", "session": SESSION, "year": YEAR, "title": title,
            "body": f"{title[2:-3]}群众反映强烈，代表在走访中多次听到。建议有关部门统筹研究、限期解决。",
            "category": "城乡建设", "channel": "CHANNEL_CONGRESS_SYSTEM", "leadProposer": lead}


def proposal(title):
    return {"kind": "ITEM_KIND_PROPOSAL", "session": "政协县第十一届委员会第五次会议",
            "year": YEAR, "title": title,
            "body": "县城停车位缺口大，占道停车严重。建议利用闲置地块建设公共停车场，机关停车场错时开放。",
            "category": "交通", "channel": "CHANNEL_CPPCC_ONLINE", "leadProposer": LIU}


def answer_b():
    return {"answer": {
        "answerClass": "ANSWER_CLASS_B", "text": ANSWER_TEXT, "contactPerson": "孙浩",
        "contactPhone": "0731-5551234", "answerDate": TODAY,
        "commitments": [{"text": COMMITMENT, "dueDate": COMMITMENT_DUE.isoformat()}]}}


def sole(item, unit, key=False):
    plan = {"item": item, "mode": "ASSIGNMENT_MODE_SOLE",
            "units": [{"unit": unit, "role": "UNIT_ROLE_LEAD"}],
            "deadline": {"fixedDate": DEADLINE}}
    if key:
        plan.update(key=True, leadingOfficial=CALLERS["LEADER"][0], leadingOfficialName="陈志远")
    return plan


def lead_and_co(item, lead, co, key=False):
    plan = sole(item, lead, key)
    plan.update(mode="ASSIGNMENT_MODE_LEAD_AND_CO",
                units=[{"unit": lead, "role": "UNIT_ROLE_LEAD"}, {"unit": co, "role": "UNIT_ROLE_CO"}])
    return plan


# The body each row's case sends (None: no body), from the fixtures `f`. Bodies are valid for the
# fixture they meet, so that what a caller gets back is about who they are.
BODIES = {
    "submit-suggestion": lambda f: {"item": suggestion("关于改造城关镇西街排水管网的建议")},
    "submit-proposal": lambda f: {"item": proposal("关于缓解县城停车难问题的提案")},
    "accept": lambda f: {},
    "reject": lambda f: {"reason": "所提事项不属于本级政府职权范围，转为参阅件"},
    "merge": lambda f: {"target": f["item_merge_target"], "reason": "内容相同，并案办理"},
    "withdraw": lambda f: {"reason": "问题已经解决，撤回本建议"},
    "create-unit": lambda f: unit_body("pm-new", "县自然资源局", "国土", TRANSPORT_PEOPLE),
    "update-unit": lambda f: unit_body("pm-housing", "县住房和城乡建设局", "城乡建设",
                                       HOUSING_PEOPLE)["unit"],
    "assign": lambda f: {"plan": sole(f["item_wait"], HOUSING)},
    "assign-batch": lambda f: {"plans": [sole(f["item_wait_batch"], HOUSING)]},
    "object": lambda f: {"unit": HOUSING, "reason": "该事项主要涉及交通组织，建议改由交通运输局办理",
                         "suggestedUnit": TRANSPORT},
    "resolve-objection": lambda f: {"resolution": "经研究，维持原交办", "uphold": True},
    "request-extension": lambda f: {"unit": HOUSING, "requestedDate": EXTENDED,
                                    "reason": "涉及跨部门协调，需延期办理"},
    "decide-extension": lambda f: {"grant": False, "reason": "办理期限内可以完成，不予延期"},
    "acknowledge": lambda f: responsible(HOUSING_PEOPLE),
    "submit-plan": lambda f: {"text": "一、实地调研；二、会同财政局测算资金；三、11月底前答复。",
                              "planDate": TODAY},
    "record-contact": lambda f: {"contact": {
        "stage": "CONTACT_STAGE_BEFORE", "mode": "CONTACT_MODE_FACE_TO_FACE",
        "contactDate": TODAY, "participants": ["刘桂芳", "孙浩"],
        "summary": "办前与代表当面沟通，了解西街排水管网问题的具体情况。"}},
    "send-opinion": lambda f: {"text": "我局同意主办单位意见，将配合做好道路开挖审批和交通疏导。"},
    "review-opinion": lambda f: {"accept": True},
    "draft-answer": lambda f: answer_b(),
    "update-draft": lambda f: dict(answer_b()["answer"], name=f["answer_draft"]),
    "precheck": lambda f: {},
    "review-answer": lambda f: {"approve": True},
    "sign": lambda f: {},
    "issue": lambda f: {},
    "evaluate": lambda f: {"rating": "RATING_SATISFIED", "comment": "答复具体，有时间表"},
    "fulfill": lambda f: {"evidence": "县住建局工程验收单（县住建验〔2026〕18号）", "fulfilDate": TODAY},
    "create-notice": lambda f: {"notice": {"colour": "NOTICE_COLOUR_YELLOW", "task": f["task_main"],
                                           "reason": "办理方案逾期未报送"}},
    "acknowledge-notice": lambda f: {"response": "已于当日报送办理方案，今后按时报送。"},
    "return": lambda f: {"answer": f["answer_wang"], "reasons": ["RETURN_REASON_NO_TIMELINE"],
                         "comment": "承诺事项没有明确完成时限，请重新答复"},
    "verify": lambda f: {"answer": f["answer_issued"], "result": "VERIFICATION_RESULT_VERIFIED",
                         "findings": "现场查看，首批6个小区已开工", "visitDate": TODAY,
                         "inspectors": ["周红"]},
    "rebuild-ledger": lambda f: {},
    "mark-redactions": lambda f: {"markings": [{"field": "answers", "text": "孙浩",
                                                "note": "承办人姓名不公开"}]},
    "publish": lambda f: {},
    "withhold": lambda f: {"reason": "WITHHOLD_REASON_PRIVACY", "reasonText": "涉及个人隐私"},
    "correct": lambda f: {"note": "更正答复中的错别字"},
    "retract": lambda f: {"reason": "答复内容有误，撤回后重新公开"},
}

# The same request against a resource of another unit or proposer.
BODIES.update({
    "withdraw-not-lead": BODIES["withdraw"],
    "object-to-another-units-assignment": BODIES["object"],
    "acknowledge-task-of-another-unit": BODIES["acknowledge"],
    "evaluate-another-proposers-answer": BODIES["evaluate"],
})

SYMBOLS = {
    "Y": "allowed, and the request succeeds (2xx or 304)",
    "y": "allowed: not 401/403 (the service may still refuse what is asked: 400, 404, 409, 412)",
    "N": "denied: 403, or 401 for no credential or one that does not hold",
    "H": "hidden: 404, the caller may not learn that the resource exists",
}


class Row:
    def __init__(self, line_number, fields):
        self.line = line_number
        self.method, self.route, self.case, self.path = fields[:4]
        self.expected = dict(zip(COLUMNS, fields[4:]))

    def __repr__(self):
        return f"line {self.line}: {self.method} {self.route} ({self.case})"


def read_matrix(path=MATRIX):
    """The rows of the table; a malformed line is an error naming it."""
    rows, header = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if header is None:
            header = fields
            if header != ["method", "route", "case", "path"] + COLUMNS:
                raise ValueError(f"{path}:{number}: the header must name the columns "
                                 f"method route case path {' '.join(COLUMNS)}")
            continue
        if len(fields) != len(header) or any(s not in SYMBOLS for s in fields[4:]):
            raise ValueError(f"{path}:{number}: expected {len(header)} fields, the last "
                             f"{len(COLUMNS)} each one of {''.join(SYMBOLS)}: {line}")
        rows.append(Row(number, fields))
    return rows


class PermissionMatrixTest(GatewayTestCase):
    # The table makes about a thousand calls, a dozen from each caller a second: no rate limit.
    gateway_flags = ("--gateway.rate_limit_per_second=100000", "--gateway.rate_limit_burst=100000")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rows = read_matrix()
        cls.fixtures = World(cls.stack).build()
        cls.public_listings = [cls.stack.request("GET", path) for path in (
            "/v1/public/disclosures", "/v1/public/pages/disclosures",
            "/v1/public/feeds/disclosures.atom", "/v1/public/open-data/disclosures.csv")]

    # ---- callers ----
    def headers_of(self, column):
        if column == "ANON":
            return {}
        if column == "KEY":
            return {"X-Api-Key": self.stack.api_key}
        if column == "UNSPEC":
            now = int(datetime.datetime.now().timestamp())
            token = craft_token({"sub": "persons/pm-nobody", "role": "ROLE_UNSPECIFIED",
                                 "iat": now, "nbf": now, "exp": now + 3600}, self.stack.jwt_secret)
        else:
            principal, role, unit, name = CALLERS[column]
            token = self.stack.token(principal, role, name=name, unit=unit)
        return {"Authorization": f"Bearer {token}"}

    # ---- the table against the gateway ----
    def test_table_lists_exactly_the_routes_the_gateway_serves(self):
        document = self.call("GET", "/openapi.json").json()
        served = {(method.upper(), path) for path, operations in document["paths"].items()
                  for method in operations}
        listed = {(row.method, row.route) for row in self.rows}
        self.assertEqual(sorted(served - listed), [], "served, but no row in the table")
        self.assertEqual(sorted(listed - served), [], "rows for routes the gateway does not serve")
        cases = [row.case for row in self.rows]
        self.assertEqual(len(cases), len(set(cases)), "each row's case is its own")

    def test_every_route_answers_every_caller_as_the_table_says(self):
        wrong = []
        for row in self.rows:
            wrong += self.check_row(row)
        self.assertEqual(wrong, [], "\n" + "\n".join(wrong))

    def test_withheld_record_is_in_no_public_listing(self):
        for reply in self.public_listings:  # as they were before the table's calls changed them
            self.assertEqual(reply.status, 200, reply)
            text = reply.body.decode("utf-8-sig")
            self.assertIn(TITLES["item_issued"], text, reply.path)
            self.assertNotIn(TITLES["item_wang"], text, reply.path)

    def check_row(self, row):
        path = self.concrete_path(row)
        body_of = BODIES.get(row.case)
        if row.method in ("POST", "PATCH", "PUT") and body_of is None:
            return [f"{row!r}: no body in BODIES[{row.case!r}]"]
        # Denials first: an allowed caller may change the resource (accept, sign, withhold …).
        order = sorted(COLUMNS, key=lambda c: "NHYy".index(row.expected[c]))
        wrong = []
        for column in order:
            body = body_of(self.fixtures) if body_of else None
            reply = self.stack.request(row.method, path, body=body,
                                       headers=self.headers_of(column))
            problem = self.judge(row.expected[column], column, reply)
            if problem:
                wrong.append(f"{row!r} as {column}: expected {row.expected[column]} "
                             f"({SYMBOLS[row.expected[column]]}), got {problem}")
        return wrong

    def concrete_path(self, row):
        def fixture(match):
            name = match.group(1)
            if name not in self.fixtures:
                raise KeyError(f"{row!r}: no fixture {name!r}")
            return self.fixtures[name]
        return urllib.parse.quote(re.sub(r"\{([a-z_]+)\}", fixture, row.path), safe="/:?=&")

    @staticmethod
    def judge(symbol, column, reply):
        """None when `reply` is what `symbol` promises, else what was seen."""
        status = reply.status
        seen = f"{status} {reply.text[:300]}"
        if status >= 500 or status == 429 or status == 405 or reply.is_router_not_found():
            return seen
        if symbol == "Y":
            return None if 200 <= status < 300 or status == 304 else seen
        if symbol == "y":
            return None if status not in (401, 403) else seen
        if symbol == "N":
            return None if status == (401 if column in UNAUTHENTICATED_COLUMNS else 403) else seen
        return None if status == 404 else seen  # "H"


class World:
    """The fixtures every row meets, built through the gateway as the people would."""

    def __init__(self, stack):
        self.stack = stack
        self.f = {}

    def token(self, column):
        principal, role, unit, name = CALLERS[column]
        return self.stack.token(principal, role, name=name, unit=unit)

    def ok(self, method, path, body=None, token=None):
        reply = self.stack.request(method, path, body=body, token=token, record=False)
        assert 200 <= reply.status < 300, reply
        return reply.json() if reply.body else {}

    def submitted(self, item):
        return self.ok("POST", "/v1/items", {"item": item}, self.token("CONG"))["name"]

    def accepted(self, item):
        name = self.submitted(item)
        self.ok("POST", f"/v1/{name}:accept", {}, self.token("CONG"))
        return name

    def build(self):
        f, gov = self.f, self.token("GOV")
        self.ok("POST", "/v1/units", unit_body("pm-housing", "县住房和城乡建设局", "城乡建设",
                                                HOUSING_PEOPLE), gov)
        self.ok("POST", "/v1/units", unit_body("pm-transport", "县交通运输局", "交通",
                                                TRANSPORT_PEOPLE), gov)
        f["housing"], f["transport"], f["year"] = HOUSING, TRANSPORT, str(YEAR)
        f["item_submitted"] = self.submitted(suggestion("关于整治城区餐饮油烟扰民的建议"))
        f["item_merge_source"] = self.submitted(suggestion("关于治理人民路餐饮油烟污染的建议", WANG))
        f["item_merge_target"] = self.submitted(suggestion("关于加强餐饮油烟执法的建议"))
        plans = {
            "item_main": lambda i: lead_and_co(i, HOUSING, TRANSPORT, key=True),  # 主办+协办, 重点
            "item_co": lambda i: lead_and_co(i, TRANSPORT, HOUSING),  # 住建局 co-handles
            "item_other": lambda i: sole(i, TRANSPORT),  # another unit's and proposer's
            "item_draft": lambda i: sole(i, HOUSING),
            "item_reviewed": lambda i: sole(i, HOUSING, key=True),
            "item_signed": lambda i: sole(i, HOUSING),
            "item_issued": lambda i: sole(i, HOUSING),
            "item_wang": lambda i: sole(i, HOUSING),  # another proposer's, withheld from the public
        }
        for key, title in TITLES.items():
            f[key] = self.accepted(suggestion(title, WANG if key in ("item_wang", "item_other")
                                              else LIU))
        self.wait_waiting([f[k] for k in TITLES])
        for key, plan in plans.items():
            self.ok("POST", "/v1/assignments", {"plan": plan(f[key])}, gov)
        self.tasks()
        self.handling()
        self.supervision_and_disclosure()
        return f

    def wait_waiting(self, items):
        def all_waiting():
            waiting = {i["item"] for i in self.ok(
                "GET", query("/v1/assignments:waiting", pageSize=500), token=self.token("GOV"))
                .get("items", [])}
            return set(items) <= waiting
        self.stack.wait_for(all_waiting)

    def task_of(self, item, unit_token):
        return self.stack.wait_for(lambda: next(iter(self.ok(
            "GET", query("/v1/tasks", item=item), token=unit_token).get("tasks", [])), None))["name"]

    def tasks(self):
        f = self.f
        clerk = self.token("CLERK")
        t_clerk = self.stack.token(*TRANSPORT_CLERK[:2], name=TRANSPORT_CLERK[3],
                                   unit=TRANSPORT_CLERK[2])
        for key in ("main", "draft", "reviewed", "signed", "issued", "wang"):
            f[f"task_{key}"] = self.task_of(f[f"item_{key}"], clerk)
        f["task_co"] = self.task_of(f["item_co"], clerk)  # 住建局's co-handling task
        f["task_main_co"] = self.task_of(f["item_main"], t_clerk)
        f["task_co_lead"] = self.task_of(f["item_co"], t_clerk)
        f["task_other"] = self.task_of(f["item_other"], t_clerk)
        self.t_clerk = t_clerk

    def answered(self, task, steps):
        """Drafts a B-class answer on `task` and takes it through `steps` (review, sign, issue)."""
        f, clerk = self.f, self.token("CLERK")
        self.ok("POST", f"/v1/{task}:acknowledge", responsible(HOUSING_PEOPLE), clerk)
        answer = self.ok("POST", f"/v1/{task}/answers", answer_b(), clerk)["name"]
        bodies = {"review": {"approve": True}, "sign": {}, "issue": {}}
        people = {"review": self.token("DEPUTY"), "sign": self.token("HEAD"), "issue": clerk}
        for step in steps:
            self.ok("POST", f"/v1/{answer}:{step}", bodies[step], people[step])
        return answer

    def handling(self):
        f = self.f
        # 交通局 acknowledges and sends its co-handling opinion on the key item 住建局 leads.
        self.ok("POST", f"/v1/{f['task_main_co']}:acknowledge", responsible(TRANSPORT_PEOPLE),
                self.t_clerk)
        f["opinion"] = self.ok("POST", f"/v1/{f['task_main_co']}/opinions",
                               {"text": "我局同意主办单位意见，将配合做好道路开挖和交通疏导。"},
                               self.t_clerk)["name"]
        self.ok("POST", f"/v1/{f['task_co_lead']}:acknowledge", responsible(TRANSPORT_PEOPLE),
                self.t_clerk)
        self.ok("POST", f"/v1/{f['task_co']}:acknowledge", responsible(HOUSING_PEOPLE),
                self.token("CLERK"))
        f["answer_draft"] = self.answered(f["task_draft"], [])
        f["answer_reviewed"] = self.answered(f["task_reviewed"], ["review"])
        f["answer_signed"] = self.answered(f["task_signed"], ["review", "sign"])
        f["answer_issued"] = self.answered(f["task_issued"], ["review", "sign", "issue"])
        f["answer_wang"] = self.answered(f["task_wang"], ["review", "sign", "issue"])
        answer = self.ok("GET", f"/v1/{f['task_issued']}", token=self.token("CLERK"))
        f["commitment"] = answer["answers"][-1]["commitments"][0]["name"]

    def supervision_and_disclosure(self):
        f, sup, gov = self.f, self.token("SUP"), self.token("GOV")
        f["ledger_main"] = "ledger/" + f["item_main"].split("/")[1]
        f["ledger_other"] = "ledger/" + f["item_other"].split("/")[1]
        self.stack.wait_for(lambda: self.stack.request(
            "GET", f"/v1/{f['ledger_main']}", token=sup, record=False).status == 200)
        # Supervision learns of the task from workflow's feed: retried (with one request id)
        # until it has.
        notice = {"requestId": "pm-notice-1", "notice": {
            "colour": "NOTICE_COLOUR_GREEN", "task": f["task_main"],
            "reason": "请按时签收并报送办理方案"}}
        f["notice"] = self.stack.wait_for(lambda: self.stack.request(
            "POST", "/v1/notices", notice, token=sup, record=False).json().get("name"))
        f["objection"] = self.ok("POST", f"/v1/{f['item_other']}/assignment:object", {
            "unit": TRANSPORT, "reason": "该事项属于教育部门职责，建议改由教育局办理"},
            self.t_clerk)["name"]
        f["extension"] = self.ok("POST", f"/v1/{f['item_other']}/assignment:requestExtension", {
            "unit": TRANSPORT, "requestedDate": EXTENDED,
            "reason": "信号灯设备采购需走招标程序"}, self.t_clerk)["name"]
        for key in ("issued", "wang"):
            record = "disclosures/" + f[f"item_{key}"].split("/")[1]
            self.stack.wait_for(lambda: self.stack.request(
                "GET", f"/v1/public/{record}", record=False).status == 200)
            f[f"disclosure_{key}"] = record
        self.ok("POST", f"/v1/{f['disclosure_wang']}:withhold", {
            "reason": "WITHHOLD_REASON_PRIVACY", "reasonText": "涉及个人隐私"},
            self.token("CONG"))


if __name__ == "__main__":
    unittest.main()
