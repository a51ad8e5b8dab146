"""Instructor tools: release the student edition, grade submissions, build a Gradescope autograder.

This package is never shipped to students. It imports ``classifiers`` and the other
modules of this repository (the solution); nothing in them imports it.
"""
