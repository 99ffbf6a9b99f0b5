"""Carries the demo's assigned items through handling in a running huiyin-workflow: each unit
acknowledges its task naming its head, deputy head and clerk (三级负责), meets the proposer,
co-handlers send their opinions, and answers are drafted, reviewed, signed (the key item also by
its leading official) and issued with class A, B (with dated commitments) or C (with the reason).
Some proposers then rate the answer; one is not satisfied, which starts a second handling.

    /usr/bin/python3 deploy/local/demo_workflow.py --address 127.0.0.1:7103 --credential SECRET

Running it again changes nothing: each step is taken only for tasks still waiting for it.
"""

import argparse
import datetime
import os
import pathlib
import sys
import time

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import huiyin_client  # noqa: E402
from demo_assignment import LEADING_OFFICIAL, UNITS  # noqa: E402

TIMEOUT = 10
TODAY = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
TODAY_CN = time.strftime("%Y年%-m月%-d日", time.gmtime(time.time() + 8 * 3600))


def month_end_after(days):
    """The last day of the month `days` days from today (China)."""
    day = datetime.date.fromisoformat(TODAY) + datetime.timedelta(days=days)
    first_of_next = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first_of_next - datetime.timedelta(days=1)


# A B answer's two commitments (承诺事项), the text of the answer saying the same dates.
DESIGN_DUE, BUILT_DUE = month_end_after(200), month_end_after(380)


def members(unit):
    """(head, deputy head, clerk) of a demo unit as (person, name, section)."""
    people = {role: (person, name, section)
              for person, name, role, section in UNITS[unit.split("/")[1]][3]}
    return (people["MEMBER_ROLE_HEAD"], people["MEMBER_ROLE_DEPUTY_HEAD"],
            people["MEMBER_ROLE_CLERK"])


def answer_text(task, clerk_name, unit_name, cls):
    body = {
        "ANSWER_CLASS_A": "经认真研究并实地调查，所提问题已列入今年实施项目，目前已完成施工招标，"
                          "预计年底前完工投用。",
        "ANSWER_CLASS_B": "所提问题确需解决，我单位已将其列入下一年度工作计划，将于"
                          f"{DESIGN_DUE.year}年{DESIGN_DUE.month}月底前完成方案设计，"
                          f"{BUILT_DUE.year}年{BUILT_DUE.month}月底前完成建设。",
        "ANSWER_CLASS_C": "经研究，受现行政策和本年度财力所限，所提事项暂不具备实施条件。我们将"
                          "积极向上级争取政策和资金支持，条件具备时优先安排。",
    }[cls]
    return (f"尊敬的代表（委员）：\n您提出的《{task.item.title}》收悉。我单位高度重视，经认真研究，"
            f"现答复如下：\n{body}\n感谢您对我们工作的关心和支持。\n"
            f"联系人：{clerk_name}，电话：0731-5550000\n{unit_name}\n{TODAY_CN}")


