"""Fashion knowledge shared by the agent, the tools and the index: the vocabulary and the brief reader.

Nothing here imports :mod:`stylist.agent` or the tools, so either side may import it.
"""
