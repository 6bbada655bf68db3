"""LossLens on the training side: the losses as PyTorch modules, exactly as `losslens-cli stats`
computes them (losslens.losses), and a writer that puts a batch of predictions into a LossLens
data set (losslens.writer), so a training loop writes a run the inspector opens.

    import losslens
    loss = losslens.PartialCE()(probs, labels)
    losslens.write_predictions("data/", "epoch_012", stems, probs)   # N x C x H x W

The writer needs numpy only; the losses need PyTorch and are imported on first use.
"""
from .writer import write_predictions

__version__ = "0.3.0"

_LOSSES = ("StandardCE", "PartialCE", "MarginalCE", "missing_classes", "label_set_for",
           "annotated_for", "EPS", "IGNORE_INDEX")

__all__ = ["write_predictions", *_LOSSES]


def __getattr__(name):
    if name in _LOSSES:
        from . import losses
        return getattr(losses, name)
    raise AttributeError(f"module 'losslens' has no attribute {name!r}")
