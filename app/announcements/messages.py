"""The words of a result mail: the team's rank, score (when the round shows scores), whether it advances, its
prize, and where to look; at publication the notice's days and how to object, at finalization the certificate.
In both languages, the contest's own first, like every mail about a contest."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.links import public_url
from app.mail import Mail, bilingual
from app.models import AT_PUBLICATION, Notice, Round


@dataclass(frozen=True)
class TeamOutcome:
    number: str
    name: str
    rank: int | None
    score: Decimal | None
    advanced: bool
    prize: str | None
    certificate_code: str | None


def result_mail(round_: Round, occasion: str, team: TeamOutcome, to: list[str], notice: Notice | None) -> Mail:
    contest = round_.contest
    published = occasion == AT_PUBLICATION
    subject = bilingual(
        contest.language,
        f"{contest.name} {round_.name}：{'结果公示' if published else '最终结果'}",
        f"{contest.name}, {round_.name}: {'results published' if published else 'final results'}",
        between=" / ",
    )
    zh, en = [f"{team.name}（{team.number}）：", ""], [f"{team.name} ({team.number}):", ""]
    zh.append(f"{round_.name}的结果{'已公示' if published else '已确定，为最终结果'}。")
    en.append(f"The results of {round_.name} are {'published' if published else 'final'}.")
    if team.rank is not None:
        zh.append(f"名次：第 {team.rank} 名" + (f"，得分 {team.score}" if team.score is not None else "") + "。")
        en.append(f"Rank: {team.rank}" + (f", score {team.score}" if team.score is not None else "") + ".")
    else:
        zh.append("本轮没有你们队的成绩。")
        en.append("Your team has no score in this round.")
    if team.prize:
        zh.append(f"奖项：{team.prize}。")
        en.append(f"Prize: {team.prize}.")
    if team.advanced:
        zh.append("你们队晋级下一轮。")
        en.append("Your team advances to the next round.")
    if published and notice is not None:
        zh.append(f"公示期：{notice.starts_on.isoformat()} 至 {notice.ends_on.isoformat()}；期间可登录提出异议。")
        en.append(f"Public notice: {notice.starts_on.isoformat()} to {notice.ends_on.isoformat()}; sign in to object during it.")
    if team.certificate_code:
        verify = public_url("certificates.verify_page", code=team.certificate_code)
        zh.append(f"获奖证书已签发，可在队伍页面下载；验证码 {team.certificate_code}：{verify}")
        en.append(f"Your certificate is issued; download it from your team's page. Code {team.certificate_code}: {verify}")
    link = public_url("results.public_results", round_id=round_.id)
    zh.append(f"查看结果：{link}")
    en.append(f"See the results: {link}")
    body = bilingual(contest.language, "\n".join(zh), "\n".join(en), between="\n\n---\n\n") + "\n"
    return Mail(tuple(sorted(set(to))), f"【Laurel】{subject}", body)
