"""Synthetic statutory returns for the feed's tests: a children in need census (XML, valid against the DfE's
schema and passing the DfE's error rules unless a test breaks them) and SSDA903 tables (CSV)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from casedesk.domain.identifiers import make_upn

LA = "383"
LA_ONS = "E08000035"  # Leeds


@dataclass
class CinChild:
    la_child_id: str
    upn: str | None
    born: str = "2012-05-01"
    sex: str = "2"
    referral: str = "2023-06-05"
    closure: str | None = None
    reason: str | None = None  # closure reason RC1..RC9
    need: str = "N1"
    plan: tuple[str, str | None, str] | None = None  # (start, end, latest category)
    cin_plan: tuple[str, str | None] | None = ("2023-07-03", None)
    extra: dict[str, str] = field(default_factory=dict)  # element name -> raw XML to put in its place


def upn(serial: int) -> str:
    return make_upn(LA, "2000", 12, serial)


def _el(name: str, value: str | None) -> str:
    return f"<{name}>{escape(value)}</{name}>" if value is not None else ""


def cin_child_xml(c: CinChild) -> str:
    assessment = (
        "<Assessments><AssessmentActualStartDate>2023-06-06</AssessmentActualStartDate>"
        "<AssessmentAuthorisationDate>2023-06-30</AssessmentAuthorisationDate>"
        "<FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors>"
        "</FactorsIdentifiedAtAssessment></Assessments>"
    )
    cin_plan = (
        f"<CINPlanDates>{_el('CINPlanStartDate', c.cin_plan[0])}{_el('CINPlanEndDate', c.cin_plan[1])}</CINPlanDates>"
        if c.cin_plan
        else ""
    )
    s47 = ""
    cpp = ""
    if c.plan:
        start, end, category = c.plan
        s47 = (
            "<Section47><S47ActualStartDate>2023-06-07</S47ActualStartDate>"
            "<InitialCPCtarget>2023-07-05</InitialCPCtarget>"
            f"<DateOfInitialCPC>{start}</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>"
        )
        cpp = (
            f"<ChildProtectionPlans>{_el('CPPstartDate', start)}{_el('CPPendDate', end)}"
            f"<InitialCategoryOfAbuse>{category}</InitialCategoryOfAbuse>"
            f"<LatestCategoryOfAbuse>{category}</LatestCategoryOfAbuse>"
            "<NumberOfPreviousCPP>1</NumberOfPreviousCPP>"
            "<Reviews><CPPreviewDate>2023-09-20</CPPreviewDate></Reviews></ChildProtectionPlans>"
        )
    ids = (
        _el("LAchildID", c.la_child_id)
        + (_el("UPN", c.upn) if c.upn else "<UPNunknown>UN1</UPNunknown>")
        + _el("PersonBirthDate", c.born)
        + _el("GenderCurrent", c.sex)
    )
    details = (
        _el("CINreferralDate", c.referral)
        + "<ReferralSource>2B</ReferralSource>"
        + _el("PrimaryNeedCode", c.need)
        + _el("CINclosureDate", c.closure)
        + _el("ReasonForClosure", c.reason)
        + assessment
        + cin_plan
        + s47
        + "<ReferralNFA>false</ReferralNFA>"
        + cpp
    )
    for name, raw in c.extra.items():
        ids = ids.replace(f"<{name}>", raw + f"<{name}>", 1) if f"<{name}>" in ids else ids
        details = details.replace(f"<{name}>", raw + f"<{name}>", 1) if f"<{name}>" in details else details
    return (
        f"<Child><ChildIdentifiers>{ids}</ChildIdentifiers>"
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
        "<Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>"
        f"<CINdetails>{details}</CINdetails></Child>"
    )


def cin_xml(children: list[CinChild], *, year: str = "2024", lea: str = LA) -> bytes:
    header = (
        "<Header><CollectionDetails><Collection>CIN</Collection>"
        f"<Year>{year}</Year><ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails>"
        f"<Source><SourceLevel>L</SourceLevel><LEA>{lea}</LEA><SoftwareCode>Case system</SoftwareCode>"
        f"<Release>1</Release><SerialNo>001</SerialNo><DateTime>{year}-04-10T10:00:00</DateTime></Source></Header>"
    )
    body = "".join(cin_child_xml(c) for c in children)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Message>{header}<Children>{body}</Children></Message>\n'.encode()


def identities_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    columns = [
        "la_child_id",
        "given_name",
        "family_name",
        "nhs_number",
        "postcode",
        "social_worker_id",
        "social_worker_name",
    ]
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODES = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]
SOCIAL_WORKER = ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"]


def _table(columns: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return out.getvalue()


def social_worker(child: str, born: str, worker: str, start: str, end: str = "") -> dict[str, str]:
    return {"CHILD": child, "DOB": born, "SW_ID": worker, "SW_DECOM": start, "SW_DEC": end, "SW_REASON": "MANAGE"}


def write_ssda903(
    folder: Path,
    header: list[dict[str, str]],
    episodes: list[dict[str, str]],
    social_workers: list[dict[str, str]] | None = None,
    identities: list[dict[str, str]] | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "header.csv").write_text(_table(HEADER, header))
    (folder / "episodes.csv").write_text(_table(EPISODES, episodes))
    if social_workers is not None:
        (folder / "social_workers.csv").write_text(_table(SOCIAL_WORKER, social_workers))
    if identities is not None:
        (folder / "identities.csv").write_bytes(identities_csv(identities))
    return folder


def looked_after(child: str, upn_value: str, born: str = "01/05/2012", sex: str = "2") -> dict[str, str]:
    mother = "0" if sex == "2" else ""
    return {"CHILD": child, "SEX": sex, "DOB": born, "ETHNIC": "WBRI", "UPN": upn_value, "MOTHER": mother, "MC_DOB": ""}


def episode(
    child: str, start: str, end: str = "", reason: str = "", legal: str = "C2", new: str = "S"
) -> dict[str, str]:
    return {
        "CHILD": child,
        "DECOM": start,
        "RNE": new,
        "LS": legal,
        "CIN": "N1",
        "PLACE": "U1",
        "PLACE_PROVIDER": "PR1",
        "DEC": end,
        "REC": reason,
        "REASON_PLACE_CHANGE": "",
        "HOME_POST": "LS6 3AB",
        "PL_POST": "LS7 2AB",
        "URN": "SC123456",
    }
