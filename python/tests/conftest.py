"""Datasets made by the product's own CLI (from this checkout's sources), once per test session: a `smoke` build
(JPEG frames, 16-bit depth and id PNGs, stage-1 and stage-2), the PushT recording converted (when the shared
fixtures are next to the checkout), and a VLM export of the build."""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO.parent / "shared" / "fixtures"


def spatialgen(*args):
    env = {**os.environ, "REDIS_URL": ""}
    r = subprocess.run(["node", "--import", "tsx", str(REPO / "cli" / "main.ts"), *args], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    out = tmp_path_factory.mktemp("data") / "smoke"
    spatialgen("build", "--preset", "smoke", "--out", str(out), "--no-progress")
    return out


@pytest.fixture(scope="session")
def converted(tmp_path_factory):
    pusht = next((p for p in FIXTURES.glob("**/lerobot-v1/pusht") if p.is_dir()), None)
    if pusht is None:
        pytest.skip(f"the shared robot-demos fixtures are not at {FIXTURES}")
    root = tmp_path_factory.mktemp("conv")
    cal = root / "cal.json"
    cal.write_text('{"cameras": {"observation.image": {"width": 96, "height": 96, "pixel_mapping": {"scale": [0.1875, 0.1875]}}},'
                   ' "eef_position": {"field": "observation.state", "indices": [0, 1], "frame": "world"}}')
    out = root / "pusht"
    spatialgen("convert", str(pusht), "--out", str(out), "--calibration", str(cal), "--no-progress")
    return out


@pytest.fixture(scope="session")
def vlm(build, tmp_path_factory):
    out = tmp_path_factory.mktemp("vlm") / "export"
    spatialgen("export", "vlm", str(build), "--out", str(out), "--image-size", "160x120", "--coord-format", "abs", "--no-progress")
    return out


@pytest.fixture(scope="session")
def lerobot_v30(build, tmp_path_factory):
    out = tmp_path_factory.mktemp("lerobot") / "v30"
    spatialgen("export", "lerobot", str(build), "--out", str(out), "--version", "v3.0", "--no-progress")
    return out
