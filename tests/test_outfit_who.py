"""Who an outfit is for (issue #21, item 2): the brief, else the profile, else asked once."""

from __future__ import annotations

import pytest

from stylist.config import load_settings
from stylist.runtime import Runtime
from tests.fakes.compat import FakeCatalogueIndex, fake_catalogue


@pytest.fixture
def stylist(tmp_path):
    from stylist.facade import Stylist

    settings = load_settings(home=str(tmp_path), llm={"backend": "none"}, outfits={"checkpoint": "demo"})
    index = FakeCatalogueIndex(fake_catalogue(400))  # women's and men's clothes
    return Stylist(Runtime(settings, catalogue_index=index)), index


def _genders(reply, index) -> set[str]:
    return {index.get(i.id).gender.value for i in reply.items} - {"unisex"}


def test_nothing_says_who_so_the_stylist_asks_once_and_the_answer_builds(stylist):
    s, index = stylist
    cid = s.new_conversation()
    reply = s.chat("what should I wear to a summer wedding? earthy colours, under 200", conversation_id=cid)
    assert "a woman or a man" in reply.text and not reply.items
    reply = s.chat("for a man", conversation_id=cid)
    assert "**Outfit 1**" in reply.text and _genders(reply, index) == {"men"}


def test_either_builds_without_asking_again(stylist):
    s, index = stylist
    cid = s.new_conversation()
    s.chat("an outfit for a casual weekend", conversation_id=cid)
    reply = s.chat("either", conversation_id=cid)
    assert "**Outfit 1**" in reply.text and "a woman or a man" not in reply.text


def test_the_brief_or_the_profile_says_who_and_nothing_is_asked(stylist):
    s, index = stylist
    reply = s.chat("an outfit for a casual weekend, women")
    assert "a woman or a man" not in reply.text and _genders(reply, index) == {"women"}
    s.runtime.profile_store.update_profile("sam", {"gender_presentation": "men"})
    reply = s.chat("an outfit for a casual weekend", user_id="sam")
    assert "a woman or a man" not in reply.text and _genders(reply, index) == {"men"}


def test_the_one_shot_command_never_asks(stylist):
    s, _ = stylist
    from stylist.tools.registry import tools_for

    result = tools_for(s.runtime).invoke("build_outfit", {"brief": "casual weekend", "ask_who": False})
    assert result.outfits and result.question is None
