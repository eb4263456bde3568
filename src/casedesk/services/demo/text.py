"""Words for the synthetic demo: the local agencies and the chronology entries practitioners would write.

Kept apart from the generator so the numbers (how many, how often) and the prose can be read on their own.
Every place and person is invented; identifiers are valid in form but drawn from test ranges.
"""

from __future__ import annotations

from casedesk.domain.schema import Category
from casedesk.domain.vocab import EventKind, InvolvementRole, OrgKind, Significance

# The demo authority: Leeds's LA code and postcode districts, so identifiers and areas look real.
DEMO_LA_CODE = "383"
DEMO_TOWN = "Leeds"
DEMO_DISTRICTS = tuple(f"LS{n}" for n in range(1, 30))
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

SCHOOL_SUFFIXES = (
    "Primary School",
    "Primary School",
    "Primary Academy",
    "C of E Primary School",
    "High School",
    "Academy",
    "Community College",
)

AGENCIES: tuple[tuple[str, OrgKind, str | None], ...] = (
    ("Leeds Children's Social Work Service", OrgKind.CHILDRENS_SOCIAL_CARE, None),
    ("Early Help Hub (North)", OrgKind.EARLY_HELP, None),
    ("Early Help Hub (South)", OrgKind.EARLY_HELP, None),
    ("Elective Home Education Team", OrgKind.EARLY_HELP, None),
    ("Leeds Youth Justice Service", OrgKind.YOUTH_JUSTICE, None),
    ("Virtual School for Children Looked After", OrgKind.VIRTUAL_SCHOOL, None),
    ("School Nursing Service", OrgKind.HEALTH, "RY6"),
    ("CAMHS Leeds", OrgKind.HEALTH, "RGD"),
    ("West Yorkshire Police Safeguarding Unit", OrgKind.POLICE, None),
    ("Young Carers Project", OrgKind.VOLUNTARY, None),
    ("Family Action Mentoring", OrgKind.VOLUNTARY, None),
)

ROLE_FOR_KIND: dict[OrgKind, tuple[InvolvementRole, str]] = {
    OrgKind.SCHOOL: (InvolvementRole.DSL, "Designated safeguarding lead"),
    OrgKind.CHILDRENS_SOCIAL_CARE: (InvolvementRole.SOCIAL_WORKER, "Social worker"),
    OrgKind.EARLY_HELP: (InvolvementRole.LEAD_PROFESSIONAL, "Family support worker"),
    OrgKind.YOUTH_JUSTICE: (InvolvementRole.CASE_MANAGER, "YJS case manager"),
    OrgKind.VIRTUAL_SCHOOL: (InvolvementRole.VIRTUAL_SCHOOL_OFFICER, "Virtual school officer"),
    OrgKind.HEALTH: (InvolvementRole.HEALTH_PROFESSIONAL, "School nurse"),
    OrgKind.POLICE: (InvolvementRole.OTHER, "Safeguarding officer"),
    OrgKind.VOLUNTARY: (InvolvementRole.KEY_WORKER, "Key worker"),
}

