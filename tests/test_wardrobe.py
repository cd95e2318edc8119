"""Wardrobe from photos: add (recognised, editable), list, remove, export, delete, migration, CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_helpers import run_cli

from stylist.errors import ToolInputError
from stylist.tools.recognise.recogniser import Recogniser
from stylist.tools.recognise.wardrobe import add_from_photo
from tests.fakes import MeanColourImageEmbedder
from tests.fakes.profile import ProfileCatalogueIndex, profile_runtime
from tests.fakes.recognise import garment_picture, shared_tiny_checkpoint


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    return shared_tiny_checkpoint(tmp_path_factory)


@pytest.fixture
def runtime(checkpoint):
    return profile_runtime(
        recogniser=Recogniser(checkpoint),
        image_embedder=MeanColourImageEmbedder(),
        catalogue_index=ProfileCatalogueIndex(),
    )


@pytest.fixture
def photo(tmp_path) -> Path:
    path = tmp_path / "oxford.png"
    garment_picture((40, 90, 190)).save(path)
    return path


def test_add_from_photo_stores_attributes_copy_and_embedding(runtime, photo):
    item, recognition = add_from_photo(runtime, "ana", photo, name="my blue oxford", article_type="Shirt")
    assert item.name == "my blue oxford" and item.label == "my blue oxford"
    assert item.article_type == "Shirt" and item.slot == "top" and item.colours[0] == "blue"
    assert item.image_path and Path(item.image_path).is_file() and Path(item.image_path) != photo
    assert str(runtime.settings.home) in item.image_path
    assert item.embedding is not None and len(item.embedding) == MeanColourImageEmbedder.dim
    assert item.attributes["edited"] == ["article_type", "slot"] or item.attributes["edited"] == [
        "article_type"
    ]
    assert item.attributes["recognised"]["colours"][0]["name"] == "blue"
    listed = runtime.profile_store.wardrobe("ana")
    assert [w.id for w in listed] == [item.id] and listed[0].colours == item.colours
    assert runtime.profile_store.wardrobe("bob") == []


def test_flags_override_the_recognised_colours_and_pattern(runtime, photo):
    item, _ = add_from_photo(runtime, "ana", photo, article_type="jeans", colours=["Navy"], pattern="solid")
    assert item.colours == ["navy blue"] and item.pattern == "solid" and item.slot == "bottom"
    assert item.label == "navy blue jeans"


def test_a_photo_without_a_garment_is_refused(runtime, tmp_path):
    empty = tmp_path / "wall.png"
    garment_picture((255, 255, 255)).save(empty)
    with pytest.raises(ToolInputError, match="no garment found"):
        add_from_photo(runtime, "ana", empty)
    assert runtime.profile_store.wardrobe("ana") == []
    with pytest.raises(ToolInputError, match="outfit slot"):
        add_from_photo(runtime, "ana", tmp_path / "wall.png", article_type="spaceship")


def test_remove_deletes_the_row_and_the_photo_copy(runtime, photo):
    item, _ = add_from_photo(runtime, "ana", photo, article_type="Shirt")
    assert runtime.profile_store.wardrobe_remove("ana", str(item.id))
    assert runtime.profile_store.wardrobe("ana") == [] and not Path(item.image_path).exists()
    assert photo.exists()  # the user's own file is never touched


def test_export_includes_and_delete_erases_wardrobe_photos(runtime, photo):
    store = runtime.profile_store
    item, _ = add_from_photo(runtime, "ana", photo, name="blue oxford", article_type="Shirt")
    store.wardrobe_add("ana", ["grey wool coat"])
    exported = store.export("ana")
    assert [w.label for w in exported.wardrobe] == ["blue oxford", "grey wool coat"]
    first = exported.wardrobe[0]
    assert (
        first.image_path == item.image_path
        and first.embedding == item.embedding
        and first.attributes["stored_copy"]
    )
    json.loads(exported.model_dump_json())  # exportable as JSON
    counts = store.delete("ana")
    assert counts["wardrobe_items"] == 2 and counts["wardrobe_photos"] == 1
    assert store.wardrobe("ana") == [] and not Path(item.image_path).exists()
    assert not store.export("ana").wardrobe


def test_migration_adds_photo_columns_to_an_old_database(tmp_path):
    from stylist.db import close_all, open_database

    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE wardrobe_items (id INTEGER PRIMARY KEY, user_id VARCHAR(128), item_id VARCHAR(128), "
        "description VARCHAR(500), added_at DATETIME)"
    )
    con.execute(
        "INSERT INTO wardrobe_items (user_id, description, added_at) VALUES ('ana', 'grey wool "
        "coat', '2026-01-01 10:00:00')"
    )
    con.commit()
    con.close()
    db = open_database(f"sqlite:///{path}")
    assert db.schema_version() >= 1
    from stylist.profiles.store import ProfileStore

    items = ProfileStore(db).wardrobe("ana")
    assert items[0].description == "grey wool coat" and items[0].colours == [] and items[0].image_path is None
    cols = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(wardrobe_items)")}
    assert {
        "name",
        "article_type",
        "slot",
        "colours_json",
        "pattern",
        "image_path",
        "embedding_json",
        "attributes_json",
    } <= cols
    close_all()
    open_database(f"sqlite:///{path}")  # applied once: opening again changes nothing


def test_wardrobe_cli_add_list_remove(cli, photo):
    code, out, err = cli(
        "wardrobe", "add", str(photo), "--name", "my blue oxford", "--article", "shirt", "--json"
    )
    assert code == 0, err
    added = json.loads(out)["added"][0]
    assert (
        added["item"]["name"] == "my blue oxford"
        and added["item"]["slot"] == "top"
        and added["item"]["has_embedding"]
    )
    assert added["item"]["source"] == "photo" and added["recognition"]["colours"][0]["name"] == "blue"
    code, out, err = cli("wardrobe", "list", "--json")
    assert code == 0 and [i["id"] for i in json.loads(out)] == [added["item"]["id"]]
    code, out, err = cli("wardrobe", "list")
    assert "my blue oxford" in out
    code, out, err = cli("wardrobe", "remove", str(added["item"]["id"]))
    assert code == 0 and "removed" in out
    code, out, err = cli("wardrobe", "remove", "999")
    assert code == 1 and "999" in err and "Traceback" not in err
    code, out, err = cli("wardrobe", "add", str(photo.parent / "nope.jpg"))
    assert code == 2 and "nope.jpg" in err and "no such file" in err  # bad input: exit code 2


@pytest.fixture
def cli(checkpoint, monkeypatch, capsys):  # noqa: ANN001, ANN201
    """The CLI in-process on a runtime with the tiny recogniser and a small fake catalogue."""
    from stylist.cli.common import CliState

    def runtime(self: CliState):  # noqa: ANN202
        if self._runtime is None:
            from stylist.config import load_settings

            self._runtime = profile_runtime(
                load_settings(self.config, **self.overrides),
                recogniser=Recogniser(checkpoint),
                image_embedder=MeanColourImageEmbedder(),
                catalogue_index=ProfileCatalogueIndex(),
            )
        return self._runtime

    monkeypatch.setattr(CliState, "runtime", property(runtime))
    return lambda *argv: run_cli(capsys, *argv)


def test_one_wardrobe_group_takes_photos_ids_and_words(cli, photo):
    code, out, err = cli("wardrobe", "add", "g002", "grey wool coat", "--json")
    assert code == 0, err
    assert [(a["item"]["item_id"], a["item"]["source"]) for a in json.loads(out)["added"]] == [
        ("g002", "catalogue"),
        (None, "text"),
    ]
    code, out, err = cli("wardrobe", "add", str(photo), "--article", "shirt", "--name", "blue oxford")
    assert code == 0 and "blue oxford" in out, err
    listed = json.loads(cli("wardrobe", "list", "--json")[1])
    assert [i["source"] for i in listed] == ["catalogue", "text", "photo"] and all(
        "embedding" not in i for i in listed
    )
    shown = json.loads(cli("wardrobe", "show", "blue oxford", "--json")[1])
    assert (
        shown["article_type"].lower() == "shirt"
        and shown["attributes"]["recognised"]["status"]
        and shown["has_embedding"]
    )
    code, out, _ = cli("wardrobe", "show", "g002")
    assert code == 0 and "g002" in out
    code, out, err = cli("wardrobe", "remove", "g002", "grey wool coat", "--json")
    assert code == 0 and json.loads(out) == {"removed": ["g002", "grey wool coat"]}
    assert [i["label"] for i in json.loads(cli("wardrobe", "list", "--json")[1])] == ["blue oxford"]


def test_wardrobe_errors_name_what_is_wrong(cli, photo, tmp_path):
    code, _, err = cli("wardrobe", "add", "--id", "g404")
    assert code == 1 and "g404" in err and "Traceback" not in err
    junk = tmp_path / "notes.png"
    junk.write_text("not a picture")
    code, _, err = cli("wardrobe", "add", str(junk))
    assert code == 1 and "notes.png" in err and "Traceback" not in err
    code, _, err = cli("wardrobe", "add", "grey coat", "--article", "coat")
    assert code == 2 and "one photo" in err
    code, _, err = cli("wardrobe", "show", "nothing")
    assert code == 1 and "not in the wardrobe" in err
    code, _, err = cli("wardrobe", "remove", "nothing", "--json")
    assert code == 1 and "not in the wardrobe" in err
    code, _, err = cli("wardrobe", "add", "g002", str(tmp_path / "missing.jpg"))
    assert code == 2 and "missing.jpg" in err
    assert json.loads(cli("wardrobe", "list", "--json")[1]) == []  # nothing stored when one item is bad
    code, out, err = cli(
        "wardrobe", "add", "navy/white striped tee", "--json"
    )  # words with a slash, not a path
    assert code == 0 and json.loads(out)["added"][0]["item"]["source"] == "text", err


def test_profile_wardrobe_is_a_hidden_alias_that_forwards(cli):
    code, out, err = cli("profile", "wardrobe", "add", "g002", "--json")
    assert code == 0, err
    assert json.loads(out)["added"][0]["item"]["item_id"] == "g002"
    assert [i["item_id"] for i in json.loads(cli("wardrobe", "list", "--json")[1])] == ["g002"]
    code, out, _ = cli("profile", "--help")
    assert code == 0 and "wardrobe " not in out.split("Commands")[-1].replace("wardrobe,", "")


def test_a_one_word_garment_in_an_empty_home_is_text_and_builds_no_index(tmp_path):
    from stylist.cli.wardrobe_cmd import classify
    from stylist.config import load_settings
    from stylist.runtime import Runtime

    runtime = Runtime(load_settings(home=str(tmp_path)))
    assert classify("jeans", runtime) == "text"
    assert not runtime.has("catalogue_index") and not (tmp_path / "index").exists()
    indexed = Runtime(load_settings(home=str(tmp_path)), catalogue_index=ProfileCatalogueIndex())
    assert classify("g002", indexed) == "catalogue"  # with an index, ids are still recognised
