"""A dataset directory: its manifest, and its shards as memory-mapped Arrow tables (SPEC: A dataset directory)."""
import json
from pathlib import Path

import pyarrow as pa


class SpatialgenDataset:
    """``DIR/manifest.json`` and the shards it lists; only listed files are data."""

    def __init__(self, root):
        self.root = Path(root)
        path = self.root / "manifest.json"
        if not path.is_file():
            raise FileNotFoundError(f"{self.root}: not a spatialgen dataset (no manifest.json)")
        self.manifest = json.loads(path.read_text())
        if self.manifest.get("format") != "spatialgen-dataset":
            raise ValueError(f"{path}: not a spatialgen dataset manifest")
        self.config = self.manifest.get("config", {})

    @property
    def splits(self):
        return sorted({s["split"] for s in self.manifest["shards"]})

    def shard_paths(self, kind, split):
        """The shards of one kind (``stage1`` | ``stage2``) and split, in their stored order."""
        return [self.root / s["path"] for s in self.manifest["shards"] if s["kind"] == kind and s["split"] == split]

    def table(self, kind, split, columns=None):
        """Every shard of the kind and split as one table, memory-mapped (zero-copy), optionally only some columns."""
        tables = []
        for p in self.shard_paths(kind, split):
            with pa.memory_map(str(p)) as f:
                t = pa.ipc.open_stream(f).read_all()
            tables.append(t.select(columns) if columns else t)
        if not tables:
            raise KeyError(f"{self.root}: no {kind} shards in split {split!r} (splits: {', '.join(self.splits)})")
        return pa.concat_tables(tables)

    def episodes(self):
        """``episodes.arrow``: one row per episode attempted."""
        with pa.memory_map(str(self.root / "episodes.arrow")) as f:
            return pa.ipc.open_stream(f).read_all()

    def stage1(self, split="train"):
        from .stage1 import Stage1Dataset

        return Stage1Dataset(self, split)

    def stage2(self, split="train", cameras=None, chunk=1, images=("image",)):
        from .stage2 import Stage2Dataset

        return Stage2Dataset(self, split, cameras=cameras, chunk=chunk, images=images)


def open_dataset(root):
    return SpatialgenDataset(root)
