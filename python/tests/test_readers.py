"""The files of a build and of a converted recording, read by the real libraries: pyarrow, HF datasets, polars; the
reader package's values equal the Arrow rows; the VLM export's coordinates match the structured answers."""
import io
import json

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from datasets import load_dataset
from PIL import Image

from spatialgen_reader import decode_image, open_dataset


def shards(root):
    m = json.loads((root / "manifest.json").read_text())
    return [(root / s["path"], s) for s in m["shards"]]


def read_stream(path):
    with pa.memory_map(str(path)) as f:
        return pa.ipc.open_stream(f).read_all()


@pytest.mark.parametrize("which", ["build", "converted"])
def test_pyarrow_and_polars_read_every_shard(which, request):
    root = request.getfixturevalue(which)
    listed = shards(root)
    assert listed
    for path, info in listed:
        t = read_stream(path)
        assert t.num_rows == info["rows"]
        assert b"huggingface" in (t.schema.metadata or {})
        df = pl.read_ipc_stream(path)
        assert df.height == info["rows"] and df.columns == t.column_names


@pytest.mark.parametrize("which", ["build", "converted"])
def test_hf_datasets_loads_and_decodes_every_image_kind(which, request):
    root = request.getfixturevalue(which)
    for kind in ("stage1", "stage2"):
        files = [str(p) for p, s in shards(root) if s["kind"] == kind and s["split"] == "train"]
        if not files:
            continue
        ds = load_dataset("arrow", data_files={"train": files}, split="train")
        arrow = pa.concat_tables([read_stream(f) for f in files])
        assert len(ds) == arrow.num_rows
        image_columns = [c for c, f in ds.features.items() if type(f).__name__ == "Image"]
        assert image_columns, f"{kind}: HF sees Image features"
        for c in image_columns:
            for i in {0, len(ds) - 1}:
                got = ds[i][c]
                raw = arrow.column(c)[i].as_py()
                if raw is None:
                    assert got is None
                    continue
                want = Image.open(io.BytesIO(raw["bytes"]))
                assert got.size == want.size and got.mode == want.mode
                assert np.array_equal(np.asarray(got), np.asarray(want)), c
                if ".depth." in c:
                    assert want.mode.startswith("I") and np.asarray(want).max() > 0, "16-bit depth in millimetres"


def test_stage1_reader_equals_the_rows(build):
    s1 = open_dataset(build).stage1("train")
    t = read_stream([p for p, s in shards(build) if s["kind"] == "stage1" and s["split"] == "train"][0])
    for i in range(min(t.num_rows, len(s1))):
        row = t.slice(i, 1).to_pylist()[0]
        x = s1[i]
        assert x["id"] == row["id"] and x["conversations"] == row["conversations"] and x["task_type"] == row["task_type"]
        assert np.allclose(x["boxes"], np.asarray([b["bbox_2d"] for b in row["boxes"]], dtype=np.float32).reshape(-1, 4))
        assert np.allclose(x["points"], np.asarray([p["point_2d"] for p in row["points"]], dtype=np.float32).reshape(-1, 2))
        assert np.allclose(x["trace"], np.asarray(row["trace"], dtype=np.float32).reshape(-1, 2))
        assert x["image"].size == (row["width"], row["height"])
        assert x["template"] == row["template"] and x["referring"] == row["referring"]


def test_stage2_reader_frames_and_action_chunks(build):
    ds = open_dataset(build)
    s2 = ds.stage2("train", chunk=5, images=("image", "depth", "segmentation"))
    t = ds.table("stage2", "train")
    episodes = t.column("episode_index").to_pylist()
    actions = t.column("action").to_pylist()
    for i in [0, 1, len(s2) - 3, len(s2) - 1]:
        x = s2[i]
        row = t.slice(i, 1).to_pylist()[0]
        assert x["instruction"] == row["instruction"] and x["frame_index"] == row["frame_index"]
        assert np.allclose(x["state"], row["observation.state"])
        for k in range(5):
            j = i + k
            inside = j < len(episodes) and episodes[j] == episodes[i]
            assert x["action_is_pad"][k] == (not inside)
            last = max(m for m in range(i, len(episodes)) if episodes[m] == episodes[i])
            assert np.allclose(x["action"][k], actions[j if inside else last])
        for cam in s2.cameras:
            raw = Image.open(io.BytesIO(row[f"observation.images.{cam}"]["bytes"]))
            assert x["images"][cam].size == raw.size and np.array_equal(np.asarray(x["images"][cam]), np.asarray(raw.convert("RGB")))
            assert x["depth"][cam].dtype == np.uint16 and x["segmentation"][cam].dtype == np.uint16
            assert np.array_equal(x["segmentation"][cam], decode_image(row[f"observation.segmentation.{cam}"]))


