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


@dataclass
class _Answers:
    """The guide's answers, read once."""

    last_use: str
    withdrawal: str
    other: set[str]
    safety: set[str]
    home: str
    medication: str
    conditions: set[str]
    needs: set[str]
    insurance: str

    @classmethod
    def read(cls, answers: dict) -> _Answers:
        return cls(
            last_use=answers.get("last_use", ""), withdrawal=answers.get("withdrawal", ""),
            other=set(answers.get("other", [])), safety=set(answers.get("safety", [])),
            home=answers.get("home", ""), medication=answers.get("medication", ""),
            conditions=set(answers.get("conditions", [])), needs=set(answers.get("needs", [])),
            insurance=answers.get("insurance", ""),
        )

    @property
    def recent(self) -> bool:
        return self.last_use in RECENT


def advise(answers: dict) -> Advice:
    """Which kinds of care may fit these answers, most intensive first, and the search that finds them."""
    a = _Answers.read(answers)
    danger_reasons = _danger_reasons(a)
    options = [option for option in (_managed_withdrawal(a), _residential(a), _day_treatment(a)) if option]
    options.append(_outpatient(a, first=not options))
    if housing := _housing(a):
        options.append(housing)
    return Advice(
        danger=bool(danger_reasons),
        danger_reasons=danger_reasons,
        options=options,
        medication_note=_medication_note(a),
        article_slugs=_article_slugs(a),
        search=_search(a, options),
        meetings=a.last_use == "longer" or a.home == "support",
    )


def _danger_reasons(a: _Answers) -> list[str]:
    """Why the person may be in danger now (the page then shows the helplines first)."""
    danger_reasons = []
    if "overdose" in a.safety:
        danger_reasons.append(_("You have had an overdose, or someone needed naloxone. Keep naloxone at hand and never use alone."))
    if "self_harm" in a.safety:
        danger_reasons.append(_("You have thoughts of suicide or of hurting yourself. Call or text 988 now: someone will listen."))
    if "unsafe_home" in a.safety:
        danger_reasons.append(_("You are not safe at home. If you are in danger right now, call 911."))
    if a.recent and a.other and a.withdrawal == "hard":
        danger_reasons.append(_("Stopping alcohol or sedatives suddenly after daily use can cause seizures. Do not stop on your own: get medical help."))
    return danger_reasons


def _managed_withdrawal(a: _Answers) -> CareOption | None:
    """Withdrawal care with medical staff: when stopping could be dangerous."""
    managed = []
    if a.recent and a.other:
        managed.append(_("Withdrawal from alcohol or sedatives on top of opioids needs medical care: it can be dangerous."))
    if a.recent and a.withdrawal == "hard":
        managed.append(_("Withdrawal has been very hard before, so it is safer with medical staff around."))
    if a.recent and "pregnant" in a.conditions:
        managed.append(_("During pregnancy, stopping opioids suddenly can harm the pregnancy: doctors usually start a medication instead."))
    if managed:
        return CareOption(
            "withdrawal", _("Withdrawal care with medical staff"), _("ASAM 3.7-WM or 4-WM"),
            _("A detox unit or hospital watches over withdrawal day and night, treats symptoms, and can start "
              "methadone or buprenorphine. It lasts days, and is the start of treatment, not all of it."),
            managed, care=["DT"], setting=["HI"],
        )
    return None


def _residential(a: _Answers) -> CareOption | None:
    """Residential treatment: when home cannot support recovery yet."""
    residential = []
    if a.home == "none":
        residential.append(_("Without a stable place to stay, a program where you also live gives you a safe base."))
    if "unsafe_home" in a.safety:
        residential.append(_("Living somewhere else for a while can keep you safe."))
    if a.home == "alone" and (a.recent or "mental_health" in a.conditions):
        residential.append(_("With little support at home, a few weeks in a residential program gives structure around the clock."))
    if residential:
        return CareOption(
            "residential", _("Residential treatment"), _("ASAM 3.1 to 3.5"),
            _("You live at the program for weeks or months, with counseling, groups and medication every day."),
            residential, care=["RS", "RL"],
        )
    return None


def _day_treatment(a: _Answers) -> CareOption | None:
    """Structured day programs: more than weekly visits, while living at home."""
    day = []
    if a.home == "support" and a.recent and "work" not in a.needs:
        day.append(_("With support at home, you can sleep at home and spend several hours a day in treatment."))
    if "mental_health" in a.conditions and a.home != "none":
        day.append(_("Mental health and opioid use are best treated together, and day programs often have both."))
    if day:
        return CareOption(
            "day", _("Day treatment or intensive outpatient"), _("ASAM 2.1 to 2.5"),
            _("Several hours a day, three to five days a week, while you live at home."),
            day, care=["ODT", "OIT"],
        )
    return None


