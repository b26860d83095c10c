"""Loads spatialgen's LeRobot exports (v3.0 with lerobot >= 0.4, v2.1 with lerobot 0.3) with the real `lerobot` package and draws a batch: the check that is not in
CI, because lerobot needs PyPI's torch with its CUDA wheels (8.3 GB installed). `scripts/lerobot-check.sh` runs it.

    python python/examples/lerobot_load.py out/demo-lerobot
"""
import sys

import torch
from lerobot.datasets.lerobot_dataset import LeRobotDataset

for root in sys.argv[1:]:
    ds = LeRobotDataset(repo_id="spatialgen/export", root=root)
    print(root, "version", ds.meta.info["codebase_version"], "episodes", ds.num_episodes, "frames", ds.num_frames, "fps", ds.fps)
    x = ds[0]
    print("  keys", sorted(k for k in x if not k.startswith("annotations.") and not k.startswith("camera.")))
    print("  action", tuple(x["action"].shape), "state", tuple(x["observation.state"].shape), "task", repr(x["task"]))
    for k in ds.meta.camera_keys:
        print("  ", k, tuple(x[k].shape), x[k].dtype, float(x[k].min()), float(x[k].max()))
    st = ds.meta.stats["action"]
    if "q01" in st:
        print("  stats q01/q99 action", [round(float(v), 4) for v in st["q01"][:3]], [round(float(v), 4) for v in st["q99"][:3]])
    else:  # lerobot < 0.4 aggregates episodes_stats itself and keeps min/max/mean/std/count only
        print("  stats keys", sorted(st))
    batch = next(iter(torch.utils.data.DataLoader(ds, batch_size=4, shuffle=True)))
    print("  batch action", tuple(batch["action"].shape), "images", {k: tuple(batch[k].shape) for k in ds.meta.camera_keys})
