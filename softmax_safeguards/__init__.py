"""What the assignment's packages share to handle input safely: argument checks and the error
classes (validation), a restricted unpickler (safe_pickle), atomic file writes (atomic_write) and
the pickle-free model files (persistence). It imports numpy and the standard library only.
"""
