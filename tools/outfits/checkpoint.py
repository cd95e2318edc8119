"""Saving and loading compatibility checkpoints, and the ones shipped in the package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from stylist.errors import ModelUnavailableError
from stylist.tools.outfits.features import FEATURE_VERSION

if TYPE_CHECKING:
    from stylist.tools.outfits.model import CompatModel

CHECKPOINT_DIR = Path(__file__).resolve().parent / "checkpoints"
PACKAGED = {
    "maryland": CHECKPOINT_DIR / "compat_maryland.pt",  # the default: real Polyvore outfits (Han et al.)
    "demo": CHECKPOINT_DIR / "compat_demo.pt",
    "polyvore": CHECKPOINT_DIR / "compat_polyvore.pt",
}


def save_checkpoint(model: CompatModel, path: str | Path, meta: dict[str, Any] | None = None) -> Path:
    import torch  # heavy: only when a checkpoint is written or read

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        k: v.detach().cpu().half() if v.is_floating_point() else v.cpu()
        for k, v in model.state_dict().items()
    }
    torch.save(
        {
            "format": "stylist-compat/1",
            "config": model.config.to_dict(),
            "state_dict": state,
            "meta": meta or {},
        },
        path,
    )
    return path


def resolve_checkpoint(name_or_path: str | Path) -> Path:
    """A packaged checkpoint by name (``demo``, ``polyvore``) or a file path."""
    if str(name_or_path) in PACKAGED:
        return PACKAGED[str(name_or_path)]
    return Path(name_or_path).expanduser()


def load_checkpoint(
    name_or_path: str | Path = "demo", device: str = "cpu"
) -> tuple[CompatModel, dict[str, Any]]:
    """Rebuild a model from a checkpoint file alone; returns ``(model in eval mode, meta)``."""
    import torch

    from stylist.tools.outfits.model import CompatConfig, CompatModel  # torch modules: load on use

    path = resolve_checkpoint(name_or_path)
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if not path.is_file():
        raise ModelUnavailableError(
            f"compatibility checkpoint {path} does not exist",
            hint="use outfits.checkpoint = 'demo' or train one with `stylist train compat --outfits PATH`",
        )
    try:
        blob = torch.load(path, map_location=device, weights_only=True)
        if not isinstance(blob, dict) or blob.get("format") != "stylist-compat/1":
            raise ValueError("not a Stylist compatibility checkpoint")
        config = CompatConfig(**blob["config"])
        if config.feature_version != FEATURE_VERSION:
            raise ValueError(
                f"made for feature version {config.feature_version}, this code reads {FEATURE_VERSION}"
            )
        model = CompatModel(config)
        model.load_state_dict(
            {k: v.float() if v.is_floating_point() else v for k, v in blob["state_dict"].items()}
        )
    except (RuntimeError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise ModelUnavailableError(f"cannot load compatibility checkpoint {path}: {exc}") from None
    model.to(device).eval()
    return model, dict(blob.get("meta", {}))
