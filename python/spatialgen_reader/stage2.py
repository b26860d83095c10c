"""Stage-2 frames (SPEC: Stage-2 frame) with action chunks, as a VLA's stage-2 loader wants them."""
import numpy as np

from .images import decode_image


class Stage2Dataset:
    """Map-style: ``ds[i]`` is frame i of the split with the chosen cameras and the next ``chunk`` actions.

    Keys: ``episode_id, episode_index, frame_index, timestamp, task, instruction, spatial_prompt``; ``state``,
    ``eef_pose``, ``base_pose`` (float32); ``action`` (float32 (chunk, 7): this frame's action and the next ones of the
    same episode) and ``action_is_pad`` (bool (chunk,): steps past the episode's end, filled with its last action, as
    LeRobot pads); per camera ``images[cam]`` (PIL RGB; ``depth[cam]`` / ``segmentation[cam]`` as uint16 arrays when
    asked for in ``images``), ``boxes[cam]`` (list of dicts), ``trace_2d[cam]`` (float32 (n, 2), NaN where a point has
    no pixel), ``K[cam]``, ``T_world_to_cam[cam]``; ``trace_3d`` (float32 (n, 3)).
    """

    def __init__(self, dataset, split="train", cameras=None, chunk=1, images=("image",)):
        self.dataset = dataset
        layout = dataset.manifest.get("stage2_layout") or {}
        known = layout.get("cameras", [])
        self.cameras = list(cameras) if cameras else list(known)
        for c in self.cameras:
            if c not in known:
                raise KeyError(f"camera {c!r} is not in the dataset (cameras: {', '.join(known)})")
        if chunk < 1:
            raise ValueError("chunk must be >= 1")
        self.chunk = chunk
        self.images = tuple(images)
        self.table = dataset.table("stage2", split)
        # float32[7] per row: the flat child values, no Python objects
        self.actions = np.asarray(self.table.column("action").combine_chunks().flatten(), dtype=np.float32).reshape(-1, 7)
        episodes = self.table.column("episode_index").to_numpy()
        # the last row of each row's episode (an episode's rows are contiguous and in frame order)
        ends = np.empty(len(episodes), dtype=np.int64)
        last = len(episodes) - 1
        for i in range(len(episodes) - 1, -1, -1):
            if i < len(episodes) - 1 and episodes[i] != episodes[i + 1]:
                last = i
            ends[i] = last
        self.episode_end = ends

    def __len__(self):
        return self.table.num_rows

    def _column(self, kind, cam):
        return {"image": f"observation.images.{cam}", "depth": f"observation.depth.{cam}",
                "segmentation": f"observation.segmentation.{cam}"}[kind]

    def __getitem__(self, i):
        n = len(self)
        if not -n <= i < n:
            raise IndexError(i)
        i %= n
        r = self.table.slice(i, 1).to_pylist()[0]
        steps = np.arange(i, i + self.chunk)
        pad = steps > self.episode_end[i]
        action = self.actions[np.minimum(steps, self.episode_end[i])]
        out = {k: r[k] for k in ("episode_id", "episode_index", "frame_index", "timestamp", "task", "instruction", "spatial_prompt")}
        out["state"] = np.asarray(r["observation.state"], dtype=np.float32)
        out["eef_pose"] = np.asarray(r["observation.eef_pose"], dtype=np.float32)
        out["base_pose"] = np.asarray(r["robot.base_pose"], dtype=np.float32)
        out["action"] = action
        out["action_is_pad"] = pad
        out["trace_3d"] = np.asarray(r["annotations.trace_3d"] or [], dtype=np.float32).reshape(-1, 3)
        for kind in self.images:
            key = {"image": "images", "depth": "depth", "segmentation": "segmentation"}[kind]
            out[key] = {c: decode_image(r.get(self._column(kind, c))) for c in self.cameras}
        out["boxes"] = {c: r[f"annotations.{c}.boxes"] or [] for c in self.cameras}
        out["trace_2d"] = {c: np.asarray([p if p is not None else [np.nan, np.nan] for p in (r[f"annotations.{c}.trace_2d"] or [])],
                                         dtype=np.float32).reshape(-1, 2) for c in self.cameras}
        out["K"] = {c: np.asarray(r[f"camera.{c}.K"], dtype=np.float32).reshape(3, 3) for c in self.cameras}
        out["T_world_to_cam"] = {c: np.asarray(r[f"camera.{c}.T_world_to_cam"], dtype=np.float32).reshape(4, 4) for c in self.cameras}
        return out
