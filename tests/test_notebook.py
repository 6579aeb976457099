"""The evaluation notebook runs top to bottom, and is committed without outputs.

``notebooks/evaluation.ipynb`` is executed with nbclient in a fresh ``python3`` kernel, from the
``notebooks/`` folder; any cell that raises fails the test. The executed copy is discarded, so
no output (shared-data text included) is ever written back to the repository.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "evaluation.ipynb"
CELL_TIMEOUT = 300


def test_notebook_is_saved_without_outputs() -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    dirty = [i for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, (
        f"code cells {dirty} of {NOTEBOOK.name} carry outputs; clear them before saving: "
        f"jupyter nbconvert --clear-output --inplace {NOTEBOOK.relative_to(ROOT)}"
    )


@pytest.mark.slow
def test_evaluation_notebook_runs() -> None:
    try:
        import ipykernel  # noqa: F401  (the kernel nbclient starts)
        import nbclient
        import nbformat
    except ImportError as exc:
        pytest.skip(f"executing the notebook needs nbclient and ipykernel ({exc.name} is not "
                    "importable): pip install nbclient ipykernel")

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError (cell source and traceback) on the first error
    elapsed = time.perf_counter() - start

    errors = [out for cell in nb.cells if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert not errors, errors
    print(f"{NOTEBOOK.name}: {len(nb.cells)} cells in {elapsed:.1f} s")
