"""User profiles, feedback and wardrobes (SQL store), and the preference model that learns from them.

``runtime.profile_store`` is a :class:`~stylist.profiles.store.ProfileStore`;
``runtime.preference_model`` is a :class:`~stylist.profiles.preferences.PreferenceModel` whose
``rerank(user_id, hits)`` personalises search and outfit assembly.
"""

from stylist.profiles.schema import (
    FeedbackEvent,
    PreferenceKind,
    Profile,
    ProfileChanges,
    ProfileExport,
    UpdateReport,
    WardrobeItem,
)

__all__ = [
    "FeedbackEvent",
    "PreferenceKind",
    "Profile",
    "ProfileChanges",
    "ProfileExport",
    "UpdateReport",
    "WardrobeItem",
]
