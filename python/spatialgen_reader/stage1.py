"""Stage-1 grounding samples (SPEC: Stage-1 sample), one per index."""
import numpy as np

from .images import decode_image


class Stage1Dataset:
    """Map-style: ``ds[i]`` is one sample with its image decoded and its structured answer as arrays.

    Keys: ``id, source, episode_id, frame_index, camera, task_type, width, height, coord_format, conversations``
    (list of ``{from, value}``), ``image`` (PIL RGB), ``boxes`` (float32 (n, 4), pixels of the stored image),
    ``box_labels``, ``points`` (float32 (n, 2)), ``point_labels``, ``trace`` (float32 (n, 2)), ``template``,
    ``phrasing_split`` and ``referring`` (the structured referring expressions) where the dataset has them.
    """

    def __init__(self, dataset, split="train"):
        self.dataset = dataset
        self.split = split
        self.table = dataset.table("stage1", split)

    def __len__(self):
        return self.table.num_rows

    def row(self, i):
        """The stored row as Python values (the image still encoded)."""
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self.table.slice(i % len(self), 1).to_pylist()[0]

    def __getitem__(self, i):
        r = self.row(i)
        boxes = r.get("boxes") or []
        points = r.get("points") or []
        out = {k: v for k, v in r.items() if k not in ("image", "boxes", "points", "trace")}
        out["image"] = decode_image(r["image"])
        out["boxes"] = np.asarray([b["bbox_2d"] for b in boxes], dtype=np.float32).reshape(-1, 4)
        out["box_labels"] = [b["label"] for b in boxes]
        out["points"] = np.asarray([p["point_2d"] for p in points], dtype=np.float32).reshape(-1, 2)
        out["point_labels"] = [p["label"] for p in points]
        out["trace"] = np.asarray(r.get("trace") or [], dtype=np.float32).reshape(-1, 2)
        return out
