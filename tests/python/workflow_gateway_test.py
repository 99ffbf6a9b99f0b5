"""Handling (办理) through the HTTP gateway, over the real processes: an item submitted, accepted,
assigned, acknowledged, answered, reviewed, signed and issued — and a rating that only the lead
proposer can give ("被满意" must be impossible).

    cd tests/python && /usr/bin/python3 -m unittest -v workflow_gateway_test
(binaries from HUIYIN_*_BIN, as for gateway_e2e_test).
"""

import unittest

from gateway_e2e_test import GatewayTestCase

SESSION = "县第十八届人民代表大会第六次会议"
OFFICE = ("persons/gov-w1", "ROLE_GOVERNMENT_OFFICE", "县政府办公室 钱峰")
CONGRESS = ("persons/cong-w1", "ROLE_CONGRESS_OFFICE", "县人大选联工委 孙敏")
LEAD = "persons/p-6101"
UNIT = "units/housing-w"
HEAD, DEPUTY, CLERK = "persons/hw-head", "persons/hw-deputy", "persons/hw-clerk"

GOOD_ANSWER = (
    "尊敬的欧阳华代表：\n"
    "您提出的《关于加快城区老旧小区加装电梯的建议》收悉。我局高度重视，经认真研究，现答复如下：\n"
    "一、简化审批。自2026年12月起，老旧小区加装电梯实行联合审批，办理时限压缩至15个工作日。\n"
    "二、财政补贴。每台电梯补助15万元，已纳入2026年县级财政预算，首批12台已于11月开工。\n"
    "三、协调机制。由各社区牵头召开业主协商会，化解低层住户的顾虑。\n"
    "感谢您对住房和城乡建设工作的关心和支持。\n"
    "联系人：孙浩，电话：0731-5551234\n"
    "县住房和城乡建设局\n2026年11月23日")


class WorkflowThroughGatewayTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stack = cls.stack
        cls.office = stack.token(*OFFICE)
        cls.clerk = stack.token(CLERK, "ROLE_UNIT_CLERK", name="孙浩", unit=UNIT)
        cls.deputy = stack.token(DEPUTY, "ROLE_UNIT_DEPUTY_HEAD", name="钱丽", unit=UNIT)
        cls.head = stack.token(HEAD, "ROLE_UNIT_HEAD", name="赵国强", unit=UNIT)
        congress = stack.token(*CONGRESS)
        stack.create_unit(UNIT, "县住房和城乡建设局", "城乡建设", [
            (HEAD, "赵国强", "MEMBER_ROLE_HEAD", "局办公室"),
            (DEPUTY, "钱丽", "MEMBER_ROLE_DEPUTY_HEAD", "城建股"),
            (CLERK, "孙浩", "MEMBER_ROLE_CLERK", "城建股")], cls.office)
        cls.item = stack.accepted_item({
            "kind": "ITEM_KIND_SUGGESTION", "session": SESSION, "year": 2026,
            "title": "关于加快城区老旧小区加装电梯的建议",
            "body": "城区多层住宅老年人上下楼困难，加装电梯意愿强烈，但审批环节多、补贴不明确，"
                    "低层住户顾虑多。建议简化加装电梯审批，明确财政补贴标准，建立协商机制。",
            "category": "城乡建设", "channel": "CHANNEL_CONGRESS_SYSTEM",
            "leadProposer": {"person": LEAD, "name": "欧阳华", "group": "城关镇代表团"}},
            congress)
        cls.task = stack.assigned_task(cls.item, UNIT, cls.office, cls.clerk)

    def test_whole_life_and_only_the_lead_proposer_rates(self):
        task = self.task["name"]
        acknowledged = self.call("POST", f"/v1/{task}:acknowledge", {"responsible": {
            "head": HEAD, "headName": "赵国强", "deputyHead": DEPUTY, "deputyHeadName": "钱丽",
            "section": "城建股", "clerk": CLERK, "clerkName": "孙浩"}}, token=self.clerk)
        self.assertEqual(acknowledged.status, 200, acknowledged)
        drafted = self.call("POST", f"/v1/{task}/answers", {"answer": {
            "answerClass": "ANSWER_CLASS_A", "text": GOOD_ANSWER, "contactPerson": "孙浩",
            "contactPhone": "0731-5551234", "answerDate": "2026-11-23"}}, token=self.clerk)
        self.assertEqual(drafted.status, 200, drafted)
        answer = drafted.json()["name"]
        # Only the deputy head named at acknowledgement reviews; only the head signs.
        self.assert_error(self.call("POST", f"/v1/{answer}:review", {"approve": True},
                                    token=self.clerk), 403, "PERMISSION_DENIED")
        reviewed = self.call("POST", f"/v1/{answer}:review", {"approve": True}, token=self.deputy)
        self.assertEqual(reviewed.status, 200, reviewed)
        signed = self.call("POST", f"/v1/{answer}:sign", {}, token=self.head)
        self.assertEqual(signed.status, 200, signed)
        issued = self.call("POST", f"/v1/{answer}:issue", {}, token=self.clerk)
        self.assertEqual(issued.status, 200, issued)

        rating = {"rating": "RATING_SATISFIED", "comment": "答复具体，已开工"}
        for token in (self.head, self.office, self.stack.token(*CONGRESS),
                      self.stack.token("persons/p-6999", "ROLE_PROPOSER")):
            self.assert_error(self.call("POST", f"/v1/{answer}:evaluate", rating, token=token),
                              403, "PERMISSION_DENIED")
        lead = self.stack.token(LEAD, "ROLE_PROPOSER", name="欧阳华")
        evaluated = self.call("POST", f"/v1/{answer}:evaluate", rating, token=lead)
        self.assertEqual(evaluated.status, 200, evaluated)
        self.assertEqual(evaluated.json()["evaluation"]["rating"], "RATING_SATISFIED")
        again = self.call("POST", f"/v1/{answer}:evaluate", rating, token=lead)
        self.assertEqual(again.status, 409, again)  # once per answer


if __name__ == "__main__":
    unittest.main()
