"""The grading inputs: drawn fresh for each submission from a seed of its content hash.

Nothing here is one of ``make check``'s public inputs. Each case is (name, options for the
harness, inputs); the shapes are chosen so the known mistakes give different answers:
N > 1 (sum versus mean), C > max(y) + 1 (the class count from the labels), a reg that is not
0.5 or 1 (the conventions), D != C (a transposed gradient), scores past exp's range (overflow).
"""
import numpy as np

TIMED_ROUNDS = 5    # the speed test takes the fastest of these calls, each on fresh inputs


def seeded(digest, salt):
    """A Generator for one graded function of one submission: same content, same inputs."""
    return np.random.default_rng([int.from_bytes(digest[:8], "little"), salt])


def _problem(rng, n, d, c, scale=0.5, top=None, dtype=np.float64):
    W = (rng.standard_normal((d, c)) * scale).astype(dtype)
    X = rng.standard_normal((n, d)).astype(dtype)
    y = rng.integers(0, c if top is None else top, n)
    return W, X, y


def _inputs(W, X, y, reg):
    return {"W": W, "X": X, "y": y, "reg": np.float64(reg)}


def loss_cases(rng, vectorized, kind):
    """[(name, options, inputs)] for one loss function."""
    reg = round(float(rng.uniform(0.21, 0.45)), 3)
    # tiny: printable, one decimal per entry, the top class absent from y
    W = rng.integers(-9, 10, (2, 4)) / 10
    X = rng.integers(-9, 10, (3, 2)) / 10
    y = rng.integers(0, 3, 3)
    main = _problem(rng, 40, 20, 10, top=9)
    regp = _problem(rng, 30, 15, 10)
    # large: every score of a row near 800..1200 (the bias trick's column of X times a row of W),
    # so exp overflows unless the row maximum is subtracted, and then nothing underflows
    large = _problem(rng, 20, 10, 10)
    large[1][:, -1] = rng.uniform(800, 1200, 20)
    large[0][-1, :] = 1.0
    # the same with that row of W at 0: every score of a row shifted back by its own constant,
    # which changes neither the softmax nor the SVM's margins, so neither the loss nor dW (reg = 0)
    unshifted = (large[0].copy(), large[1], large[2])
    unshifted[0][-1, :] = 0.0
    f32 = _problem(rng, 30, 20, 10, dtype=np.float32)
    cases = [("tiny", {}, _inputs(W, X, y, 0.0)),
             ("tiny_reg", {}, _inputs(W, X, y, reg)),
             ("main", {}, _inputs(*main, 0.0)),
             ("reg0", {}, _inputs(*regp, 0.0)),
             ("reg", {}, _inputs(*regp, reg)),
             ("large", {}, _inputs(*large, 0.0)),
             ("unshifted", {}, _inputs(*unshifted, 0.0)),
             ("modify", {"return_inputs": True}, _inputs(*_problem(rng, 25, 12, 10), reg)),
             # reg = 0 below, so a regularization mistake costs only the regularization tests
             ("n1", {}, _inputs(*_problem(rng, 1, 8, 7), 0.0)),
             ("c3", {}, _inputs(*_problem(rng, 15, 6, 3), 0.0)),
             ("f32", {}, _inputs(*f32, 0.0)),
             ("f64", {}, _inputs(f32[0].astype(np.float64), f32[1].astype(np.float64), f32[2], 0.0))]
    if vectorized:
        # the dev-set size, and many short rows, where a loop over examples shows most; timed on the
        # grader's clock, each round with its own W and y (no result can be reused) and checked
        for name, n, d, scale in (("speed_dev", 500, 3073, 1e-3), ("speed_rows", 4000, 8, 1.0)):
            X = rng.standard_normal((n, d))
            for k in range(TIMED_ROUNDS):
                W = rng.standard_normal((d, 10)) * scale
                cases.append((f"{name}_{k}", {"timed": True}, _inputs(W, X, rng.integers(0, 10, n), reg)))
    return cases


def train_cases(rng):
    """An easy problem: three well separated blobs in 5 dimensions."""
    centers = rng.standard_normal((3, 5)) * 4
    y = rng.integers(0, 3, 300)
    X = centers[y] + rng.standard_normal((300, 5))
    inputs = {"X": X, "y": y, "seed": np.int64(rng.integers(2 ** 31)), "learning_rate": np.float64(0.005),
              "reg": np.float64(1e-3), "num_iters": np.int64(60), "batch_size": np.int64(17)}
    return [("easy", {"keep_steps": 5}, inputs)]


def predict_cases(rng):
    out = []
    for n, d, c in ((50, 6, 4), (1, 9, 10)):
        W, X, _ = _problem(rng, n, d, c)
        out.append((f"predict_{c}", {}, {"W": W, "X": X}))
    return out


def proba_cases(rng):
    """Softmax.predict_proba: ordinary scores, and scores near 800..1200 (every score of a row shifted
    by the same constant, through the bias trick's column, so the probabilities stay ordinary), and
    the same without the shift."""
    W, X, _ = _problem(rng, 30, 6, 5)
    Wl, Xl, _ = _problem(rng, 20, 6, 5)
    Xl[:, -1] = rng.uniform(800, 1200, 20)
    Wl[-1, :] = 1.0
    unshifted = Wl.copy()
    unshifted[-1, :] = 0.0      # the same probabilities from ordinary scores
    return [("main", {}, {"W": W, "X": X}), ("large", {}, {"W": Wl, "X": Xl}),
            ("unshifted", {}, {"W": unshifted, "X": Xl})]


def activation_cases(rng, log):
    """losses.softmax / log_softmax: three dims (the last negative), inputs near 800..1200 (and the same
    rows without their constant, which changes neither function) and, for
    log_softmax, rows spread by about 800, where a probability underflows to 0 but its log is finite."""
    out = [("dim1", {"dim": 1}, {"x": rng.standard_normal((6, 5)) * 3}),
           ("dim0", {"dim": 0}, {"x": rng.standard_normal((4, 7, 3)) * 3}),
           ("dimneg", {"dim": -1}, {"x": rng.standard_normal((3, 4, 5)) * 3})]
    base = rng.standard_normal((6, 5)) * 3
    out.append(("large", {"dim": 1}, {"x": base + rng.uniform(800, 1200, (6, 1))}))
    out.append(("unshifted", {"dim": 1}, {"x": base}))      # the same rows without their large constant
    if log:
        spread = rng.standard_normal((6, 5)) * 3
        spread[:, 0] -= rng.uniform(750, 900, 6)   # no overflow even without the max shift
        out.append(("spread", {"dim": 1}, {"x": spread}))
    return out
