"""The seeds that bench/compare and bench/run take: one (3), several (1,3,5),
ranges (1-8), or both (1-4,7)."""


def seeds_of(text):
    """The seeds `text` names, in its order."""
    out = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out
