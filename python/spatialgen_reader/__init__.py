"""Read spatialgen datasets from Python.

    from spatialgen_reader import open_dataset
    ds = open_dataset("out/demo")
    s1 = ds.stage1("train")            # map-style: len(s1), s1[i] -> dict (image, conversations, boxes, points, trace…)
    s2 = ds.stage2("train", cameras=["base"], chunk=8)   # frames with action chunks of 8 future steps

Both are plain Python sequences (``__len__`` / ``__getitem__``), so ``torch.utils.data.DataLoader`` takes them as they
are. Shards are memory-mapped Arrow IPC streams read with pyarrow; nothing is loaded whole but the columns a row asks for.
"""
from .dataset import SpatialgenDataset, open_dataset
from .stage1 import Stage1Dataset
from .stage2 import Stage2Dataset
from .images import decode_image

__all__ = ["SpatialgenDataset", "open_dataset", "Stage1Dataset", "Stage2Dataset", "decode_image"]
