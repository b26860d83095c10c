"""Image values of a dataset: HF ``Image`` structs ``{bytes, path}`` holding JPEG or PNG bytes."""
import io

import numpy as np
from PIL import Image


def decode_image(value, as_array=False):
    """A colour frame as a PIL image (RGB); a 16-bit PNG (depth in millimetres, instance ids) as a uint16 array.

    ``as_array`` returns colour frames as ``uint8`` arrays (H, W, 3) too.
    """
    if value is None:
        return None
    img = Image.open(io.BytesIO(value["bytes"]))
    if img.mode in ("I;16", "I;16B", "I", "I;16L"):
        return np.asarray(img, dtype=np.uint16) if img.mode.startswith("I;16") else np.asarray(img).astype(np.uint16)
    img = img.convert("RGB")
    return np.asarray(img) if as_array else img
