"""Writes a batch of predictions into a LossLens data set (spec section 2): one
`predictions/<run>/<stem>.npy` per sample, H x W x C, float16 or float32, each written to a
hidden temporary file in the same folder and renamed over the old one, so the inspector (which
watches the folder) and `losslens-cli` never read half a file.
"""
import os
import re
import tempfile

import numpy as np

_NAME = re.compile(r"^[^/\\\0]+$")


def _as_numpy(values):
    """A torch tensor (any device, with or without grad) or anything numpy takes."""
    if hasattr(values, "detach") and hasattr(values, "cpu"):
        values = values.detach().cpu().numpy()
    return np.asarray(values)


def _check_name(what, name):
    if not isinstance(name, str) or not _NAME.match(name) or name.startswith("."):
        raise ValueError(f"{what} {name!r} is not a file name LossLens lists "
                         "(no '/', not empty, not starting with '.')")


def _write_atomically(path, array, overwrite):
    folder = os.path.dirname(path)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} exists (overwrite=False)")
    fd, temporary = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".",
                                     suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, array, allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def write_predictions(root, run, stems, probs, *, layout="NCHW", dtype="float16",
                      overwrite=True):
    """Writes one prediction per stem into data set `root` and returns the paths written.

    root    the data set's folder (it holds labels/ or an annotations file; predictions/ is
            made if missing).
    run     the run's name: predictions/<run>/<stem>.npy. None writes the one-run layout
            predictions/<stem>.npy instead (a set has either files or run folders there).
    stems   one name per sample, as the set's labels name them.
    probs   N x C x H x W ("NCHW", PyTorch's order) or N x H x W x C ("NHWC"): softmax
            probabilities, or logits if the set's dataset.json says prediction_kind "logits".
            A torch tensor or a numpy array.
    dtype   "float16" (half the bytes; LossLens reads it exactly) or "float32".
    overwrite  False refuses to replace an existing prediction.
    """
    if dtype not in ("float16", "float32"):
        raise ValueError(f"dtype {dtype!r}: float16 or float32")
    if layout not in ("NCHW", "NHWC"):
        raise ValueError(f"layout {layout!r}: NCHW or NHWC")
    array = _as_numpy(probs)
    if array.ndim != 4:
        raise ValueError(f"probs has shape {array.shape}; expected 4 axes ({layout})")
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(f"probs has dtype {array.dtype}; expected floating point")
    stems = list(stems)
    if len(stems) != array.shape[0]:
        raise ValueError(f"{len(stems)} stems for a batch of {array.shape[0]}")
    if len(set(stems)) != len(stems):
        raise ValueError("the same stem twice in one batch")
    for stem in stems:
        _check_name("stem", stem)
    predictions = os.path.join(root, "predictions")
    if not os.path.isdir(root):
        raise FileNotFoundError(f"{root}: no such data set folder")
    os.makedirs(predictions, exist_ok=True)
    entries = [e for e in os.listdir(predictions) if not e.startswith(".")]
    if run is None:
        folder = predictions
        runs = [e for e in entries if os.path.isdir(os.path.join(predictions, e))]
        if runs:
            raise ValueError(f"{predictions} holds run folders ({', '.join(sorted(runs))}); "
                             "give a run name")
    else:
        _check_name("run", run)
        files = [e for e in entries if os.path.isfile(os.path.join(predictions, e))
                 and e.lower().endswith((".npy", ".npz"))]
        if files:
            raise ValueError(f"{predictions} holds prediction files of the one-run layout "
                             f"({files[0]}, ...); write with run=None or move them into a run "
                             "folder")
        folder = os.path.join(predictions, run)
        os.makedirs(folder, exist_ok=True)
    if layout == "NCHW":
        array = array.transpose(0, 2, 3, 1)
    written = []
    for stem, sample in zip(stems, array):
        path = os.path.join(folder, stem + ".npy")
        _write_atomically(path, np.ascontiguousarray(sample, dtype=dtype), overwrite)
        written.append(path)
    return written
