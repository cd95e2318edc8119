"""Each built-in tool as a plain Python function on the default runtime, made from its class by
:func:`~stylist.tools.registry.plain_function` (``search_garments("linen shirt", k=3)``)."""

from __future__ import annotations

from stylist.tools.designs.tool import DesignGarments
from stylist.tools.get_profile import GetProfile
from stylist.tools.outfits.build_tool import BuildOutfit
from stylist.tools.outfits.score_tool import ScoreOutfit
from stylist.tools.recognise.tool import RecogniseGarment
from stylist.tools.record_feedback import RecordFeedback
from stylist.tools.registry import plain_function
from stylist.tools.search import SearchGarments
from stylist.tools.trends.tool import TrendForecast
from stylist.tools.update_profile import UpdateProfile

search_garments = plain_function(SearchGarments, "query")
get_profile = plain_function(GetProfile, "user_id")
update_profile = plain_function(UpdateProfile, "statement")
record_feedback = plain_function(RecordFeedback, "kind", "item_id")
trend_forecast = plain_function(TrendForecast, "kind", "horizon")
score_outfit = plain_function(ScoreOutfit, "item_ids")
build_outfit = plain_function(BuildOutfit, "brief")
design_garments = plain_function(DesignGarments, "brief", "n")
recognise_garment = plain_function(RecogniseGarment, "image_path")

__all__ = [
    "build_outfit",
    "design_garments",
    "get_profile",
    "recognise_garment",
    "record_feedback",
    "score_outfit",
    "search_garments",
    "trend_forecast",
    "update_profile",
]
