"""Support for the ``write_copy`` tool: facts, the grounding check and deterministic templates."""
