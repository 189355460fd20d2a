"""The assessment (DESIGN.md §6): what freedoms a model version confers, with evidence.

A pure, deterministic function of recorded statements up to a position, a valid time and a
policy: the same inputs give the same JSON bytes. ``world`` folds statements into facts,
``closure`` finds the statements one model's answer rests on, ``freedoms``, ``osaid`` and ``mof``
evaluate, ``report`` assembles the §6 document.
"""
