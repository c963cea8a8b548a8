"""From the guide's answers to kinds of care that may fit, each with the reasons, in plain words.

The levels follow the ASAM Criteria's continuum of care (1 outpatient, 2.1 intensive outpatient,
2.5 partial hospitalization, 3.x residential, 3.7 and 4 medically managed), written as a person
would say them. It is guidance, not an assessment: a clinician decides, and the page says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _


@dataclass
class CareOption:
    """One kind of care the answers point to."""

    key: str
    title: str
    level: str  # the ASAM level it corresponds to, for people who meet the term elsewhere
    what: str
    reasons: list[str] = field(default_factory=list)
    care: list[str] = field(default_factory=list)  # taxonomy codes of the `care` parameter
    setting: list[str] = field(default_factory=list)


@dataclass
class Advice:
    danger: bool
    danger_reasons: list[str]
    options: list[CareOption]
    medication_note: str
    article_slugs: list[str]
    search: dict[str, list[str]]
    meetings: bool

    @property
    def search_query(self) -> str:
        """The program search for every kind of care that may fit, with the person's other needs."""
        return urlencode([(name, value) for name, values in self.search.items() for value in values])

    def search_query_for(self, option: CareOption) -> str:
        """The program search for one kind of care (and its setting), with the way to pay."""
        wanted = {"care": option.care, "setting": option.setting, "payment": self.search.get("payment", [])}
        return urlencode([(name, value) for name, values in wanted.items() for value in values])


RECENT = {"today", "week"}


