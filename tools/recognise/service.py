"""The runtime's recogniser: the photo recogniser or the silhouette one, as the checkpoint says."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stylist.tools.recognise.recogniser import Recogniser, default_checkpoint

if TYPE_CHECKING:
    from stylist.runtime import Runtime


def recogniser_for(runtime: Runtime) -> Recogniser:
    """The runtime's recogniser, made once (inject one with ``Runtime(settings, recogniser=...)``):
    the photo recogniser or the silhouette one, as the checkpoint file says."""
    from stylist.tools.recognise.photo import make_recogniser  # torch: loaded on first use

    settings = runtime.settings
    return runtime.service(
        "recogniser",
        lambda: make_recogniser(default_checkpoint(settings.models_dir), device=settings.embed.device),
    )