class Handler:
    def __init__(self, channel, credential, pb):
        from huiyin.workflow.v1 import workflow_pb2_grpc
        self.stub = workflow_pb2_grpc.WorkflowServiceStub(channel)
        self.credential = credential
        self.pb = pb

    def as_person(self, person, role, unit="", name=""):
        return huiyin_client.caller_metadata(person, role, self.credential, unit=unit,
                                             display_name=name)

    def tasks(self):
        office = self.as_person("persons/p-9201", "ROLE_GOVERNMENT_OFFICE")
        out, token = [], ""
        while True:
            page = self.stub.ListTasks(self.pb.ListTasksRequest(page_size=500, page_token=token),
                                       metadata=office, timeout=TIMEOUT)
            out.extend(page.tasks)
            token = page.next_page_token
            if not token:
                return out

    def handle(self, task, index):
        pb = self.pb
        head, deputy, clerk = members(task.unit)
        unit_md = lambda who, role: self.as_person(who[0], role, task.unit, who[1])  # noqa: E731
        as_clerk = unit_md(clerk, "ROLE_UNIT_CLERK")
        if task.state == pb.TASK_STATE_WAITING_ACKNOWLEDGEMENT:
            task = self.stub.AcknowledgeTask(pb.AcknowledgeTaskRequest(
                name=task.name, responsible=pb.Responsible(
                    head=head[0], head_name=head[1], deputy_head=deputy[0],
                    deputy_head_name=deputy[1], section=clerk[2], clerk=clerk[0],
                    clerk_name=clerk[1])), metadata=as_clerk, timeout=TIMEOUT)
            self.stub.RecordContact(pb.RecordContactRequest(
                name=task.name, request_id=f"demo-contact-{task.name.split('/')[1]}",
                contact=pb.Contact(stage=pb.CONTACT_STAGE_BEFORE, mode=pb.CONTACT_MODE_FACE_TO_FACE,
                                   contact_date=TODAY, participants=[clerk[1], "代表本人"],
                                   summary="当面听取代表意见，商定办理思路和时间安排")),
                metadata=as_clerk, timeout=TIMEOUT)
        if task.role == 2:  # UNIT_ROLE_CO: its part is the opinion to the lead unit
            if not task.opinions:
                self.stub.SendOpinion(pb.SendOpinionRequest(
                    name=task.name, request_id=f"demo-opinion-{task.name.split('/')[1]}",
                    text="我单位同意主办单位的办理思路，将负责做好属地群众工作和施工协调。"),
                    metadata=as_clerk, timeout=TIMEOUT)
            return "opinion"
        if task.answers:
            return "answered"
        # The lead unit reads the co-handlers' opinions first (it cannot sign while one waits).
        task = self.stub.GetTask(pb.GetTaskRequest(name=task.name), metadata=as_clerk,
                                 timeout=TIMEOUT)
        for opinion in task.opinions:
            if opinion.state == pb.OPINION_STATE_SENT:
                self.stub.ReviewOpinion(pb.ReviewOpinionRequest(name=opinion.name, accept=True),
                                        metadata=as_clerk, timeout=TIMEOUT)
        cls = ("ANSWER_CLASS_A", "ANSWER_CLASS_B", "ANSWER_CLASS_C")[index % 3]
        draft = pb.Answer(answer_class=cls, text=answer_text(task, clerk[1],
                                                             task.unit_display_name, cls),
                          contact_person=clerk[1], contact_phone="0731-5550000", answer_date=TODAY)
        if cls == "ANSWER_CLASS_B":
            draft.commitments.add(text="完成方案设计", due_date=DESIGN_DUE.isoformat())
            draft.commitments.add(text="完成建设并投入使用", due_date=BUILT_DUE.isoformat())
        if cls == "ANSWER_CLASS_C":
            draft.explanation = "受现行政策和本年度财力所限，暂不具备实施条件"
        answer = self.stub.DraftAnswer(pb.DraftAnswerRequest(
            name=task.name, answer=draft, request_id=f"demo-answer-{task.name.split('/')[1]}"),
            metadata=as_clerk, timeout=TIMEOUT)
        self.stub.ReviewAnswer(pb.ReviewAnswerRequest(name=answer.name, approve=True),
                               metadata=unit_md(deputy, "ROLE_UNIT_DEPUTY_HEAD"), timeout=TIMEOUT)
        self.stub.SignAnswer(pb.SignAnswerRequest(name=answer.name),
                             metadata=unit_md(head, "ROLE_UNIT_HEAD"), timeout=TIMEOUT)
        if task.key:
            self.stub.SignAnswer(pb.SignAnswerRequest(name=answer.name), metadata=self.as_person(
                LEADING_OFFICIAL[0], "ROLE_LEADING_OFFICIAL", name=LEADING_OFFICIAL[1]),
                timeout=TIMEOUT)
        try:
            self.stub.IssueAnswer(pb.IssueAnswerRequest(name=answer.name), metadata=as_clerk,
                                  timeout=TIMEOUT)
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.FAILED_PRECONDITION:
                raise
            return "waiting"  # e.g. a co-handler's opinion is still due
        if index % 4 != 3 and task.item.proposers:
            rating = pb.RATING_UNSATISFIED if index == 4 else pb.RATING_SATISFIED
            self.stub.EvaluateAnswer(pb.EvaluateAnswerRequest(
                name=answer.name, rating=rating,
                comment="答复具体，措施有力" if rating == pb.RATING_SATISFIED else "答复未解决实际问题"),
                metadata=self.as_person(task.item.proposers[0], "ROLE_PROPOSER"), timeout=TIMEOUT)
        return "issued"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--address", required=True, help="workflow gRPC address, HOST:PORT")
    parser.add_argument("--credential", required=True, help="the internal credential")
    parser.add_argument("--stub-dir", default=os.environ.get(
        "HUIYIN_STUB_DIR", str(huiyin_client.REPO_ROOT / "build" / "python_stubs")))
    args = parser.parse_args(argv)
    huiyin_client.use_stubs(pathlib.Path(args.stub_dir))
    from huiyin.workflow.v1 import workflow_pb2 as pb

    with huiyin_client.channel(args.address) as channel:
        grpc.channel_ready_future(channel).result(timeout=TIMEOUT)
        handler = Handler(channel, args.credential, pb)
        tasks, previous, deadline = [], -1, time.monotonic() + 15
        while time.monotonic() < deadline:  # until workflow has caught up with assignment's feed
            tasks = handler.tasks()
            if len(tasks) == previous:
                break
            previous = len(tasks)
            time.sleep(1)
        outcomes, failures = {}, []
        # Co-handlers first, so that the lead units find their opinions.
        ordered = sorted(tasks, key=lambda t: (t.role != 2, t.name))
        for index, task in enumerate(ordered):
            try:
                outcome = handler.handle(task, index)
            except grpc.RpcError as e:  # shown, not fatal: the rest of the demo still runs
                outcome = "refused"
                failures.append(f"  {task.name} ({task.item.title}): {e.code().name} {e.details()}")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        print("workflow demo: " + ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())) +
              f" (of {len(tasks)} tasks)")
        for line in failures[:5]:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
