"""PyTorch twin of a tasuke lesson model, for scripts/bench/training.ts.

Reads one JSON job on stdin:
  {"layers": [...], "inputShape": [...], "loss": str, "optimizer": str,
   "x": path, "y": path, "n": int, "outputs": int,
   "xVal": path?, "yVal": path?, "nVal": int?, "mode": "bare" | "train",
   "batchSize": int, "epochs": int, "warmup": int, "lr": float, "threads": int}
"layers" describes the tfjs model layer by layer (dense, conv2d, maxpool,
flatten, dropout; see describeModel in training.ts). x is n * prod(inputShape)
little-endian float32 in tfjs's NHWC order, y is n * outputs float32 targets
(one-hot rows for categorical cross-entropy).

mode "bare": trains on the data in file order, nothing else.
mode "train": as `tasuke train` does each epoch: a fresh random order of the
training rows, the batches in that order, then the loss (and accuracy) of the
validation set without gradients.

Prints one JSON line: per-epoch wall-clock and CPU seconds of the timed
epochs, and which BLAS library the process really loaded and how many threads
it and PyTorch use (`blas`), so an unoptimised reference BLAS cannot hide.
"""
import ctypes
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def activation(name, modules):
    if name in (None, "linear"):
        return
    if name not in ACTIVATIONS:
        raise ValueError(f"activation {name} has no twin here")
    modules.append(ACTIVATIONS[name]())


def build(job):
    modules = []
    layers = job["layers"]
    for i, layer in enumerate(layers):
        last = i == len(layers) - 1
        kind = layer["type"]
        if kind == "dense":
            modules.append(nn.LazyLinear(layer["units"]))
        elif kind == "conv2d":
            if layer["padding"] not in ("valid", "same"):
                raise ValueError("padding")
            modules.append(nn.LazyConv2d(layer["filters"], tuple(layer["kernelSize"]), stride=tuple(layer["strides"]), padding=layer["padding"] if layer["strides"] == [1, 1] else 0))
        elif kind == "maxpool":
            modules.append(nn.MaxPool2d(tuple(layer["poolSize"]), tuple(layer["strides"])))
            continue
        elif kind == "flatten":
            modules.append(nn.Flatten())
            continue
        elif kind == "dropout":
            modules.append(nn.Dropout(layer["rate"]))
            continue
        else:
            raise ValueError(f"layer {kind} has no twin here")
        act = layer.get("activation")
        # The last activation is folded into the loss, as PyTorch models do.
        if last and job["loss"] == "categoricalCrossentropy" and act == "softmax":
            continue
        if last and job["loss"] == "binaryCrossentropy" and act == "sigmoid":
            continue
        activation(act, modules)
    return nn.Sequential(*modules)


def loaded_blas():
    """The BLAS/LAPACK shared objects this process has mapped (after a product ran)."""
    seen = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if "/" in line else ""
                name = os.path.basename(path)
                if path and ("blas" in name or "lapack" in name or "mkl" in name) and path not in seen:
                    seen.append(path)
    except OSError:
        pass
    return seen


def blas_info():
    """Which BLAS the dense layers go through, as loaded, and its threads."""
    # A product large enough to go through BLAS, so that the library is mapped.
    a = torch.ones(64, 64)
    (a @ a).sum().item()
    libs = loaded_blas()
    info = {"libraries": [os.path.realpath(p) for p in libs], "torchThreads": torch.get_num_threads()}
    kind = "unknown"
    for path in info["libraries"]:
        if "openblas" in path:
            kind = "openblas"
        elif "mkl" in path:
            kind = "mkl"
        elif "blis" in path:
            kind = "blis"
        elif os.path.basename(path).startswith("libblas.so") and kind == "unknown":
            # Debian's reference BLAS (libblas3): plain Fortran loops, no SIMD blocking.
            kind = "reference"
    info["kind"] = kind
    for path in info["libraries"]:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        if hasattr(lib, "openblas_get_config"):
            lib.openblas_get_config.restype = ctypes.c_char_p
            info["openblasConfig"] = lib.openblas_get_config().decode()
            info["openblasThreads"] = lib.openblas_get_num_threads()
            lib.openblas_get_corename.restype = ctypes.c_char_p
            info["openblasCore"] = lib.openblas_get_corename().decode()
            break
    info["env"] = {k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    return info


def read(path, count, shape):
    return torch.from_numpy(np.fromfile(path, dtype="<f4", count=count).copy()).reshape(*shape)


def main():
    job = json.loads(sys.stdin.read())
    torch.set_num_threads(job["threads"])
    torch.manual_seed(0)
    n = job["n"]
    shape = job["inputShape"]
    per = int(np.prod(shape))
    outputs = job["outputs"]

    def images(x):
        return x.permute(0, 3, 1, 2).contiguous() if len(shape) == 3 else x  # NHWC -> NCHW

    x = images(read(job["x"], n * per, (n, *shape)))
    y = read(job["y"], n * outputs, (n, outputs))
    nval = job.get("nVal") or 0
    xv = images(read(job["xVal"], nval * per, (nval, *shape))) if nval else None
    yv = read(job["yVal"], nval * outputs, (nval, outputs)) if nval else None
    categorical = job["loss"] == "categoricalCrossentropy"
    if categorical:
        y = y.argmax(dim=1)
        yv = yv.argmax(dim=1) if yv is not None else None
        loss_fn = nn.CrossEntropyLoss()
    elif job["loss"] == "binaryCrossentropy":
        loss_fn = nn.BCEWithLogitsLoss()
    elif job["loss"] == "meanSquaredError":
        loss_fn = nn.MSELoss()
    else:
        raise ValueError(f"loss {job['loss']} has no twin here")
    model = build(job)
    model(x[:1])  # materialises the lazy layers' weights
    optimizers = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop}
    opt = optimizers[job["optimizer"]](model.parameters(), lr=job["lr"])
    bs = job["batchSize"]
    full = job.get("mode", "bare") == "train"
    times, cpu_times, losses, val_losses = [], [], [], []
    for epoch in range(job["warmup"] + job["epochs"]):
        started = time.perf_counter()
        cpu_started = time.process_time()
        total = 0.0
        if full:
            order = torch.randperm(n)
            xs, ys = x[order], y[order]
        else:
            xs, ys = x, y
        model.train()
        for i in range(0, n, bs):
            xb, yb = xs[i : i + bs], ys[i : i + bs]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        if full and xv is not None:
            model.eval()
            with torch.no_grad():
                out = model(xv)
                val_losses.append(loss_fn(out, yv).item())
                if categorical:
                    (out.argmax(dim=1) == yv).float().mean().item()
        if epoch >= job["warmup"]:
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
            losses.append(total / n)
    print(json.dumps({"epochSeconds": times, "cpuSeconds": cpu_times, "loss": losses, "valLoss": val_losses[-1:], "threads": torch.get_num_threads(), "torch": torch.__version__, "blas": blas_info()}))


if __name__ == "__main__":
    main()
