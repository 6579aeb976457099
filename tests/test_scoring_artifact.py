"""``scoring.json``: scoring without scikit-learn or unpickling, verified, and the same answers.

Tampering happens on copies of the shipped model folder in ``tmp_path``; the shipped folder is
only read.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import spamlinks.model
from conftest import copy_shipped
from spamlinks import ModelCompatibilityError, ModelError, ModelIntegrityError, parse_post
from spamlinks.artifacts import SCORING, ScoringModel, load_scoring_model
from spamlinks.datasets import load_corpus
from spamlinks.model import ARTIFACT, CARD, Model, export_scoring, load_model
from spamlinks.scoring import Scorer

SHIPPED = Path(spamlinks.model.default_model_dir())
POST = '<p>Try <a href="https://cheap-essays.xyz/buy-essay-online">buy essay online</a></p>'
HEAVY = ("sklearn", "scipy", "joblib")


@pytest.fixture()
def scoring_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped model folder, scoring table included."""
    return copy_shipped(tmp_path / "model", ARTIFACT, SCORING, CARD)


def _heavy_modules(code: str) -> list[str]:
    """Top-level heavy modules imported by ``code`` run in a fresh interpreter."""
    probe = code + textwrap.dedent(
        f"""
        import json, sys
        print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))))
        """
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_score_post_imports_no_sklearn_scipy_or_joblib() -> None:
    code = textwrap.dedent(
        f"""
        import spamlinks
        s = spamlinks.score_post({POST!r})
        assert s.label == "spam", s
        assert spamlinks.score_posts([{POST!r}] * 3)[0] == s
        """
    )
    assert _heavy_modules(code) == []


def test_batch_command_imports_no_sklearn_scipy_or_joblib(tmp_path: Path) -> None:
    posts = Path(__file__).resolve().parents[1] / "examples" / "posts.jsonl"
    code = textwrap.dedent(
        f"""
        from spamlinks.cli import main
        assert main(["score", {str(posts)!r}, "-o", {str(tmp_path / "out.jsonl")!r}]) == 0
        """
    )
    assert _heavy_modules(code) == []
    assert (tmp_path / "out.jsonl").read_text().count("\n") > 0


def test_shipped_table_is_the_export_of_the_shipped_model(shipped_model: Model,
                                                           tmp_path: Path) -> None:
    card = json.loads((SHIPPED / CARD).read_text(encoding="utf-8"))
    data = (SHIPPED / SCORING).read_bytes()
    assert card["artifact"]["scoring_sha256"] == hashlib.sha256(data).hexdigest()
    assert card["artifact"]["scoring_bytes"] == len(data)
    path = export_scoring(load_model(SHIPPED), tmp_path)
    assert path.read_bytes() == data
    assert json.loads((tmp_path / CARD).read_text(encoding="utf-8")) == card


def test_scorer_loads_the_table(scoring_copy: Path) -> None:
    scorer = Scorer(model_path=str(scoring_copy))
    assert isinstance(scorer.model, ScoringModel)
    assert scorer.score_post(POST).model_id == scorer.model.model_id


def test_json_path_equals_sklearn(shipped_model: Model) -> None:
    rows = load_corpus()
    rows = rows[:: max(1, len(rows) // 300)][:300]
    posts = [parse_post(r.html, site=r.site, platform=r.platform, title=r.title) for r in rows]
    table = load_scoring_model(SHIPPED)
    assert isinstance(table, ScoringModel)
    sk = shipped_model.predict_proba(posts)  # scikit-learn transform + decision_function
    scores = Scorer(model=table).score_parsed(posts)
    np.testing.assert_allclose([s.probability for s in scores], sk, rtol=0, atol=1e-9)
    assert sk.max() - sk.min() > 0.5  # not vacuous: clearly different scores
    # and the explanations are those of the Model path, to the last digit
    assert scores == Scorer(model=shipped_model).score_parsed(posts)
    assert table.thresholds == shipped_model.thresholds
    assert table.model_id == shipped_model.model_id


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_one_changed_byte_is_refused(scoring_copy: Path, where: str) -> None:
    path = scoring_copy / SCORING
    data = bytearray(path.read_bytes())
    data[{"start": 0, "middle": len(data) // 2, "end": len(data) - 1}[where]] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError) as exc:
        load_scoring_model(scoring_copy)
    assert SCORING in str(exc.value)
    scorer = Scorer(model_path=str(scoring_copy))
    with pytest.raises(ModelIntegrityError):
        scorer.score_post(POST)
    with pytest.raises(ModelIntegrityError):  # it keeps refusing, it never half-loads
        scorer.score_posts([POST] * 3)


def test_card_with_another_digest_is_refused(scoring_copy: Path) -> None:
    card = json.loads((scoring_copy / CARD).read_text(encoding="utf-8"))
    card["artifact"]["scoring_sha256"] = "0" * 64
    (scoring_copy / CARD).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelIntegrityError):
        Scorer(model_path=str(scoring_copy)).score_post(POST)


def test_other_feature_schema_is_refused(scoring_copy: Path) -> None:
    card = json.loads((scoring_copy / CARD).read_text(encoding="utf-8"))
    card["feature_schema_version"] += 1
    (scoring_copy / CARD).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelCompatibilityError) as exc:
        Scorer(model_path=str(scoring_copy)).score_post(POST)
    assert "spamlinks train" in str(exc.value)


def test_other_table_schema_is_refused(scoring_copy: Path) -> None:
    table = json.loads((scoring_copy / SCORING).read_bytes())
    table["schema"] += 1
    data = json.dumps(table).encode()
    (scoring_copy / SCORING).write_bytes(data)
    card = json.loads((scoring_copy / CARD).read_text(encoding="utf-8"))
    card["artifact"]["scoring_sha256"] = hashlib.sha256(data).hexdigest()
    (scoring_copy / CARD).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelCompatibilityError):
        load_scoring_model(scoring_copy)


def test_missing_card_is_refused_unless_trusted(scoring_copy: Path) -> None:
    (scoring_copy / CARD).unlink()
    with pytest.raises(ModelError) as exc:
        load_scoring_model(scoring_copy)
    assert "trust" in str(exc.value)
    assert isinstance(load_scoring_model(scoring_copy, trust=True), ScoringModel)


def test_folder_without_table_falls_back_to_the_verified_pickle(scoring_copy: Path) -> None:
    (scoring_copy / SCORING).unlink()
    assert isinstance(load_scoring_model(scoring_copy), Model)
    (scoring_copy / ARTIFACT).write_bytes(b"not the pickle the card names")
    with pytest.raises(ModelIntegrityError):
        Scorer(model_path=str(scoring_copy)).score_post(POST)


def test_empty_folder_names_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as exc:
        Scorer(model_path=str(tmp_path)).score_post(POST)
    assert SCORING in str(exc.value) and "spamlinks train" in str(exc.value)
