"""Evaluation against gold annotations (`../shared/eval/GOLD.md`): strict scoring (`scoring`),
cross-validation by article (`folds`), the trainable-component hook (`trainable`) and the
`newsfacts eval` I/O (`run`)."""
