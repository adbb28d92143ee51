"""PII/PHI detection rules: column-name patterns and value patterns.

Each rule names the PII category and the classification it suggests. The scanner only
suggests; a steward decides (see services.pii).
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    label: str
    category: str  # a catalog.models.PiiCategory value
    classification: str  # a Classification code
    pattern: re.Pattern


def _names(label, category, code, regex):
    return Rule(label, category, code, re.compile(regex, re.IGNORECASE))


# Column names are matched as whole words separated by _ . - or case changes lowered beforehand.
NAME_RULES = [
    _names(
        "national id",
        "direct_identifier",
        "L4",
        r"(^|_)(ssn|social_security|national_id|nin|tax_id|passport)",
    ),
    _names("medical record number", "health", "L4", r"(^|_)(mrn|medical_record|patient_id|health_record)"),
    _names("health data", "health", "L4", r"(^|_)(diagnos|icd10|icd_10|medication|prescription|condition)"),
    _names(
        "payment card / bank", "financial", "L4", r"(^|_)(card_number|credit_card|ccn|iban|bank_account|cvv)"
    ),
    _names("e-mail address", "direct_identifier", "L3", r"(^|_)e?_?mail(_address)?($|_)"),
    _names("phone number", "direct_identifier", "L3", r"(^|_)(phone|mobile|msisdn|telephone|fax)($|_)"),
    _names(
        "person name",
        "direct_identifier",
        "L3",
        r"(^|_)(first_name|last_name|full_name|surname|given_name|person_name)($|_)",
    ),
    _names(
        "date of birth",
        "quasi_identifier",
        "L3",
        r"(^|_)(dob|date_of_birth|birth_date|birthdate|birthday)($|_)",
    ),
    _names(
        "postal address",
        "quasi_identifier",
        "L3",
        r"(^|_)(address|street|postal_code|zip_code|zipcode|postcode)($|_)",
    ),
    _names(
        "IP address", "quasi_identifier", "L3", r"(^|_)(ip|ip_address|ipv4|ipv6|client_ip|remote_addr)($|_)"
    ),
]

VALUE_RULES = [
    Rule("e-mail address", "direct_identifier", "L3", re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")),
    Rule("US social security number", "direct_identifier", "L4", re.compile(r"^\d{3}-\d{2}-\d{4}$")),
    Rule("phone number", "direct_identifier", "L3", re.compile(r"^\+?[\d\s().-]{7,20}$")),
    Rule("IPv4 address", "quasi_identifier", "L3", re.compile(r"^(\d{1,3}\.){3}\d{1,3}$")),
]
# A value rule fires when at least this share of the non-empty sampled values match.
VALUE_MATCH_SHARE = 0.8


def _normalise(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def match_name(column_name: str) -> Rule | None:
    name = _normalise(column_name)
    return next((rule for rule in NAME_RULES if rule.pattern.search(name)), None)


def match_values(values) -> tuple[Rule, float] | None:
    sample = [str(v).strip() for v in values if v not in (None, "") and str(v).strip()]
    if not sample:
        return None
    for rule in VALUE_RULES:
        share = sum(1 for v in sample if rule.pattern.match(v)) / len(sample)
        if share >= VALUE_MATCH_SHARE:
            return rule, share
    return None
