"""Weather and season read from a brief: "8 °C and rain", "minus 2 degrees", "July in Rome".

A temperature (Celsius; Fahrenheit when the text says so) and the words around it decide whether
the outfit needs a warm layer (cold: under 10 °C, snow, freezing, winter), may drop one (hot: over
25 °C, heatwave) and should keep the rain out. Months name the season (northern hemisphere).
What each of those refuses or prefers lives in :data:`COLD_REFUSES` and friends, so the assembler
and the reasons quote one table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stylist.fashion.brief import extract_seasons, normalise

COLD_BELOW = 10.0
HOT_ABOVE = 25.0
MONTH_SEASONS: dict[str, str] = {
    "january": "winter",
    "february": "winter",
    "march": "spring",
    "april": "spring",
    "may": "spring",
    "june": "summer",
    "july": "summer",
    "august": "summer",
    "september": "autumn",
    "october": "autumn",
    "november": "autumn",
    "december": "winter",
}
#: Months that are also common words ("I may", "march on") count only next to a place or date word.
_AMBIGUOUS_MONTHS = {"may", "march"}
_NUMBER = r"(minus\s*|-|−|\+)?\s?(\d{1,3}(?:[.,]\d)?)"
_TEMPERATURE = re.compile(
    _NUMBER
    + r"\s?(?:°\s?|º\s?|degrees?\s?|deg\s?)?(c|f|celsius|fahrenheit)?\b(?!\s?(?:%|\$|usd|dollars|euros?))"
)
_COLD_WORDS = re.compile(r"\b(cold|freezing|frosty|snow\w*|icy|chilly|winter\w*|ski\w*|below zero)\b")
_HOT_WORDS = re.compile(r"\b(heat ?wave|scorching|sweltering|boiling|tropical|humid)\b")
_RAIN_WORDS = re.compile(r"\b(rain\w*|drizzl\w*|showers?|wet|downpour|storm\w*|monsoon)\b")

#: Article words a stylist leaves out under 10 °C, and those above 25 °C; suede and satin in rain.
COLD_REFUSES = ("shorts", "capri", "sandal", "flip flop", "slides", "swim", "bikini", "tank", "crop top")
HOT_REFUSES = ("coat", "parka", "puffer", "down jacket", "overcoat")
RAIN_REFUSES_MATERIALS = ("suede", "satin", "silk", "velvet")
#: Fabrics that suit the weather (a preference, not a rule).
WARM_FABRICS = ("wool", "cashmere", "merino", "tweed", "fleece", "flannel", "corduroy", "knit", "velvet")
COOL_FABRICS = ("linen", "cotton", "chiffon", "seersucker", "jersey")
WARM_LAYERS = (
    "coat",
    "jacket",
    "blazer",
    "sweater",
    "cardigan",
    "jumper",
    "parka",
    "hoodie",
    "sweatshirt",
    "shrug",
    "waistcoat",
    "suit",
)


@dataclass(frozen=True)
class Weather:
    """What a brief says about the weather; every field is ``None``/empty when it says nothing."""

    temperature: float | None = None
    cold: bool = False
    hot: bool = False
    rain: bool = False
    seasons: list[str] = field(default_factory=list)

    def describe(self) -> str | None:
        """ "5 °C and rain", "cold", "summer" …: the weather in the words a reason quotes."""
        parts = []
        if self.temperature is not None:
            parts.append(f"{self.temperature:g} °C")
        elif self.cold:
            parts.append("the cold")
        elif self.hot:
            parts.append("the heat")
        if self.rain:
            parts.append("rain")
        if not parts and self.seasons:
            parts.append(self.seasons[0])
        return " and ".join(parts) or None


def extract_temperature(text: str) -> float | None:
    """Degrees Celsius named in ``text`` ("5 degrees", "8 °C", "minus 2", "40F"), else ``None``.

    A bare number counts only with a degree sign or word; "under 200" is a price, not a temperature.
    """
    t = normalise(text).replace("°", " ° ")
    t = re.sub(r"\s+", " ", t)
    for m in _TEMPERATURE.finditer(t):
        whole = m.group(0)
        if not re.search(r"°|º|degree|deg|celsius|fahrenheit|\d\s?[cf]\b", whole):
            continue
        value = float(m.group(2).replace(",", "."))
        if m.group(1) and m.group(1).strip() in {"minus", "-", "−"}:
            value = -value
        if (m.group(3) or "").startswith("f"):
            value = round((value - 32) * 5 / 9, 1)
        if -60 <= value <= 55:
            return value
    return None


def month_seasons(text: str) -> list[str]:
    """Seasons of the months named in ``text`` ("July in Rome" -> summer)."""
    t = normalise(text)
    out: list[str] = []
    for month, season in MONTH_SEASONS.items():
        if month in _AMBIGUOUS_MONTHS:
            pattern = rf"\b(?:in|early|late|mid|this|next|of|for) {month}\b|\b{month} \d{{1,2}}\b"
        else:
            pattern = rf"\b{month}\b"
        if re.search(pattern, t) and season not in out:
            out.append(season)
    return out


def extract_weather(text: str) -> Weather:
    """The weather a brief describes: temperature, cold, hot, rain and the seasons it implies."""
    t = normalise(text)
    temperature = extract_temperature(text)
    seasons = list(dict.fromkeys([*(extract_seasons(text) or []), *month_seasons(text)]))
    if temperature is not None:
        cold, hot = temperature < COLD_BELOW, temperature > HOT_ABOVE
    else:
        cold = bool(_COLD_WORDS.search(t)) or seasons == ["winter"]
        hot = bool(_HOT_WORDS.search(t))
    rain = bool(_RAIN_WORDS.search(re.sub(r"\b(baby|bridal|wedding) showers?\b", " ", t)))
    if cold and "winter" not in seasons and not seasons:
        seasons = ["winter"] if temperature is None or temperature < 5 else ["autumn"]
    if hot and not seasons:
        seasons = ["summer"]
    return Weather(temperature=temperature, cold=cold, hot=hot and not cold, rain=rain, seasons=seasons)
