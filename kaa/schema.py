"""The vocabulary: dimensions, measures, shares and the names they may arrive under.

This module is a public contract. The CLI, the exports and later CSV imports use
exactly these names, so renaming anything here is a breaking change.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Dimensions -------------------------------------------------------------

AR = "ar"
JOBBTORG = "jobbtorg"
KON = "kon"
STADSDEL = "stadsdel"
ALDER = "alder"
VERKSAMHET = "verksamhet"
#: The period a figure covers within its statistics year (kaa.periods): empty for the whole year, else a month
#: "2021-03". Not a breakdown: periods of distinct counts do not add up (see kaa.periods).
PERIOD = "period"
#: What a table's period can be (kaa.periods): months, Skolverket's half-years, or the statistics year.
PERIOD_KINDS = ("manad", "halvar", "ar")

#: Dimensions a table can be grouped by (verksamhet is a filter, not a breakdown:
#: Aim is a part of the whole KAA, not a sibling of it).
GROUPABLE = (AR, JOBBTORG, KON, STADSDEL, ALDER)
#: Where the young person lives and how old they are: published per year only (see AREA_MEASURES).
AREA_DIMENSIONS = (STADSDEL, ALDER)
#: What a figure can be broken down by besides the year.
BREAKDOWNS = GROUPABLE[1:]
#: What the comparison (rank and change) lines up side by side: jobbtorg, or stadsdelsområden.
COMPARED = (JOBBTORG, STADSDEL)

DIMENSION_LABELS = {
    AR: "År",
    JOBBTORG: "Jobbtorg",
    KON: "Kön",
    STADSDEL: "Stadsdelsområde",
    ALDER: "Ålder",
    VERKSAMHET: "Verksamhet",
    PERIOD: "Period",
}

SAKNAR_STADSDEL = "Saknar stadsdel"
#: In the report's order; `Saknar stadsdel` last, as in the report's tables.
JOBBTORG_NAMES = (
    "Jobbtorg Globen",
    "Jobbtorg Skärholmen",
    "Jobbtorg City",
    "Jobbtorg Vällingby",
    "Jobbtorg Kista",
    SAKNAR_STADSDEL,
)

KON_VALUES = ("Kvinna", "Man")

#: Stockholm's 13 stadsdelsområden in the city's usual order (as in data/stadsdel_jobbtorg.csv), then the
#: register's young people without one (the same words as the jobbtorg they are counted under).
STADSDEL_NAMES = (
    "Rinkeby-Kista", "Spånga-Tensta", "Hässelby-Vällingby", "Bromma", "Kungsholmen", "Norrmalm", "Östermalm",
    "Södermalm", "Enskede-Årsta-Vantör", "Skarpnäck", "Farsta", "Hägersten-Älvsjö", "Skärholmen",
    SAKNAR_STADSDEL,
)
SAKNAR_ALDER = "Saknar ålder"
#: Age in whole years at the end of the statistics year, as the register gives it; text like every breakdown.
ALDER_VALUES = ("15", "16", "17", "18", "19", "20", SAKNAR_ALDER)

HELA_KAA = "Hela KAA"
JOBBTORG_VERKSAMHET = "Jobbtorg"
AIM = "Aim"
SKOLSLUSSEN = "Skolslussen"
#: The whole KAA and the units that give the support, each a part of the whole (never siblings of it).
VERKSAMHET_VALUES = (HELA_KAA, JOBBTORG_VERKSAMHET, AIM, SKOLSLUSSEN)
VERKSAMHET_PARTS = VERKSAMHET_VALUES[1:]

#: Label of the row that sums a grouping, as in the report's tables.
TOTALT = "Totalt"

DIMENSION_ORDER = {
    JOBBTORG: JOBBTORG_NAMES,
    KON: KON_VALUES,
    STADSDEL: STADSDEL_NAMES,
    ALDER: ALDER_VALUES,
    VERKSAMHET: VERKSAMHET_VALUES,
}

# --- Measures ----------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    definition: str


COUNTS = (
    Measure("registrerade", "Registrerade",
            "Unika ungdomar som fanns i KAA-registret någon gång under statistikåret."),
    Measure("sokta", "Sökta",
            "Ungdomar som någon gång under året låg i kategorin ”under uppsök”, dvs. som samordnarna aktivt försökte nå."),
    Measure("nadda", "Nådda",
            "Sökta ungdomar som själva eller via en anhörig svarade på ett kontaktförsök, eller som hörde av sig själva innan de hann kontaktas."),
    Measure("ej_nadda", "Ej nådda",
            "Sökta ungdomar som fick minst ett kontaktförsök men aldrig svarade. Hit hör också de som hann lämna registret innan de svarade."),
    Measure("nadda_sysselsatta", "Nådda med sysselsättning",
            "Nådda ungdomar som redan studerade, arbetade, studerade utomlands eller hade annan sysselsättning."),
    Measure("nadda_studier", "Nådda som studerade",
            "Nådda som när de nåddes studerade i Sverige, i en form som registret inte visar."),
    Measure("nadda_arbete", "Nådda som arbetade", "Nådda som när de nåddes hade ett arbete."),
    Measure("nadda_utlandsstudier", "Nådda som studerade utomlands",
            "Nådda som när de nåddes studerade i ett annat land."),
    Measure("nadda_annan", "Nådda med annan sysselsättning",
            "Nådda som när de nåddes hade en annan sysselsättning än studier eller arbete, t.ex. praktik."),
    Measure("nadda_ingen", "Nådda utan sysselsättning", "Nådda som när de nåddes varken studerade eller arbetade."),
    Measure("nadda_okand", "Nådda med okänd sysselsättning",
            "Nådda där det inte antecknades vad de gjorde, eller där det var okänt."),
    Measure("inskrivna", "Inskrivna",
            "Ungdomar som under året tog emot stöd eller en åtgärd inom KAA (inklusive Skolslussen)."),
    Measure("nyinskrivna", "Nyinskrivna",
            "Inskrivna som skrevs in för första gången under året."),
    Measure("avslutade", "Avslutade",
            "Inskrivna vars stöd avslutades under året, oavsett vart de gick."),
    Measure("avslut_studier", "Avslutade till studier",
            "Avslutade som gick vidare till studier."),
    Measure("avslut_arbete", "Avslutade till arbete",
            "Avslutade som gick vidare till arbete."),
    Measure("avslut_annan", "Avslutade till annan sysselsättning",
            "Avslutade som gick vidare till annan känd sysselsättning än studier eller arbete."),
    Measure("avslut_jobbtorg_vuxen", "Avslutade vidare till Jobbtorg 20–29",
            "Avslutade som lämnades över till Jobbtorg Stockholm för 20–29-åringar eller till en annan aktör."),
    Measure("avslut_flyttat", "Avslutade efter flytt", "Avslutade därför att ungdomen flyttade från Stockholm."),
    Measure("avslut_fyllt20", "Avslutade vid 20 år",
            "Avslutade därför att ungdomen fyllde 20 år och inte längre omfattas av aktivitetsansvaret."),
    Measure("avslut_okand", "Avslutade med okänd orsak", "Avslutade där det inte antecknades vart ungdomen gick."),
    Measure("utan_stadsdel", "Registrerade utan stadsdel",
            "Registrerade vars stadsdelsområde inte finns i registret (en del har ändå ett jobbtorg)."),
    Measure("nya_i_registret", "Nya i registret",
            "Registrerade som kom in i registret under perioden (inte de som redan fanns där när den började)."),
    Measure("avregistrerade", "Avregistrerade", "Registrerade som lämnade registret under perioden."),
    Measure("nya_under_uppsok", "Nya under uppsök",
            "Sökta som placerades under uppsök under perioden (inte de som redan var under uppsök när den började)."),
    Measure("ej_nadda_avregistrerade", "Ej nådda som lämnade registret",
            "Sökta som lämnade registret under perioden utan att ha nåtts: deras uppsök slutade där."),
    Measure("nya_nadda", "Nya under uppsök som nåtts",
            "Av dem som placerades under uppsök under perioden: de som har nåtts, hittills."),
    Measure("nadda_inom_30_dagar", "Nådda inom 30 dagar",
            "Nya under uppsök som nåddes högst 30 dagar efter att de placerades under uppsök."),
    Measure("nadda_inom_90_dagar", "Nådda inom 90 dagar",
            "Nya under uppsök som nåddes högst 90 dagar efter att de placerades under uppsök."),
    Measure("nya_inskrivna", "Nya inskrivningar",
            "Inskrivna som skrevs in under perioden (inte de som redan var inskrivna när den började)."),
    Measure("kontakt_brev", "Brev", "Skickade brev till ungdomar under uppsök."),
    Measure("kontakt_mejl", "Mejl", "Skickade mejl till ungdomar under uppsök."),
    Measure("kontakt_sms", "Sms", "Skickade sms till ungdomar under uppsök."),
    Measure("kontakt_telefon", "Telefonsamtal", "Telefonsamtal till ungdomar under uppsök."),
    Measure("kontakt_knackakort", "Knackakort",
            "Kort som förvarnar om att en samordnare tänker komma hem och knacka på."),
    Measure("kontakt_hembesok", "Hembesök", "Genomförda hembesök."),
)

#: Flows: what happened during a period (its date in the extract lies in it). Counted per month; a longer
#: period's figure is the sum of its months (kaa.periods), and the months of a statistics year add up to the
#: year's figure.
FLOW_MEASURES = ("nya_i_registret", "avregistrerade", "nya_under_uppsok", "nadda", "ej_nadda_avregistrerade",
                 "nya_nadda", "nya_inskrivna", "avslutade", "avslut_studier", "avslut_arbete", "avslut_annan")
#: Counted of the young people placed under uppsök during the year (kaa.extract.dates): the year only.
REACH_MEASURES = ("nya_under_uppsok", "nya_nadda", "nadda_inom_30_dagar", "nadda_inom_90_dagar")

KONTAKT_MEASURES = tuple(m.name for m in COUNTS if m.name.startswith("kontakt_"))
#: What the reached were doing, one count each (nadda_sysselsatta is the first four together).
NADDA_SYSSELSATTNING = ("nadda_studier", "nadda_arbete", "nadda_utlandsstudier", "nadda_annan", "nadda_ingen",
                        "nadda_okand")
NADDA_SYSSELSATTA = NADDA_SYSSELSATTNING[:4]
#: Every reason a support ends, one count each; together at most avslutade (a reason may be left empty).
AVSLUT_ORSAKER = ("avslut_studier", "avslut_arbete", "avslut_annan", "avslut_jobbtorg_vuxen", "avslut_flyttat",
                  "avslut_fyllt20", "avslut_okand")
#: What a unit (Aim, Skolslussen, Jobbtorg) counts of the young people it supports, as the report does for Aim.
UNIT_MEASURES = ("inskrivna", "nyinskrivna", "avslutade", "avslut_studier", "avslut_arbete", "avslut_annan")
#: Counted per jobbtorg × kön but shown only per jobbtorg, per kön and for the city (the data-quality view needs
#: them per jobbtorg): the cells stay with the protection, which must know them, and are never published.
LATENT_CELL_MEASURES = ("nadda_okand", "avslut_okand", "utan_stadsdel")
#: Units counted per jobbtorg × kön but published for the whole city only: split, their counts are mostly
#: small, and as they and Aim add up to the whole KAA, protecting them would hide the city's own figures.
CITY_UNITS = (SKOLSLUSSEN, JOBBTORG_VERKSAMHET)
#: What the reached were doing and the exit reasons beyond the report's three, kept per kön and for the city
#: only (not per jobbtorg): split both ways their counts are mostly small, and the pages show them per year and
#: kön. Kept so, they tell a reader nothing more than the per-kön relations say (see kaa.masking).
PER_KON_MEASURES = tuple(m for m in NADDA_SYSSELSATTNING + AVSLUT_ORSAKER[3:] if m not in LATENT_CELL_MEASURES)
#: What is published per stadsdelsområde and per age, for the whole KAA and per year only (not with jobbtorg or
#: kön): who is in the register and how the outreach reached them. Their jobbtorg × stadsdel × kön and
#: jobbtorg × kön × ålder cells stay with the protection, which must know them, and are never published.
AREA_MEASURES = ("registrerade", "sokta", "nadda", "ej_nadda")
#: And Aim's spread over the city (as the report wanted to show it): Aim's inskrivna per year and stadsdelsområde,
#: its jobbtorg × stadsdel × kön cells latent likewise.
AIM_AREA_MEASURES = ("inskrivna",)


@dataclass(frozen=True)
class Share(Measure):
    numerators: tuple[str, ...] = ()
    denominator: str = ""


SHARES = (
    Share("andel_nadda", "Andel nådda", "Nådda delat med sökta.",
          ("nadda",), "sokta"),
    Share("andel_sysselsatta", "Andel nådda med sysselsättning",
          "Nådda som redan hade sysselsättning delat med alla nådda.",
          ("nadda_sysselsatta",), "nadda"),
    Share("andel_avslutade", "Andel avslutade", "Avslutade delat med inskrivna.",
          ("avslutade",), "inskrivna"),
    Share("andel_studier", "Andel till studier", "Avslutade till studier delat med alla avslutade.",
          ("avslut_studier",), "avslutade"),
    Share("andel_arbete", "Andel till arbete", "Avslutade till arbete delat med alla avslutade.",
          ("avslut_arbete",), "avslutade"),
    Share("andel_studier_arbete", "Andel till studier eller arbete",
          "Avslutade till studier eller arbete delat med alla avslutade.",
          ("avslut_studier", "avslut_arbete"), "avslutade"),
    Share("andel_annan", "Andel till annan sysselsättning",
          "Avslutade till annan känd sysselsättning delat med alla avslutade.",
          ("avslut_annan",), "avslutade"),
)

_COUNT = {m.name: m for m in COUNTS}
SHARES += tuple(
    Share("andel_" + name, "Andel " + _COUNT[name].label[0].lower() + _COUNT[name].label[1:],
          f"{_COUNT[name].label} delat med alla nådda.", (name,), "nadda")
    for name in NADDA_SYSSELSATTNING)
SHARES += tuple(  # worded like andel_studier ("Andel till studier"): the exit, not "avslutade" again
    Share("andel_" + name, label, f"{_COUNT[name].label} delat med alla avslutade.", (name,), "avslutade")
    for name, label in zip(AVSLUT_ORSAKER[3:], ("Andel vidare till Jobbtorg 20–29", "Andel efter flytt",
                                                 "Andel vid 20 år", "Andel med okänd orsak")))

#: How far an unknown can move a share: the share as it would be if every unknown were of the kind counted.
SHARES += (
    Share("andel_sysselsatta_hogst", "Andel nådda med sysselsättning, högst",
          "Nådda med sysselsättning och nådda med okänd sysselsättning delat med alla nådda: andelen sysselsatta "
          "om alla vars sysselsättning är okänd också hade en.", ("nadda_sysselsatta", "nadda_okand"), "nadda"),
    Share("andel_studier_hogst", "Andel till studier, högst",
          "Avslutade till studier och avslutade med okänd orsak delat med alla avslutade: andelen till studier om "
          "alla med okänd orsak gick till studier.", ("avslut_studier", "avslut_okand"), "avslutade"),
    Share("andel_nadda_inom_30_dagar", "Andel nådda inom 30 dagar",
          "Nådda inom 30 dagar delat med nya under uppsök.", ("nadda_inom_30_dagar",), "nya_under_uppsok"),
    Share("andel_nadda_inom_90_dagar", "Andel nådda inom 90 dagar",
          "Nådda inom 90 dagar delat med nya under uppsök.", ("nadda_inom_90_dagar",), "nya_under_uppsok"),
    Share("andel_nya_nadda", "Andel nådda hittills",
          "Nya under uppsök som har nåtts delat med alla nya under uppsök: för en månads kull, hur många av dem "
          "som har nåtts fram till uttaget.", ("nya_nadda",), "nya_under_uppsok"),
    Share("andel_utan_stadsdel", "Andel utan stadsdel", "Registrerade utan stadsdel delat med alla registrerade.",
          ("utan_stadsdel",), "registrerade"),
)

#: Figures that are neither counts nor shares: a median, computed at import at each level (it cannot be
#: summed), shown only where the count it is the median of is shown and at least the threshold (kaa.periods).
STATISTICS = (
    Measure("dagar_till_nadd_median", "Dagar till nådd (median)",
            "Medianen av antalet dagar från att ungdomen placerades under uppsök till att hen nåddes, för nya "
            "under uppsök som har nåtts."),
)
#: Which count a statistic is of: it is shown only where that count is.
STATISTIC_OF = {"dagar_till_nadd_median": "nya_nadda"}

COUNT_NAMES = tuple(m.name for m in COUNTS)
SHARE_NAMES = tuple(s.name for s in SHARES)
STATISTIC_NAMES = tuple(m.name for m in STATISTICS)
MEASURE_NAMES = COUNT_NAMES + SHARE_NAMES + STATISTIC_NAMES
MEASURES = {m.name: m for m in COUNTS + SHARES + STATISTICS}
#: A measure's place in the vocabulary: the order tables, charts and sentences list measures in.
MEASURE_RANK = {name: i for i, name in enumerate(MEASURE_NAMES)}

#: +1: a rise is good news, -1: a rise is bad news, 0: neither.
GOOD_DIRECTION = {
    "registrerade": 0, "sokta": 0, "nadda": 1, "ej_nadda": -1, "nadda_sysselsatta": 0,
    "inskrivna": 0, "nyinskrivna": 0, "avslutade": 0,
    "avslut_studier": 1, "avslut_arbete": 1, "avslut_annan": 0,
    **{name: 0 for name in KONTAKT_MEASURES},
    "andel_nadda": 1, "andel_sysselsatta": 0, "andel_avslutade": 0,
    "andel_studier": 1, "andel_arbete": 1, "andel_studier_arbete": 1, "andel_annan": 0,
    # What the reached were doing and the other exit reasons describe; none is a goal in itself.
    **{name: 0 for name in NADDA_SYSSELSATTNING + AVSLUT_ORSAKER[3:]},
    **{"andel_" + name: 0 for name in NADDA_SYSSELSATTNING + AVSLUT_ORSAKER[3:]},
    "andel_sysselsatta_hogst": 0, "andel_studier_hogst": 0,
    "nya_i_registret": 0, "avregistrerade": 0, "nya_under_uppsok": 0, "ej_nadda_avregistrerade": -1,
    "nya_nadda": 1, "nadda_inom_30_dagar": 1, "nadda_inom_90_dagar": 1, "nya_inskrivna": 0,
    "andel_nadda_inom_30_dagar": 1, "andel_nadda_inom_90_dagar": 1, "andel_nya_nadda": 1,
    "dagar_till_nadd_median": -1,
    "utan_stadsdel": 0, "andel_utan_stadsdel": 0,  # how complete the register is, not news for the young people
}

# --- Accuracy of a published figure -----------------------------------------

EXAKT = "exakt"
NOGGRANNHET_VALUES = (EXAKT, "minst", "ungefär", "härledd", "publicerad andel")

# --- Spellings ---------------------------------------------------------------

_JOBBTORG_ALIASES = {
    "jobbtorg skärholmen ung": "Jobbtorg Skärholmen",
    "jobbtorg unga skärholmen": "Jobbtorg Skärholmen",
    "jobbtorg unga kista": "Jobbtorg Kista",
    "jobbtorg kista ung": "Jobbtorg Kista",
    "jobbtorg unga globen": "Jobbtorg Globen",
    "jobbtorg globen ung": "Jobbtorg Globen",
    "jobbtorg unga city": "Jobbtorg City",
    "jobbtorg city ung": "Jobbtorg City",
    "jobbtorg unga vällingby": "Jobbtorg Vällingby",
    "jobbtorg vällingby ung": "Jobbtorg Vällingby",
    "saknas": SAKNAR_STADSDEL,
    "okänd stadsdel": SAKNAR_STADSDEL,
}
_JOBBTORG_CANONICAL = {name.lower(): name for name in JOBBTORG_NAMES}


def normalize_jobbtorg(name: str) -> str | None:
    """The current name of a jobbtorg, given any known spelling; None if unknown."""
    key = " ".join(str(name).split()).lower()
    return _JOBBTORG_CANONICAL.get(key) or _JOBBTORG_ALIASES.get(key)


def compared(columns) -> str:
    """Which of COMPARED a comparison frame (its columns) lines up."""
    return STADSDEL if STADSDEL in columns else JOBBTORG


def month_label(year: int, index: int) -> str:
    """A period's name for month `index` of statistics year `year` (0 is December before it): `2020-12` for month 0
    of 2021, `2021-03` for month 3."""
    month = (year - 1) * 12 + 11 + index
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def order_key(dimension: str, value) -> int:
    """Sort key that puts a dimension's values in the report's order, Totalt last."""
    if value == TOTALT:
        return 10_000
    order = DIMENSION_ORDER.get(dimension)
    if order is None:
        return int(value) if str(value).lstrip("-").isdigit() else 0
    return order.index(value) if value in order else len(order)


STATISTIKAR_TEXT = (
    "Ett statistikår Y räknas från 1 december året före till 30 november år Y "
    "(t.ex. 2020 = 1 december 2019–30 november 2020)."
)