def test_vlm_export_read_back_every_coordinate_in_the_resized_frame(build, vlm):
    rows = {}
    for p, s in shards(build):
        if s["kind"] == "stage1" and s["split"] == "train":
            for r in read_stream(p).to_pylist():
                rows[r["id"]] = r
    samples = [json.loads(line) for line in (vlm / "data.jsonl").read_text().splitlines()]
    assert len(samples) == len(rows)
    assert json.loads((vlm / "data.json").read_text()) == samples
    for s in samples:
        r = rows[s["id"]]
        assert len(s["images"]) == 1 and s["conversations"][0]["value"].count("<image>") == 1
        with Image.open(vlm / s["images"][0]) as im:
            assert im.size == (160, 120)
        sx, sy = 160 / r["width"], 120 / r["height"]
        ans = json.loads(s["conversations"][1]["value"])
        if r["task_type"] == "trace":
            got, want = np.asarray(ans, dtype=float), np.asarray(r["trace"]) * [sx, sy]
        elif r["points"]:
            got = np.asarray([a["point_2d"] for a in ans], dtype=float)
            want = np.asarray([p["point_2d"] for p in r["points"]]) * [sx, sy]
            assert [a["label"] for a in ans] == [p["label"] for p in r["points"]]
        else:
            got = np.asarray([a["bbox_2d"] for a in ans], dtype=float)
            want = np.asarray([b["bbox_2d"] for b in r["boxes"]]) * [sx, sy, sx, sy]
            assert [a["label"] for a in ans] == [b["label"] for b in r["boxes"]]
        # integer pixels of the 160x120 image: within half a pixel, or clamped at the image's edge
        assert got.shape == want.shape
        assert np.all((np.abs(got - want) <= 0.5 + 1e-6) | (got == 0) | (got >= 119)), s["id"]


def test_training_example_runs_a_few_steps_on_cpu(build, tmp_path):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (scripts/python-setup.sh installs Debian's CPU build)")
    import subprocess
    import sys
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples" / "train_min.py"
    r = subprocess.run([sys.executable, str(example), str(build), "--steps", "6", "--chunk", "4", "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    summary = [l for l in r.stdout.splitlines() if l.startswith("first ")]
    assert summary and "over 6 steps" in summary[0] and summary[0].endswith("(cpu)"), r.stdout
    weights = torch.load(tmp_path / "policy.pt")
    assert all(torch.isfinite(w).all() for w in weights.values())
    assert torch.__version__


def test_lerobot_v30_export_files_read_by_pyarrow_and_hf_datasets(lerobot_v30):
    """What LeRobot's loaders rely on, read with the libraries it uses: the data parquet's HF features keep vectors
    fixed-size; the episodes parquet carries per-episode stats columns; stats.json has quantiles; modality.json."""
    import pyarrow.parquet as pq

    data = sorted((lerobot_v30 / "data").glob("chunk-*/file-*.parquet"))
    ds = load_dataset("parquet", data_files={"train": [str(p) for p in data]}, split="train")
    info = json.loads((lerobot_v30 / "meta" / "info.json").read_text())
    for key, f in info["features"].items():
        if f["dtype"] == "video" or key not in ds.features:
            continue
        if f["shape"][0] > 1:
            assert getattr(ds.features[key], "length", None) == f["shape"][0], key
    episodes = pq.read_table(next((lerobot_v30 / "meta" / "episodes").glob("chunk-*/file-*.parquet")))
    assert episodes.num_rows == info["total_episodes"]
    assert str(episodes.schema.field("stats/observation.images.base/mean").type) == "list<element: list<element: list<element: double>>>"
    assert episodes.column("stats/action/count").to_pylist() == [[n] for n in episodes.column("length").to_pylist()]
    stats = json.loads((lerobot_v30 / "meta" / "stats.json").read_text())
    for st in stats.values():
        assert all(k in st for k in ("q01", "q10", "q50", "q90", "q99"))
    modality = json.loads((lerobot_v30 / "meta" / "modality.json").read_text())
    assert modality["annotation"] == {"human.action.task_description": {"original_key": "task_index"}}
    assert modality["action"]["gripper"] == {"start": 6, "end": 7, "original_key": "action", "absolute": True}
