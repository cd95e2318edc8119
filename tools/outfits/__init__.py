"""Outfit compatibility and assembly.

Modules are kept apart on purpose: ``attributes`` (stylist knowledge about colours, formality and
seasons), ``rules`` (the rule scorer: makes training data and is a baseline, never the score),
``features``/``model``/``checkpoint`` (the learned model, inference only), ``train`` (training,
never imported at run time), ``data`` (Polyvore loaders and the demo outfit generator),
``scorer`` (score + explanation), ``assembly`` (beam search over catalogue candidates), ``brief``
(request words to filters) and the two agent tools.
"""
