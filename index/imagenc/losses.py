"""Contrastive losses of the image encoder: picture ↔ text pairs, and picture ↔ label prompts."""

from __future__ import annotations

import torch
from torch import nn


def clip_loss(
    img: torch.Tensor,
    txt: torch.Tensor,
    logit_scale: torch.Tensor,
    same_label: torch.Tensor | None = None,
) -> torch.Tensor:
    """Symmetric contrastive loss over a batch of (picture, text) pairs.

    Garments with the same text (one product name, two ids) are both right answers. With
    ``same_label`` ((B, B) bool: the same article type and colour), such pairs are left out of each
    other's negatives: a navy T-shirt is not pushed away from another navy T-shirt's name.
    """
    logits = logit_scale.exp() * img @ txt.T  # (B, B)
    with torch.no_grad():
        same = (txt @ txt.T > 0.999).float()
        target = same / same.sum(dim=1, keepdim=True)
    if same_label is not None:
        ignore = same_label & (same == 0)
        logits = logits.masked_fill(ignore, float("-inf"))
    # rows with -inf logits are fine: their target weight is 0 and softmax ignores them
    return (_soft_ce(logits, target) + _soft_ce(logits.T, target)) / 2


def _soft_ce(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    logp = torch.log_softmax(logits, dim=1)
    return -(target * logp.masked_fill(target == 0, 0.0)).sum(dim=1).mean()


def label_loss(
    img: torch.Tensor, prompts: torch.Tensor, labels: torch.Tensor, logit_scale: torch.Tensor
) -> torch.Tensor:
    """Each picture against every label's prompt vector ((L, D), unit): cross-entropy towards its own
    label (``labels``: index per picture, -100 = unknown, left out)."""
    if not bool((labels >= 0).any()):
        return img.sum() * 0.0
    logits = logit_scale.exp() * img @ prompts.T  # (B, L)
    return nn.functional.cross_entropy(logits, labels, ignore_index=-100)


def same_kind_loss(img: torch.Tensor, kinds: torch.Tensor, logit_scale: torch.Tensor) -> torch.Tensor:
    """Supervised contrastive loss between pictures: each picture's neighbours should be pictures of the
    same kind (``kinds``: a code per picture, e.g. its article type; batches hold runs of one kind)."""
    b = img.shape[0]
    eye = torch.eye(b, dtype=torch.bool, device=img.device)
    positive = (kinds[:, None] == kinds[None, :]) & ~eye
    rows = positive.any(dim=1)
    if not bool(rows.any()):
        return img.sum() * 0.0
    logits = (logit_scale.exp() * img @ img.T).masked_fill(eye, float("-inf"))  # (B, B), self left out
    target = positive.float() / positive.float().sum(dim=1, keepdim=True).clamp(min=1)
    return _soft_ce(logits[rows], target[rows])