def advise(answers: dict) -> Advice:
    """Which kinds of care may fit these answers, most intensive first, and the search that finds them."""
    last_use, withdrawal = answers.get("last_use", ""), answers.get("withdrawal", "")
    other, safety = set(answers.get("other", [])), set(answers.get("safety", []))
    home, medication = answers.get("home", ""), answers.get("medication", "")
    conditions, needs = set(answers.get("conditions", [])), set(answers.get("needs", []))
    insurance = answers.get("insurance", "")
    recent = last_use in RECENT

    danger_reasons = []
    if "overdose" in safety:
        danger_reasons.append(_("You have had an overdose, or someone needed naloxone. Keep naloxone at hand and never use alone."))
    if "self_harm" in safety:
        danger_reasons.append(_("You have thoughts of suicide or of hurting yourself. Call or text 988 now: someone will listen."))
    if "unsafe_home" in safety:
        danger_reasons.append(_("You are not safe at home. If you are in danger right now, call 911."))
    if recent and other and withdrawal == "hard":
        danger_reasons.append(_("Stopping alcohol or sedatives suddenly after daily use can cause seizures. Do not stop on your own: get medical help."))

    options: list[CareOption] = []

    def add(option: CareOption) -> CareOption:
        options.append(option)
        return option

    # Medically managed withdrawal: when stopping could be dangerous.
    managed = []
    if recent and other:
        managed.append(_("Withdrawal from alcohol or sedatives on top of opioids needs medical care: it can be dangerous."))
    if recent and withdrawal == "hard":
        managed.append(_("Withdrawal has been very hard before, so it is safer with medical staff around."))
    if recent and "pregnant" in conditions:
        managed.append(_("During pregnancy, stopping opioids suddenly can harm the pregnancy: doctors usually start a medication instead."))
    if managed:
        add(CareOption(
            "withdrawal", _("Withdrawal care with medical staff"), _("ASAM 3.7-WM or 4-WM"),
            _("A detox unit or hospital watches over withdrawal day and night, treats symptoms, and can start "
              "methadone or buprenorphine. It lasts days, and is the start of treatment, not all of it."),
            managed, care=["DT"], setting=["HI"],
        ))

    # Residential: when home cannot support recovery yet.
    residential = []
    if home == "none":
        residential.append(_("Without a stable place to stay, a program where you also live gives you a safe base."))
    if "unsafe_home" in safety:
        residential.append(_("Living somewhere else for a while can keep you safe."))
    if home == "alone" and (recent or "mental_health" in conditions):
        residential.append(_("With little support at home, a few weeks in a residential program gives structure around the clock."))
    if residential:
        add(CareOption(
            "residential", _("Residential treatment"), _("ASAM 3.1 to 3.5"),
            _("You live at the program for weeks or months, with counseling, groups and medication every day."),
            residential, care=["RS", "RL"],
        ))

    # Structured day programs: more than weekly visits, while living at home.
    day = []
    if home == "support" and recent and "work" not in needs:
        day.append(_("With support at home, you can sleep at home and spend several hours a day in treatment."))
    if "mental_health" in conditions and home != "none":
        day.append(_("Mental health and opioid use are best treated together, and day programs often have both."))
    if day:
        add(CareOption(
            "day", _("Day treatment or intensive outpatient"), _("ASAM 2.1 to 2.5"),
            _("Several hours a day, three to five days a week, while you live at home."),
            day, care=["ODT", "OIT"],
        ))

    # Outpatient with medication: the way most people get better.
    outpatient = [_("Most people recover with regular visits and a medication, living at home.")]
    if medication == "taking":
        outpatient.append(_("You already take a medication: a program that accepts people on medication keeps it going without a gap."))
    if medication == "want":
        outpatient.append(_("You would like a medication: methadone is given at opioid treatment programs, buprenorphine and naltrexone by many clinics and doctors."))
    if "work" in needs:
        outpatient.append(_("Outpatient visits can fit around work, school or children."))
    if "transport" in needs:
        outpatient.append(_("Some programs see people by phone or video, which saves travel."))
    if "pain" in conditions:
        outpatient.append(_("Methadone and buprenorphine also ease pain; ask the program about pain care."))
    if last_use == "longer":
        outpatient.append(_("If you have stopped using, counseling and a medication such as naltrexone help you stay stopped."))
    if medication != "no" or not options:
        care = ["ORT", "OTP"]
    else:
        care = ["ORT"]
    add(CareOption(
        "outpatient", _("Outpatient treatment with medication"), _("ASAM 1 and opioid treatment programs"),
        _("Visits once or a few times a week for counseling, and a medication that stops cravings and "
          "withdrawal and cuts the risk of dying from an overdose."),
        outpatient, care=care, setting=["TELE"] if "transport" in needs else [],
    ))

    if home == "none" and last_use == "longer":
        add(CareOption(
            "housing", _("Sober living or transitional housing"), _("recovery residence"),
            _("A shared home with others in recovery, with house rules and peer support."),
            [_("A drug-free place to live helps you keep the progress you have made.")], care=["HH"],
        ))

    medication_note = {
        "taking": _("Keep taking your medication as prescribed, and tell any new program about it."),
        "want": _("Methadone, buprenorphine and naltrexone all work. Ask each program which ones it offers."),
        "unsure": _("Medication is not required, but it makes staying alive and staying in treatment much more likely."),
        "no": _("That is your choice. Counseling and support groups help, and you can change your mind later."),
    }.get(medication, _("Medication makes staying alive and staying in treatment much more likely: it is worth asking about."))

    slugs = ["levels-of-care"]
    if recent or withdrawal:
        slugs += ["opioid-withdrawal-what-to-expect", "detox-is-not-treatment"]
    if medication in ("want", "unsure", "taking", ""):
        slugs.append("choosing-a-medication")
    if "pregnant" in conditions:
        slugs.append("pregnancy-and-opioid-use")
    if "mental_health" in conditions:
        slugs.append("mental-health-and-trauma")
    if "overdose" in safety or recent:
        slugs.append("naloxone-and-overdose")
    if insurance in ("none", ""):
        slugs.append("paying-for-treatment")
    slugs.append("choosing-a-program")

    search: dict[str, list[str]] = {"care": list(dict.fromkeys(code for option in options for code in option.care))}
    if medication == "taking":
        search["medication"] = ["ACM"]
    elif medication == "want":
        search["medication"] = ["METH", "BU", "NU"]
    payment = {"medicaid": ["MD"], "medicare": ["MC"], "private": ["PI"], "military": ["MI", "VAF"],
               "none": ["SF", "SS", "FREE", "PA"]}.get(insurance)
    if payment:
        search["payment"] = payment
    groups = [code for condition, code in (("pregnant", "PW"), ("mental_health", "CO")) if condition in conditions]
    if groups:
        search["group"] = groups
    if "under_18" in conditions:
        search["age"] = ["CHLD"]

    return Advice(
        danger=bool(danger_reasons),
        danger_reasons=danger_reasons,
        options=options,
        medication_note=medication_note,
        article_slugs=list(dict.fromkeys(slugs)),
        search=search,
        meetings=last_use == "longer" or home == "support",
    )
