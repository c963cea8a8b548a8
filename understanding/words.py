"""The word lists of query understanding (filler, refusals, other substances, the search's choices)."""
from __future__ import annotations

from django.utils.translation import gettext_noop

# Filler that carries no filter and would only narrow the text search to listings that happen to
# use the same word. Checked after phrases, so "the shot" and "for women" still mean something.
STOP_WORDS = frozenset("""
a an the and or of on to at in into by for from with without within about
i im me my we our us you your he she they him her them his their it its this that these those
is are am be been being was were do does did can could would should will shall may might must
need needs needed want wants wanting looking look find finding get getting give go going
help helps helping please who whom what where when which how why there here any some
near nearby nearest close closest closer around area local locally town city nearme
accept accepts accepting accepted take takes taking took offer offers offering provide provides providing
clinic clinics center centers centre centres facility facilities place places location locations
house houses home homes
program programs programme treatment treatments treat treating service services care
doctor doctors dr provider providers office offices options option best good top
friendly affirming welcoming specialized specializing specialist specialists approved training
addiction addictions addicted addict addicts opioid opioids opiate opiates heroin fentanyl fent dope
pill pills painkiller painkillers oxy oxys oxycodone oxycontin percocet percs vicodin hydrocodone
tramadol kratom morphine codeine dilaudid hydromorphone opana norco lortab roxy roxies roxicodone blues m30 m30s
carfentanil xylazine tranq
drug drugs substance substances use using user users abuse disorder disorders oud sud sobriety recovery
doc docs appointment appointments class classes someone somebody person anyone anybody anywhere somewhere
someplace new after before only just also still again now prescribe prescribes prescribing prescriber script
prescribed allow allows allowed via speak speaks speaking spoken interpreter interpreters certified accredited
medical medically supervised hours open opened weekend weekends saturday saturdays sunday sundays
morning mornings evening evenings night nights
people testing tested screening but however though
son daughter husband wife boyfriend girlfriend brother sister friend friends partner loved one ones
today tonight tomorrow urgent urgently asap emergency immediately quickly fast
de del la el los las lo un una unos unas y o u para por en con sin que cerca mi mis me yo necesito
hijo hija hijos hijas esposo esposa novio novia hermano hermana amigo amiga familiar hoy urgente
adictos adicta adictas puedo puede pueden conseguir obtener tener tengo tiene tienen quiero quisiera hay
alguien algun alguna como cual cuales es esta estoy son ser se le les su sus al hable hablen acepte acepten dejar
busco buscar buscando ayuda ayudar clinica clinicas centro centros programa programas tratamiento
tratamientos servicio servicios lugar lugares donde aqui alli acepta aceptan aceptar ofrece ofrecen
adiccion adicciones adicto drogas droga opioides opiaceos heroina fentanilo doctor doctora medico
""".split())
STOP_PHRASES = frozenset({
    "near me", "close to me", "around me", "in my area", "near by", "cerca de mi", "cerca de aqui",
    "substance abuse", "substance use", "drug abuse", "drug addiction", "opioid addiction", "opioid use disorder",
    "substance use disorder", "addiction treatment", "drug treatment", "drug rehab center",
    "pain pills", "pain pill", "pain killers", "pain medication", "pain meds",
    # Urgency alone is no filter ("open now", "same day", "walk in" are: FLAG_PHRASES).
    "right now",
    # Children who come along are not the person treated: "moms with kids" is not a teen program.
    "with kids", "with my kids", "with children", "with my children", "with my child", "with my son",
    "with my daughter", "con mis hijos", "con mi hijo", "con mi hija", "con ninos", "allows children",
    "allows kids", "children allowed", "kids allowed", "bring my kids", "bring my children", "bring kids",
    "bring children", "kids welcome", "children welcome",
})
# Words that refuse what follows them ("without methadone"): the service named after them is not a
# filter (the search has no "except" filter), and the word goes too.
NEGATIONS = frozenset({"not", "no", "without", "non", "except", "excluding", "never", "sin", "nada", "ni"})
# Other substances: programs treat them alongside opioids, so beside a service ("alcohol detox") they
# are dropped like filler; alone ("xanax") they stay words to search, so that the page says what it
# found for them rather than listing everything.
SUBSTANCES = frozenset("""
alcohol alcoholism alcoholic drinking drunk benzo benzos benzodiazepine benzodiazepines xanax klonopin valium
cocaine crack stimulant stimulants methamphetamine amphetamine adderall marijuana weed cannabis
alcoholismo bebida cocaina marihuana
""".split())
# Choices of the search that are not taxonomy terms, read from the words that mean them:
# (parameter, value, label) → phrases. The labels are the form's own (translated where shown).
FLAG_PHRASES: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("accepting", "1", gettext_noop("Accepting new patients")): (
        "accepting new patients", "taking new patients", "new patients", "new patient", "accepting patients",
        "taking patients", "open beds", "open bed", "beds available", "bed available", "available beds",
        "openings", "bed", "beds", "a bed", "need a bed", "aceptan pacientes nuevos", "acepta pacientes nuevos",
        "pacientes nuevos", "cama", "camas", "camas disponibles",
    ),
    ("meetings", "1", gettext_noop("Support group meetings nearby")): (
        "meeting", "meetings", "support group", "support groups", "12 step", "twelve step", "12 steps",
        "peer support group", "grupo de apoyo", "grupos de apoyo", "reunion", "reuniones", "juntas",
    ),
    # Opening hours, read on each program's clock at the time of the search (directory.hours.keeps).
    ("open", "now", gettext_noop("Open now")): (
        "open now", "opened now", "open right now", "open at the moment", "currently open", "abierto ahora",
        "abierta ahora", "abiertos ahora", "abierto en este momento",
    ),
    ("open", "today", gettext_noop("Open today")): (
        "open today", "opened today", "open tonight", "abierto hoy", "abierta hoy", "abiertos hoy",
    ),
    ("open", "24h", gettext_noop("Open 24 hours")): (
        "24 hour", "24 hours", "24 7", "24hr", "24hrs", "24 hr", "open 24 hours", "open 24 7", "open all night",
        "round the clock", "around the clock", "all day and night", "24 horas", "abierto 24 horas",
        "las 24 horas", "todo el dia y la noche",
    ),
    ("open", "weekend", gettext_noop("Open on weekends")): (
        "weekend", "weekends", "open weekends", "open on weekends", "on weekends", "saturday", "saturdays",
        "sunday", "sundays", "open saturday", "open sunday", "fin de semana", "fines de semana", "sabado",
        "sabados", "domingo", "domingos",
    ),
    # The usual wait for a first appointment (Program.typical_wait_days).
    ("same_day", "1", gettext_noop("Usually seen the same day")): (
        "same day", "same day appointment", "same day appointments", "same day intake", "seen today",
        "no wait", "no waiting", "no waiting list", "no wait list", "without waiting", "el mismo dia",
        "hoy mismo", "sin espera", "sin lista de espera",
    ),
    # What no listing records: a note on the page says it was not used as a filter.
    ("unfiltered", "walk-in", gettext_noop("Walk-in")): (
        "walk in", "walk ins", "walkin", "walkins", "walk in clinic", "no appointment", "no appointment needed",
        "without an appointment", "without appointment", "drop in", "sin cita", "sin cita previa", "sin turno",
    ),
    # A fellowship's meetings (slugs of the Meeting Guide specification, as the meeting finder's).
    ("fellowship", "na", "Narcotics Anonymous"): (
        "na", "na meeting", "narcotics anonymous", "narcoticos anonimos", "narcotic anonymous",
    ),
    ("fellowship", "aa", "Alcoholics Anonymous"): ("aa", "aa meeting", "alcoholics anonymous", "alcoholicos anonimos"),
    ("fellowship", "smart-recovery", "SMART Recovery"): ("smart recovery", "smart meeting"),
    ("fellowship", "nar-anon", "Nar-Anon"): ("nar anon", "naranon", "nar anon meeting"),
    ("fellowship", "al-anon", "Al-Anon"): ("al anon", "alanon", "al anon meeting"),
    ("fellowship", "celebrate-recovery", "Celebrate Recovery"): ("celebrate recovery",),
    ("fellowship", "refuge-recovery", "Refuge Recovery"): ("refuge recovery",),
    ("fellowship", "recovery-dharma", "Recovery Dharma"): ("recovery dharma",),
    ("fellowship", "ha", "Heroin Anonymous"): ("heroin anonymous", "heroina anonimos"),
    ("fellowship", "ca", "Cocaine Anonymous"): ("cocaine anonymous", "cocaina anonimos"),
    ("fellowship", "mara", "Medication-Assisted Recovery Anonymous"): (
        "mara", "medication assisted recovery anonymous",
    ),
}
# Ordinary words one typo away from a known word, which must not be read as it ("trial" is not
# "tribal", "medical" is not "medicaid", "señor" is not "senior").
NOT_TYPOS = frozenset({
    "trial", "count", "county", "counter", "senor", "senora", "house", "hours", "media", "medical", "state",
    "states", "hospice", "clinical", "mental", "dental", "teeth", "trains", "train", "court", "courts", "tribe",
    "later", "latin", "manor", "women", "woman", "minor", "minors", "major", "manage", "manager", "deal",
    "weekend", "weekends", "evening", "morning", "night", "nights",
})
