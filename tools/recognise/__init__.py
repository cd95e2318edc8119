"""Garment recognition from a photo: article type, slot, named colours, pattern, nearest items.

``preprocess`` finds the garment in the picture, ``colours`` names its main colours from the
pixels, ``model`` is the small two-branch CNN, ``recogniser`` loads the checkpoint and predicts
with calibrated confidences, ``tool`` is the ``recognise_garment`` tool. Training lives in
``train`` (runtime never imports it).
"""