R, N, S, C = Significance.ROUTINE, Significance.NOTABLE, Significance.SIGNIFICANT, Significance.CRITICAL
# kind -> (weight, category, organisation kind that usually records it, entries). Each entry is a title, the body
# written under it and how significant that is, kept together so the text and the significance always agree.
# Plans that belong to one kind of child (EHC plan reviews, PEPs, youth justice outcomes) are not here: the
# casework generator writes them for the children they belong to.
Entry = tuple[str, str, Significance]
EVENT_TEMPLATES: dict[EventKind, tuple[int, Category, OrgKind, tuple[Entry, ...]]] = {
    EventKind.NOTE: (
        14,
        Category.GENERAL,
        OrgKind.SCHOOL,
        (
            ("Check-in with {name}", "{name} engaged well in the check-in and talked about football and friends.", R),
            ("Update from class teacher", "Class teacher reports {name} is settled and completing work in class.", R),
        ),
    ),
    EventKind.MEETING: (
        8,
        Category.FAMILY,
        OrgKind.EARLY_HELP,
        (
            (
                "Team around the family meeting",
                "Agencies present shared updates. Plan reviewed; outcomes partly met. Next review in six weeks.",
                N,
            ),
            ("TAF review", "Family plan reviewed with parent and school; attendance actions carried forward.", R),
        ),
    ),
    EventKind.HOME_VISIT: (
        6,
        Category.FAMILY,
        OrgKind.EARLY_HELP,
        (
            ("Home visit", "{name} was seen alone and said things at home were 'alright'. Parent engaged.", R),
            (
                "Unannounced home visit",
                "No adult answered at first; parent returned after ten minutes. Home conditions adequate.",
                N,
            ),
        ),
    ),
    EventKind.PHONE_CALL: (
        10,
        Category.FAMILY,
        OrgKind.SCHOOL,
        (
            ("Call with parent", "Spoke with {name}'s parent about mornings; agreed an attendance support plan.", R),
            (
                "Call from carer",
                "Carer reports difficulties with sibling care before school. Young carers project suggested.",
                R,
            ),
        ),
    ),
    EventKind.ATTENDANCE_CONCERN: (
        9,
        Category.ATTENDANCE,
        OrgKind.SCHOOL,
        (
            (
                "Attendance below 90% this half term",
                "{name} is persistently absent this half term. Letter sent; attendance meeting offered.",
                N,
            ),
            (
                "Three unauthorised absences (code O) this week",
                "No reason given for three sessions. First-day calls made; parent to attend a meeting.",
                N,
            ),
        ),
    ),
    EventKind.SUSPENSION: (
        3,
        Category.BEHAVIOUR,
        OrgKind.SCHOOL,
        (
            (
                "Suspension: persistent disruptive behaviour",
                "Suspended for two days after repeated disruption. Reintegration meeting booked with parent.",
                S,
            ),
            (
                "Suspension: verbal abuse against an adult",
                "Suspended for one day after swearing at a member of staff. Work set for home.",
                S,
            ),
        ),
    ),
    EventKind.PERMANENT_EXCLUSION: (
        1,
        Category.BEHAVIOUR,
        OrgKind.SCHOOL,
        (
            (
                "Permanent exclusion: physical assault against a pupil",
                "Headteacher's decision following a serious assault. Governors' meeting within 15 school days.",
                C,
            ),
        ),
    ),
    EventKind.MANAGED_MOVE: (
        1,
        Category.EDUCATION,
        OrgKind.SCHOOL,
        (("Managed move agreed", "Managed move to another school agreed with parent; six-week trial.", S),),
    ),
    EventKind.SAFEGUARDING_CONCERN: (
        5,
        Category.SAFEGUARDING,
        OrgKind.SCHOOL,
        (
            (
                "Disclosure to class teacher",
                "{name} told the class teacher about shouting at home. DSL informed the same day; advice sought.",
                S,
            ),
            (
                "Concern logged: unexplained bruising",
                "Bruising to the upper arm seen in PE; {name} gave no explanation. Referred to the front door.",
                C,
            ),
            ("Concern: arrived hungry", "{name} arrived hungry and was given breakfast. DSL to speak with parent.", N),
        ),
    ),
    EventKind.REFERRAL: (
        3,
        Category.SOCIAL_CARE,
        OrgKind.SCHOOL,
        (
            ("Referral to the front door", "Referral made to children's social care with parent's knowledge.", S),
            ("Referral to early help", "Early help referral made with parent's consent; family support requested.", N),
        ),
    ),
    EventKind.ASSESSMENT: (
        3,
        Category.SOCIAL_CARE,
        OrgKind.CHILDRENS_SOCIAL_CARE,
        (
            (
                "Child and family assessment completed",
                "Assessment completed; needs identified around parenting capacity and routines.",
                N,
            ),
            ("Early help assessment", "Early help assessment completed with the family; plan agreed.", R),
        ),
    ),
    EventKind.POLICE_CONTACT: (
        2,
        Category.YOUTH_JUSTICE,
        OrgKind.POLICE,
        (
            ("Stop and search, no further action", "{name} was stopped and searched in town; nothing found.", N),
            (
                "Police contact: seen with older youths after curfew",
                "{name} was taken home by officers after being found with older youths late at night.",
                N,
            ),
        ),
    ),
    EventKind.HEALTH_APPOINTMENT: (
        4,
        Category.HEALTH,
        OrgKind.HEALTH,
        (
            ("CAMHS appointment attended", "{name} attended with parent. Follow-up appointment in four weeks.", R),
            ("School nurse drop-in", "{name} saw the school nurse about sleep; advice given.", R),
            ("Was not brought to appointment", "Second missed appointment. GP and school informed.", N),
        ),
    ),
    EventKind.MISSING_EPISODE: (
        1,
        Category.SAFEGUARDING,
        OrgKind.POLICE,
        (
            (
                "Missing episode, return interview offered",
                "{name} was missing for six hours and returned home. Return interview offered.",
                S,
            ),
            (
                "Police notification: missing overnight",
                "{name} was reported missing overnight and found the next morning. Return interview requested.",
                S,
            ),
        ),
    ),
    EventKind.PLAN_REVIEW: (
        3,
        Category.SEND,
        OrgKind.SCHOOL,
        (("SEN support plan review", "Support plan reviewed with parent; targets for reading and social skills.", R),),
    ),
}

