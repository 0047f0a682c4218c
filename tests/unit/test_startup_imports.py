"""Every ``heard`` command loaded scikit-learn before doing anything (``heard.answer``'s router
imported it at module level): about a second of each command's start, ``heard stats`` on the
demo 2.1 s → 1.0 s without it. scikit-learn now loads where a router is fitted or read."""

from __future__ import annotations

import subprocess
import sys


def test_the_commands_load_without_scikit_learn():
    probe = "import sys, heard.cli.app, heard.answer; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stdout + out.stderr


def test_a_router_still_trains_and_reads_with_it():
    probe = (
        "import sys, numpy as np\n"
        "from heard.answer.features import FeatureConfig, RouterFeatures\n"
        "f = RouterFeatures(FeatureConfig()).fit(['公交晚点', 'bus late', '停水三天'], 4)\n"
        "g = RouterFeatures.from_saved(f.config, f.vocab_json(), f.idf_arrays(), 4)\n"
        "print('sklearn' in sys.modules, g.char is not None)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.strip() == "True True", out.stdout + out.stderr
