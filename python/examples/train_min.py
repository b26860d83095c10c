"""A minimal stage-2 training loop on a spatialgen dataset, on CPU: a small CNN reads the first camera's frame and the
robot state and predicts the next CHUNK actions (masked where the episode has ended). It shows the reader feeding a
PyTorch DataLoader; it is not a policy worth deploying.

    python examples/train_min.py out/demo --steps 20 --chunk 4 [--out RUN_DIR]

On a GPU (`spatialgen train … --gpus 1`, which sets CUDA_VISIBLE_DEVICES) it trains there; with --out it writes the
weights to RUN_DIR/policy.pt.
"""
import argparse

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader

from spatialgen_reader import open_dataset


def tensor(a):
    """numpy → torch through the bytes: works whichever NumPy this torch was built against (Debian's CPU torch is
    built against NumPy 1, while pyarrow needs NumPy 2)."""
    a = np.ascontiguousarray(a)
    dtype = {np.dtype("float32"): torch.float32, np.dtype("bool"): torch.bool}[a.dtype]
    return torch.frombuffer(bytearray(a.tobytes()), dtype=dtype).reshape(a.shape)


class Frames(torch.utils.data.Dataset):
    """Stage-2 rows → tensors: a 64x64 image, the state, the action chunk and its padding mask."""

    def __init__(self, root, chunk):
        self.s2 = open_dataset(root).stage2("train", chunk=chunk)
        self.cam = self.s2.cameras[0]
        self.state_dim = len(self.s2[0]["state"])

    def __len__(self):
        return len(self.s2)

    def __getitem__(self, i):
        x = self.s2[i]
        img = np.asarray(x["images"][self.cam].resize((64, 64)), dtype=np.float32) / 255.0
        return tensor(img).permute(2, 0, 1), tensor(x["state"]), tensor(x["action"]), tensor(~x["action_is_pad"])


class Policy(nn.Module):
    def __init__(self, state_dim, chunk):
        super().__init__()
        self.chunk = chunk
        self.vision = nn.Sequential(nn.Conv2d(3, 16, 5, 2, 2), nn.ReLU(), nn.Conv2d(16, 32, 5, 2, 2), nn.ReLU(),
                                    nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Sequential(nn.Linear(32 + state_dim, 128), nn.ReLU(), nn.Linear(128, chunk * 7))

    def forward(self, img, state):
        return self.head(torch.cat([self.vision(img), state], dim=1)).view(-1, self.chunk, 7)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--chunk", type=int, default=4)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--out", help="folder for policy.pt (e.g. spatialgen train's {run_dir})")
    a = ap.parse_args()
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    data = Frames(a.dataset, a.chunk)
    model = Policy(data.state_dim, a.chunk).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    step = 0
    while step < a.steps:
        for batch in DataLoader(data, batch_size=a.batch, shuffle=True):
            img, state, action, valid = (t.to(device) for t in batch)
            err = ((model(img, state) - action) ** 2).mean(dim=2)
            loss = (err * valid).sum() / valid.sum().clamp(min=1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            print(f"step {step} loss {loss.item():.5f}", flush=True)
            step += 1
            if step >= a.steps:
                break
    print(f"first {losses[0]:.5f} last {losses[-1]:.5f} over {len(losses)} steps on {len(data)} frames ({device})")
    if a.out:
        torch.save(model.state_dict(), f"{a.out}/policy.pt")
        print(f"wrote {a.out}/policy.pt")


if __name__ == "__main__":
    main()
