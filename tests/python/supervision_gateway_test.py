"""Supervision's acts through the HTTP gateway over the real processes: the supervision office
returns an issued answer (退回重办), workflow carries it out, and the return comes back to
supervision through workflow's feed as the record of the return and in the ledger (台账); then an
on-site verification (实地核查) finds a new A-class answer not as answered and re-opens the
handling the same way. Only the supervision office may do either.

    cd tests/python && /usr/bin/python3 -m unittest -v supervision_gateway_test
(binaries from HUIYIN_*_BIN, as for gateway_e2e_test).
"""

import datetime
import unittest

from gateway_e2e_test import CHINA, GatewayTestCase, query

SESSION = "县第十八届人民代表大会第六次会议"
OFFICE = ("persons/gov-s1", "ROLE_GOVERNMENT_OFFICE", "县政府办公室 钱峰")
CONGRESS = ("persons/cong-s1", "ROLE_CONGRESS_OFFICE", "县人大选联工委 孙敏")
SUPERVISION = ("persons/du-cha-1", "ROLE_SUPERVISION_OFFICE", "县政府督查室 周明")
LEAD = "persons/p-7101"
UNIT = "units/transport-s"
HEAD, DEPUTY, CLERK = "persons/ts-head", "persons/ts-deputy", "persons/ts-clerk"

ANSWER = (
    "尊敬的刘建国代表：\n"
    "您提出的《关于在城北中学门口增设人行天桥的建议》收悉。经研究，现答复如下：\n"
    "一、城北中学门口人行天桥已完成设计，2026年10月开工，预计12月20日前建成通行。\n"
    "二、建成前在上下学时段安排交警值守，并增设减速带和警示标志。\n"
    "感谢您对交通工作的关心和支持。\n"
    "联系人：周涛，电话：0731-5556789\n"
    "县交通运输局")


class SupervisionThroughGatewayTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stack = cls.stack
        cls.office = stack.token(*OFFICE)
        cls.supervision = stack.token(*SUPERVISION)
        cls.clerk = stack.token(CLERK, "ROLE_UNIT_CLERK", name="周涛", unit=UNIT)
        cls.deputy = stack.token(DEPUTY, "ROLE_UNIT_DEPUTY_HEAD", name="吴静", unit=UNIT)
        cls.head = stack.token(HEAD, "ROLE_UNIT_HEAD", name="郑伟", unit=UNIT)
        congress = stack.token(*CONGRESS)
        stack.create_unit(UNIT, "县交通运输局", "交通运输", [
            (HEAD, "郑伟", "MEMBER_ROLE_HEAD", "局办公室"),
            (DEPUTY, "吴静", "MEMBER_ROLE_DEPUTY_HEAD", "公路股"),
            (CLERK, "周涛", "MEMBER_ROLE_CLERK", "公路股")], cls.office)
        cls.item = stack.accepted_item({
            "kind": "ITEM_KIND_SUGGESTION", "session": SESSION, "year": 2026,
            "title": "关于在城北中学门口增设人行天桥的建议",
            "body": "城北中学门口车流量大，学生上下学横穿马路险情频发。建议增设人行天桥，"
                    "建成前安排交警值守。",
            "category": "交通运输", "channel": "CHANNEL_CONGRESS_SYSTEM",
            "leadProposer": {"person": LEAD, "name": "刘建国", "group": "城关镇代表团"}},
            congress)
        cls.task = stack.assigned_task(cls.item, UNIT, cls.office, cls.clerk)["name"]

    def issue_answer(self):
        today = datetime.datetime.now(CHINA).date().isoformat()
        drafted = self.call("POST", f"/v1/{self.task}/answers", {"answer": {
            "answerClass": "ANSWER_CLASS_A", "text": ANSWER, "contactPerson": "周涛",
            "contactPhone": "0731-5556789", "answerDate": today}}, token=self.clerk)
        self.assertEqual(drafted.status, 200, drafted)
        answer = drafted.json()["name"]
        for path, token in ((f"/v1/{answer}:review", self.deputy), (f"/v1/{answer}:sign", self.head),
                            (f"/v1/{answer}:issue", self.clerk)):
            body = {"approve": True} if path.endswith(":review") else {}
            reply = self.call("POST", path, body, token=token)
            self.assertEqual(reply.status, 200, reply)
        # The ledger has seen the issued answer before supervision acts on it.
        self.stack.wait_for(lambda: any(a["answer"] == answer for a in self.call(
            "GET", f"/v1/ledger/{self.item.split('/')[1]}",
            token=self.supervision).json().get("answers", [])))
        return answer

    def returns_of_item(self, token):
        return self.call("GET", query("/v1/returns", item=self.item),
                         token=token).json().get("returns", [])

    def test_return_and_verification_go_through_workflow_and_back(self):
        self.call("POST", f"/v1/{self.task}:acknowledge", {"responsible": {
            "head": HEAD, "headName": "郑伟", "deputyHead": DEPUTY, "deputyHeadName": "吴静",
            "section": "公路股", "clerk": CLERK, "clerkName": "周涛"}}, token=self.clerk)
        answer = self.issue_answer()

        order = {"answer": answer, "reasons": ["RETURN_REASON_NO_TIMELINE"],
                 "comment": "交警值守的起止时间未明确", "requestId": "return-7101-1"}
        for token in (self.clerk, self.head, self.office):
            self.assert_error(self.call("POST", "/v1/returns", order, token=token),
                              403, "PERMISSION_DENIED")
        self.assert_error(self.call("POST", "/v1/returns", dict(order, reasons=[]),
                                    token=self.supervision), 400, "INVALID_ARGUMENT", "reasons")
        # Workflow's own return route is not exposed: supervision is the one way in.
        self.assertEqual(self.call("POST", f"/v1/{answer}:return", order,
                                   token=self.supervision).status, 404)
        returned = self.call("POST", "/v1/returns", order, token=self.supervision)
        self.assertEqual(returned.status, 200, returned)
        self.assertEqual(returned.json()["answer"]["state"], "ANSWER_STATE_RETURNED")
        again = self.call("POST", "/v1/returns", order, token=self.supervision)
        self.assertEqual(again.status, 200, again)  # a retry, not a second return

        task = self.call("GET", f"/v1/{self.task}", token=self.clerk).json()
        self.assertEqual(task["state"], "TASK_STATE_HANDLING")
        self.assertEqual(task["returnedCount"], 1)
        records = self.stack.wait_for(lambda: self.returns_of_item(self.supervision))
        self.assertEqual(len(records), 1)
        self.assertEqual(records[0]["reasons"], ["RETURN_REASON_NO_TIMELINE"])
        self.assertEqual(records[0]["comment"], "交警值守的起止时间未明确")
        self.assertEqual(records[0]["returnedBy"], SUPERVISION[0])
        self.assertEqual(records[0]["unitDisplayName"], "县交通运输局")
        self.assertEqual(self.returns_of_item(self.clerk), records)  # the unit sees its own
        ledger = self.call("GET", f"/v1/ledger/{self.item.split('/')[1]}",
                           token=self.supervision).json()
        self.assertEqual(ledger["units"][0]["returnedCount"], 1)

        # 实地核查 of the second, A-class answer: not as answered, so handling re-opens.
        second = self.issue_answer()
        visit = {"answer": second, "result": "VERIFICATION_RESULT_NOT_AS_ANSWERED",
                 "findings": "现场无天桥施工迹象，上下学时段无交警值守",
                 "visitDate": datetime.datetime.now(CHINA).date().isoformat(),
                 "inspectors": ["周明", "陈立"]}
        self.assert_error(self.call("POST", "/v1/verifications", visit, token=self.clerk),
                          403, "PERMISSION_DENIED")
        verified = self.call("POST", "/v1/verifications", visit, token=self.supervision)
        self.assertEqual(verified.status, 200, verified)
        self.assertEqual(verified.json()["unit"], UNIT)
        task = self.call("GET", f"/v1/{self.task}", token=self.clerk).json()
        self.assertEqual(task["state"], "TASK_STATE_HANDLING")
        self.assertEqual(task["returnedCount"], 2)
        records = self.stack.wait_for(lambda: len(self.returns_of_item(self.supervision)) == 2
                                and self.returns_of_item(self.supervision))
        self.assertEqual(records[1]["answer"], second)
        self.assertEqual(records[1]["reasons"], ["RETURN_REASON_CONTRADICTS_FACTS"])
        listed = self.call("GET", "/v1/verifications", token=self.clerk).json()
        self.assertEqual([v["name"] for v in listed["verifications"]], [verified.json()["name"]])


if __name__ == "__main__":
    unittest.main()
