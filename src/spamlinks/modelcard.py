"""The human model card (``MODEL_CARD.md``), written from ``model_card.json`` at training time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CREDITS = {
    "stackexchange_ham": "Stack Exchange data dump posts (coffee, beer, datascience.meta), "
    "CC BY-SA 3.0/4.0, © their Stack Exchange authors.",
    "youtube_spam_collection": "YouTube Spam Collection, CC BY 4.0: T. C. Alberto, J. V. "
    "Lochter, T. A. Almeida, \"TubeSpam: Comment Spam Filtering on YouTube\", ICMLA 2015 / "
    "ENIAC 2015.",
    "janitr": "janitrai/janitr sample data, MIT licence.",
    "spamassassin": "Apache SpamAssassin public corpus (via stdlib-js/datasets-spam-assassin, "
    "PDDL/CC0 per that copy).",
}


def _fmt(v: Any) -> str:
    return "–" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def write_model_card_md(card: dict[str, Any], path: Path) -> None:
    """Render the card as Markdown."""
    t = card["thresholds"]
    inputs = card["data"]["inputs"]
    lines = [
        f"# Model card: `{card['model_id']}`",
        "",
        f"Created {card['created']} with spamlinks {card['versions']['spamlinks']}, "
        f"scikit-learn {card['versions']['scikit-learn']}, seed {card['seed']}, feature schema "
        f"{card['feature_schema_version']}. Machine-readable card: `model_card.json`. Scoring "
        "loads only `scoring.json` (plain JSON: coefficients, n-gram tables, calibrator, "
        "thresholds) after checking its sha256 against the card; scikit-learn and "
        "`model.joblib` are for training and evaluation, and `load_model` checks the pickle's "
        "sha256 and versions against the card before unpickling it.",
        "",
        "## Intended use",
        "Scoring community posts (forum threads, Q&A answers, comments) for covert promotional "
        "link spam: a normal-looking post that exists to plant a vendor link. Output is a "
        "calibrated probability with an action (`allow` / `review` / `block`) and reasons for "
        "a human moderator.",
        "",
        "## Limits",
        "- Trained mostly on English; other languages (de, es, fr, pt, it, nl, ru, pl) are thin.",
        "- It judges one post at a time: no account history, no thread context, no link "
        "fetching. A vendor plug without any link or keyword cue is hard for it.",
        "- The project corpus was written by one family of language-model helpers: its style is "
        "narrower than real forums. See the outside-set figures below before trusting it.",
        "- `block` is meant for automated action only where a false positive is cheap to undo.",
        "",
        "## Model",
        "Logistic regression over named link features (anchor commercial intent, anchor/slug "
        "and anchor/domain overlap, vendor named in the text, shorteners, redirects, tracking "
        "parameters, rel vs the platform default, TLD, placement, density…) plus word n-grams "
        "of the visible text and word/char n-grams of anchor texts; Platt-calibrated on "
        "out-of-fold scores.",
        "",
        "Configuration: `" + ", ".join(f"{k}={v}" for k, v in card["config"].items()) + "`",
        "",
        "## Training data",
        "",
        "| input | rows | spam | ham | sha256 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, d in inputs.items():
        lines.append(f"| {name} | {d['rows']} | {d['spam']} | {d['ham']} | "
                     f"`{d['sha256'][:16]}…` |")
    lines += ["", f"Split: {card['data']['split']}. Trained on {card['data']['train_rows']} "
              f"rows; {card['data']['holdout_rows']} held out.", "", "Credits:",
              "- spamlinks corpus (`data/corpus`), written by this project."]
    lines += [f"- {CREDITS[k.split('/', 1)[1]]}" for k in inputs
              if k.startswith("shared/") and k.split("/", 1)[1] in CREDITS]
    unused = sorted(set(CREDITS) - {k.split("/", 1)[1] for k in inputs if k.startswith("shared/")})
    if unused:
        lines += ["", f"Licensed but not used: {', '.join(unused)}. They are other genres "
                  "(YouTube comments, X posts, 2002 e-mail); in trials adding them, even "
                  "down-weighted, lowered recall on real forum link spam (fossee_forum). "
                  "`spamlinks train --shared NAME:WEIGHT` adds them."]
    lines += ["", "## Operating points", "", "| point | threshold | rule |", "| --- | --- | --- |"]
    for name in ("label", "review", "block"):
        lines.append(f"| {name} | {t[name]['value']:.4f} | {t[name]['rule']} |")
    lines += ["", "## Evaluation (held-out rows, never trained on)", "",
              "| set | n | spam | ROC-AUC | PR-AUC | recall@1%FPR | P@label | R@label | "
              "FPR@label | P@block | R@block |", "| --- " * 11 + "|"]
    for name, m in card["metrics"]["holdout"].items():
        lines.append(
            f"| {name} | {m['n']} | {m['spam']} | {_fmt(m['roc_auc'])} | {_fmt(m['pr_auc'])} | "
            f"{_fmt(m['recall_at_1pct_fpr'])} | {_fmt(m['label']['precision'])} | "
            f"{_fmt(m['label']['recall'])} | {_fmt(m['label']['fpr'])} | "
            f"{_fmt(m['block']['precision'])} | {_fmt(m['block']['recall'])} |")
    lines += ["", "Outside sets, leave-one-source-out and the baseline: run "
              "`spamlinks evaluate --baseline --loso` (figures in the README).", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