# First names common among children born in England and Wales 2007–2022 (ONS baby names), so the caseload
# reads like one; surnames and streets come from Faker's en_GB provider.
GIRLS = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Sophia",
    "Grace",
    "Freya",
    "Evie",
    "Poppy",
    "Ella",
    "Emily",
    "Charlotte",
    "Florence",
    "Willow",
    "Sienna",
    "Harper",
    "Rosie",
    "Phoebe",
    "Ruby",
    "Daisy",
    "Millie",
    "Matilda",
    "Aisha",
    "Maryam",
    "Zara",
    "Hannah",
    "Amira",
    "Layla",
    "Nevaeh",
    "Chloe",
    "Jessica",
    "Ellie",
    "Lucy",
    "Megan",
    "Holly",
    "Erin",
    "Niamh",
    "Leah",
    "Maya",
    "Esme",
    "Imogen",
    "Scarlett",
    "Summer",
    "Eva",
    "Molly",
    "Alice",
]
BOYS = [
    "Oliver",
    "Noah",
    "George",
    "Arthur",
    "Muhammad",
    "Leo",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Jack",
    "Theo",
    "Freddie",
    "Charlie",
    "Alfie",
    "Thomas",
    "Jacob",
    "William",
    "Joshua",
    "James",
    "Ethan",
    "Mason",
    "Logan",
    "Lucas",
    "Riley",
    "Max",
    "Dylan",
    "Kai",
    "Reuben",
    "Ibrahim",
    "Yusuf",
    "Adam",
    "Zayn",
    "Callum",
    "Kieran",
    "Liam",
    "Tyler",
    "Jayden",
    "Connor",
    "Harvey",
    "Finley",
    "Louie",
    "Ryan",
    "Samuel",
    "Daniel",
    "Toby",
    "Harrison",
    "Rory",
    "Ollie",
]
SCHOOL_NAMES = [
    "Oakwood",
    "Beechfield",
    "Hollin",
    "Moorside",
    "Kirkstall Valley",
    "Holt Park",
    "Fieldhead",
    "Greenhill",
    "Ashbourne",
    "Brayton",
    "Carr Manor",
    "Elmete",
    "Meadowfield",
    "Primrose",
    "Rawdon",
    "Woodkirk",
    "Westerton",
    "Allerton",
    "Lawnswood",
    "Templenewsam",
    "Calverley",
    "Bramley",
    "Swarcliffe",
    "Gildersome",
    "Ryecroft",
    "Harewood",
    "Bankside",
    "Low Road",
    "Whingate",
    "Farsley",
    "Otley Road",
    "Thorner",
    "Scholes",
    "Morley Bank",
    "Cottingley",
    "Hunslet Moor",
    "Seacroft",
    "Armley",
    "Beeston Hill",
    "Hawksworth",
    "Wortley",
]

SHORT_NAMES = {
    "William": "Will",
    "Thomas": "Tom",
    "Samuel": "Sam",
    "Daniel": "Dan",
    "Joshua": "Josh",
    "Isabella": "Bella",
    "Charlotte": "Lottie",
    "Matilda": "Tilly",
    "Jessica": "Jess",
    "Alexander": "Alex",
    "Frederick": "Freddie",
    "Oliver": "Ollie",
}
