"""Fictional names and plausible free text for the scale data (no real ICB is named)."""

from __future__ import annotations

import random

_PLACE_STARTS = (
    "Amber", "Ash", "Birch", "Bram", "Briar", "Cinder", "Clay", "Coppice", "Elder", "Elm",
    "Fern", "Fox", "Glen", "Hart", "Hazel", "Heron", "Holly", "Juniper", "Kestrel", "Lark",
    "Linden", "Marl", "Mistle", "Nether", "Oak", "Otter", "Quarry", "Raven", "Reed", "Rowan",
    "Sedge", "Sorrel", "Tansy", "Teasel", "Thistle", "Wax", "Willow", "Wren", "Yarrow", "Yew",
)  # fmt: skip
_PLACE_ENDS = (
    "bourne", "brook", "combe", "croft", "dale", "field", "ford", "gate", "holme", "hurst",
    "leigh", "mere", "moor", "stead", "stow", "thorpe", "vale", "well", "wick", "worth",
)  # fmt: skip
_REGION_WORDS = ("North", "South", "East", "West", "Mid", "Upper", "Lower", "Greater")

PRACTICE_KINDS = (
    "Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice",
    "Group Practice", "Health Practice", "Partnership",
)  # fmt: skip
# Postcode areas (the letters only: every postcode made here is random within them).
POSTCODE_AREAS = (
    "AL", "BA", "BB", "BD", "BH", "BL", "BN", "BS", "CA", "CB", "CH", "CM", "CO", "CT", "CV",
    "CW", "DA", "DE", "DH", "DL", "DN", "DT", "DY", "EX", "GL", "GU", "HD", "HG", "HP", "HR",
    "HU", "HX", "IP", "LA", "LE", "LN", "LS", "LU", "ME", "MK", "NE", "NG", "NN", "NR", "OL",
    "OX", "PE", "PL", "PO", "PR", "RG", "RH", "SG", "SK", "SL", "SN", "SO", "SP", "SR", "SS",
    "ST", "SY", "TA", "TF", "TN", "TQ", "TR", "TS", "WA", "WF", "WN", "WR", "WS", "WV", "YO",
)  # fmt: skip
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

CAUSES_OF_DEATH = (
    "Aspiration pneumonia", "Pneumonia", "Sepsis", "Bronchopneumonia", "Epilepsy",
    "Sudden unexpected death in epilepsy", "Ischaemic heart disease", "Heart failure",
    "Bowel obstruction", "Cancer of the bowel", "Lung cancer", "Breast cancer",
    "Dementia (Alzheimer's disease)", "COVID-19", "Chronic obstructive pulmonary disease",
    "Stroke", "Urinary tract infection and sepsis", "Constipation and faecal impaction",
    "Choking", "Not known yet: awaiting the coroner",
)  # fmt: skip
PLACE_DETAILS = {
    "hospital": ("General Hospital", "Royal Infirmary", "District Hospital", "University Hospital"),
    "care_home": ("Care Home", "Nursing Home", "Lodge", "House"),
    "hospice": ("Hospice",),
    "other": ("Day centre", "Respite unit", "Supported living flat", "On holiday"),
}
NOTIFIER_ROLES = (
    ("GP", "Practice"),
    ("GP receptionist", "Practice"),
    ("Learning disability nurse", "Community Learning Disability Team"),
    ("Care home manager", "Care Home"),
    ("Ward sister", "Hospital"),
    ("Support worker", "Supported Living"),
    ("Social worker", "Adult Social Care"),
    ("Family member", ""),
)
RELATIONSHIPS = ("mother", "father", "sister", "brother", "son", "daughter", "aunt", "friend")
INELIGIBLE_REASONS = (
    "The records show no learning disability and no autism diagnosis.",
    "The person did not live in England.",
    "Reviewed under another process: the national team agreed no LeDeR review.",
)
REVIEW_TYPE_REASONS = {
    "initial": "No focused-review criteria apply: an initial review shows whether more is needed.",
    "focused": "Focused-review criteria apply (see the notification).",
}
CARE_CONCERNS = (
    "The family feel the hospital did not make reasonable adjustments.",
    "Worried that the signs of constipation were missed over several weeks.",
    "The person had not had an annual health check for two years.",
    "Concerns about how quickly the ambulance came.",
)


def icb_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct fictional ICB names ("NHS Ashmoor and Wrenford ...")."""
    places = [a + b for a in _PLACE_STARTS for b in _PLACE_ENDS]
    rng.shuffle(places)
    names: list[str] = []
    for index in range(count):
        first, second = places[2 * index], places[2 * index + 1]
        shape = index % 3
        if shape == 0:
            area = f"{first} and {second}"
        elif shape == 1:
            area = f"{_REGION_WORDS[index % len(_REGION_WORDS)]} {first}"
        else:
            area = f"{first}, {second} and {places[-index - 1]}"
        names.append(f"NHS {area} Integrated Care Board")
    return names


def icb_code(index: int) -> str:
    """Q1A, Q1B ... Q1Z, Q2A ...: ICB-shaped codes that no real ICB has."""
    return f"Q{index // 26 + 1}{chr(ord('A') + index % 26)}"


def practice_code(index: int) -> str:
    """Z00001 ...: GP-practice-shaped codes (a letter and five digits)."""
    return f"Z{index + 1:05d}"


def postcode(rng: random.Random, area: str, district: int | None = None) -> str:
    district = district if district is not None else rng.randint(1, 30)
    inward = f"{rng.randint(0, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    return f"{area}{district} {inward}"


def ascii_slug(text: str) -> str:
    return "".join(c for c in text.lower() if c.isascii() and c.isalnum())
