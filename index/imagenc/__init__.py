"""The image encoder: garment pictures mapped into the text embedding space.

Trained with a CLIP-style symmetric contrastive loss against the frozen text model, so one
query vector (from words) searches garment pictures and descriptions alike.
"""