def _outpatient(a: _Answers, *, first: bool) -> CareOption:
    """Outpatient with medication: the way most people get better (always offered)."""
    outpatient = [_("Most people recover with regular visits and a medication, living at home.")]
    if a.medication == "taking":
        outpatient.append(_("You already take a medication: a program that accepts people on medication keeps it going without a gap."))
    if a.medication == "want":
        outpatient.append(_("You would like a medication: methadone is given at opioid treatment programs, buprenorphine and naltrexone by many clinics and doctors."))
    if "work" in a.needs:
        outpatient.append(_("Outpatient visits can fit around work, school or children."))
    if "transport" in a.needs:
        outpatient.append(_("Some programs see people by phone or video, which saves travel."))
    if "pain" in a.conditions:
        outpatient.append(_("Methadone and buprenorphine also ease pain; ask the program about pain care."))
    if a.last_use == "longer":
        outpatient.append(_("If you have stopped using, counseling and a medication such as naltrexone help you stay stopped."))
    if a.medication != "no" or first:
        care = ["ORT", "OTP"]
    else:
        care = ["ORT"]
    return CareOption(
        "outpatient", _("Outpatient treatment with medication"), _("ASAM 1 and opioid treatment programs"),
        _("Visits once or a few times a week for counseling, and a medication that stops cravings and "
          "withdrawal and cuts the risk of dying from an overdose."),
        outpatient, care=care, setting=["TELE"] if "transport" in a.needs else [],
    )


def _housing(a: _Answers) -> CareOption | None:
    """Sober living: for a person who has stopped using and has nowhere stable to live."""
    if a.home == "none" and a.last_use == "longer":
        return CareOption(
            "housing", _("Sober living or transitional housing"), _("recovery residence"),
            _("A shared home with others in recovery, with house rules and peer support."),
            [_("A drug-free place to live helps you keep the progress you have made.")], care=["HH"],
        )
    return None


def _medication_note(a: _Answers) -> str:
    return {
        "taking": _("Keep taking your medication as prescribed, and tell any new program about it."),
        "want": _("Methadone, buprenorphine and naltrexone all work. Ask each program which ones it offers."),
        "unsure": _("Medication is not required, but it makes staying alive and staying in treatment much more likely."),
        "no": _("That is your choice. Counseling and support groups help, and you can change your mind later."),
    }.get(a.medication, _("Medication makes staying alive and staying in treatment much more likely: it is worth asking about."))


def _article_slugs(a: _Answers) -> list[str]:
    """The guide's articles that fit the answers, in reading order."""
    slugs = ["levels-of-care"]
    if a.recent or a.withdrawal:
        slugs += ["opioid-withdrawal-what-to-expect", "detox-is-not-treatment"]
    if a.medication in ("want", "unsure", "taking", ""):
        slugs.append("choosing-a-medication")
    if "pregnant" in a.conditions:
        slugs.append("pregnancy-and-opioid-use")
    if "mental_health" in a.conditions:
        slugs.append("mental-health-and-trauma")
    if "overdose" in a.safety or a.recent:
        slugs.append("naloxone-and-overdose")
    if a.insurance in ("none", ""):
        slugs.append("paying-for-treatment")
    slugs.append("choosing-a-program")
    return list(dict.fromkeys(slugs))


def _search(a: _Answers, options: list[CareOption]) -> dict[str, list[str]]:
    """The program search for every kind of care that may fit, with the person's other needs."""
    search: dict[str, list[str]] = {"care": list(dict.fromkeys(code for option in options for code in option.care))}
    if a.medication == "taking":
        search["medication"] = ["ACM"]
    elif a.medication == "want":
        search["medication"] = ["METH", "BU", "NU"]
    payment = {"medicaid": ["MD"], "medicare": ["MC"], "private": ["PI"], "military": ["MI", "VAF"],
               "none": ["SF", "SS", "FREE", "PA"]}.get(a.insurance)
    if payment:
        search["payment"] = payment
    groups = [code for condition, code in (("pregnant", "PW"), ("mental_health", "CO")) if condition in a.conditions]
    if groups:
        search["group"] = groups
    if "under_18" in a.conditions:
        search["age"] = ["CHLD"]
    return search
