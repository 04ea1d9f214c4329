"""PyTorch twin of a tasuke lesson model, for scripts/bench/training.ts.

Reads one JSON job on stdin:
  {"layers": [...], "inputShape": [...], "loss": str, "optimizer": str,
   "x": path, "y": path, "n": int, "outputs": int, "batchSize": int,
   "epochs": int, "warmup": int, "lr": float, "threads": int}
"layers" describes the tfjs model layer by layer (dense, conv2d, maxpool,
flatten, dropout; see describeModel in training.ts). x is n * prod(inputShape)
little-endian float32 in tfjs's NHWC order, y is n * outputs float32 targets
(one-hot rows for categorical cross-entropy). Trains on the data in file order
(no shuffling, as the tfjs side does) and prints one JSON line: per-epoch
wall-clock and CPU seconds of the timed epochs.
"""
import json
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


def main():
    job = json.loads(sys.stdin.read())
    torch.set_num_threads(job["threads"])
    torch.manual_seed(0)
    n = job["n"]
    shape = job["inputShape"]
    x = torch.from_numpy(np.fromfile(job["x"], dtype="<f4", count=n * int(np.prod(shape))).copy()).reshape(n, *shape)
    if len(shape) == 3:
        x = x.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
    y = torch.from_numpy(np.fromfile(job["y"], dtype="<f4", count=n * job["outputs"]).copy()).reshape(n, job["outputs"])
    if job["loss"] == "categoricalCrossentropy":
        y = y.argmax(dim=1)
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
    times, cpu_times, losses = [], [], []
    for epoch in range(job["warmup"] + job["epochs"]):
        started = time.perf_counter()
        cpu_started = time.process_time()
        total = 0.0
        for i in range(0, n, bs):
            xb, yb = x[i : i + bs], y[i : i + bs]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        if epoch >= job["warmup"]:
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
            losses.append(total / n)
    print(json.dumps({"epochSeconds": times, "cpuSeconds": cpu_times, "loss": losses, "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
