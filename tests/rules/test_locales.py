"""Where a missing text is taken from: one chain (:func:`rules.locales.fallback_chain`), walked once
(:meth:`LocalizedText.first`), and the API, the embeds and the sync items all take the same text.

The content here has a third language, Galician, that falls back to Spanish, then to the default,
English; a treatment's summary is in Spanish and English, its name only in English.
"""

from __future__ import annotations

import json

from api.content.items import item_data
from api.content.snapshot import load_bytes
from api.embed.view import Reader
from tests.conftest import BUNDLED
from tests.inprocess import InProcess


def _three_languages() -> dict:
    data = json.loads(BUNDLED.read_text(encoding="utf-8"))
    data["locales"].append({"code": "gl", "nativeName": "Galego", "fallback": "es", "required": False,
                            "choosePrompt": "Quero ver o sitio en galego", "continueLabel": "Continuar en galego"})
    data["locales"][1]["required"] = False
    data["treatments"][0]["summary"] = {"en": "In English.", "es": "Solo en español."}
    data["treatments"][0]["name"] = {"en": "English only"}
    return data


def test_the_api_the_embeds_and_the_sync_items_take_the_same_text_from_the_chain(tmp_path) -> None:
    data = _three_languages()
    snapshot = load_bytes(json.dumps(data).encode())
    treatment = snapshot.content.treatments[0]
    assert snapshot.fallback_chain("gl") == ["gl", "es", "en"]

    content = tmp_path / "three.json"
    content.write_text(json.dumps(data), encoding="utf-8")
    served = InProcess(content, tmp_path)
    try:
        body = served.client.post("/graphql", json={
            "query": '{ treatment(id: "%s", locale: "gl") { name summary } }' % treatment.id}).json()
    finally:
        served.close()
    reader = Reader(snapshot, "gl")
    synced = item_data(snapshot, "treatment", treatment.id, "gl")

    assert body["data"]["treatment"] == {"name": "English only", "summary": "Solo en español."}
    assert {(f["path"][-1], f["servedLocale"]) for f in body["extensions"]["localeFallbacks"]} == {
        ("name", "en"), ("summary", "es")}
    assert (reader.shown(treatment.name).text, reader.shown(treatment.name).lang) == ("English only", "en")
    assert (reader.shown(treatment.summary).text, reader.shown(treatment.summary).lang) == ("Solo en español.", "es")
    assert (synced["name"], synced["summary"]) == ("English only", "Solo en español.")
